"""End to end: the real Scrapy engine, run through the `hubcrawl` CLI in a subprocess, against a FakeHub
served from this test process, into a real SQLite file.

Expected values are derived from the records we give the fake hub, with the Hub's documented rules
(hf-api.md): ISO timestamps lose their milliseconds, `gated: false` means "no", the parameter count is
`safetensors.total` or `gguf.total`, `base_model:<relation>:<id>` tags are edges, and license ids map to
SPDX where SPDX has one.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qsl

import pytest

from fakehub import FakeHub, HubStore
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.slow

N_MODELS = 2_500  # three pages of 1000
TWO_PAGES = 1_200  # enough for a second page, cheaper for tests about runs rather than values
TOKEN = "hf_integration_secret_7d1f0c"

# (Hub license id, what the database must hold): SPDX ids where SPDX has one, the Hub's id otherwise.
LICENSES = [
    ("apache-2.0", "Apache-2.0"),
    ("mit", "MIT"),
    ("cc-by-nc-4.0", "CC-BY-NC-4.0"),
    ("llama3.1", "llama3.1"),
    ("openrail++", "openrail++"),
    (None, None),
]
GATED = [(False, "no"), ("auto", "auto"), ("manual", "manual")]


# --- the fake hub's contents ----------------------------------------------------------------------------
def make_record(i: int) -> dict:
    """A varied, realistic list record: licenses, gating, params from safetensors or gguf, base models."""
    model_id = f"org{i % 9}/model-{i:05d}"
    hub_license, _ = LICENSES[i % len(LICENSES)]
    tags = ["transformers", "safetensors", "en", "region:us"]
    record: dict = {
        "_id": f"{0x6500000000000000 + i:024x}",
        "id": model_id,
        "author": f"org{i % 9}",
        "sha": f"{i:040x}",
        "lastModified": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T10:{i % 60:02d}:07.123Z",
        "createdAt": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T08:00:{i % 60:02d}.000Z",
        "private": False,
        "gated": GATED[i % len(GATED)][0],
        "disabled": False,
        "downloads": (i * 7919) % 100_000,
        "downloadsAllTime": (i * 7919) % 100_000 * 10 + i,
        "likes": i % 311,
        "trendingScore": i % 17,
        "library_name": "transformers",
    }
    if i % 5:
        record["pipeline_tag"] = "text-generation"
        tags.append("text-generation")
    if hub_license is not None:
        record["cardData"] = {"license": hub_license}
        tags.append(f"license:{hub_license}")
    if i % 3 == 0:
        record["safetensors"] = {"parameters": {"BF16": 1_000_000 + i}, "total": 1_000_000 + i}
    elif i % 3 == 1:
        record["gguf"] = {"total": 2_000_000 + i, "architecture": "llama"}
    if i % 4 == 0 and i > 0:
        parent = f"org{(i - 1) % 9}/model-{i - 1:05d}"
        tags += [f"base_model:{parent}", f"base_model:finetune:{parent}"]
    if i % 50 == 0:
        record["spaces"] = [f"user{i}/demo", f"user{i}/playground"]
    record["tags"] = tags
    return record


def make_store(n: int = N_MODELS) -> HubStore:
    return HubStore(make_record(i) for i in range(n))


def expected_row(record: dict) -> dict:
    """What `models` must hold for a record, by the Hub's documented semantics (not by our code)."""
    params = (record.get("safetensors") or record.get("gguf") or {}).get("total")
    return {
        "author": record["author"],
        "sha": record["sha"],
        "pipeline_tag": record.get("pipeline_tag"),
        "library_name": record["library_name"],
        "license": dict(LICENSES)[(record.get("cardData") or {}).get("license")],
        "params": params,
        "gated": dict(GATED)[record["gated"]],
        "created_at": record["createdAt"][:19] + "Z",
        "last_modified": record["lastModified"][:19] + "Z",
        "downloads": record["downloads"],
        "downloads_all_time": record["downloadsAllTime"],
        "likes": record["likes"],
        "trending_score": float(record["trendingScore"]),
        "removed_at": None,
    }


def expected_edges(record: dict) -> set[tuple[str, str]]:
    return {
        (tag.split(":", 2)[2], tag.split(":", 2)[1])
        for tag in record["tags"]
        if tag.startswith("base_model:") and tag.count(":") == 2
    }


# --- running the CLI -------------------------------------------------------------------------------------
def cli_env(hub: FakeHub, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "HF_TOKEN"}
    env.update(
        HF_ENDPOINT=hub.url,
        HUBCRAWL_BACKOFF_BASE="0.05",
        HUBCRAWL_MAX_RETRIES="3",
        HUBCRAWL_RATE_LIMIT_MARGIN="0",
        PYTHONPATH=str(REPO_ROOT),
    )
    env.update(extra)
    return env


def hubcrawl(hub: FakeHub, *argv: str, timeout: float = 60, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hubcrawl", *argv], cwd=REPO_ROOT, env=cli_env(hub, **env),
        capture_output=True, text=True, timeout=timeout, check=False,
    )


def start_hubcrawl(hub: FakeHub, *argv: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "hubcrawl", *argv], cwd=REPO_ROOT, env=cli_env(hub),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def query(db_path: Path, sql: str, *params: object) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def runs(db_path: Path) -> list[dict]:
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute("SELECT * FROM crawl_runs ORDER BY run_id")]
    finally:
        conn.close()


def listing_queries(hub: FakeHub) -> list[list[tuple[str, str]]]:
    return [parse_qsl(r.query) for r in hub.requests if r.path == "/api/models"]


def wait_until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


def model_count(db_path: Path) -> int:
    try:
        return query(db_path, "SELECT count(*) FROM models")[0][0]
    except sqlite3.OperationalError:  # not created yet
        return 0


# --- tests ----------------------------------------------------------------------------------------------
def test_full_crawl_lands_every_model_once_with_exact_values(db_path):
    store = make_store()
    with FakeHub(store) as hub:
        result = hubcrawl(hub, "crawl", "--no-cards", "--db", str(db_path))
        assert result.returncode == 0, result.stderr
        pages = listing_queries(hub)
        agents = {r.headers.get("user-agent") for r in hub.requests}

    assert len(pages) == 3
    assert all(("limit", "1000") in page for page in pages)
    assert agents == {"hubcrawl/0.1.0 (+https://github.com/hubcrawl/hubcrawl)"}
    # Quiet under a pipe: exactly the one-line summary on stdout.
    assert result.stdout.count("\n") == 1
    assert result.stdout.startswith("run 1 ok: 2,500 models (2,500 new, 0 changed)")

    columns = list(expected_row(make_record(0)))
    stored = {row[0]: dict(zip(columns, row[1:], strict=True)) for row in query(
        db_path, f"SELECT model_id, {', '.join(columns)} FROM models")}
    assert len(stored) == N_MODELS
    records = {record_id: store.get(record_id) for record_id in store.ids()}
    for model_id, record in records.items():
        assert stored[model_id] == expected_row(record), model_id

    tags: dict[str, set[str]] = {}
    for model_id, tag in query(db_path, "SELECT model_id, tag FROM tags"):
        tags.setdefault(model_id, set()).add(tag)
    edges: dict[str, set[tuple[str, str]]] = {}
    for child, parent, relation in query(
            db_path, "SELECT child_id, parent_id, relation FROM model_edges WHERE source = 'tags'"):
        edges.setdefault(child, set()).add((parent, relation))
    for model_id, record in records.items():
        assert tags.get(model_id, set()) == set(record["tags"]), model_id
        assert edges.get(model_id, set()) == expected_edges(record), model_id

    [run] = runs(db_path)
    assert (run["status"], run["kind"], run["full_listing"]) == ("ok", "crawl", 1)
    assert (run["pages"], run["models_seen"], run["models_new"], run["errors"]) == (3, N_MODELS, N_MODELS, 0)
    assert run["requests"] == 3
    assert query(db_path, "SELECT count(*), count(DISTINCT url) FROM raw_responses") == [(3, 3)]
    # Every model has its first snapshot.
    assert query(db_path, "SELECT count(DISTINCT model_id) FROM snapshots") == [(N_MODELS,)]


def test_second_crawl_snapshots_only_changed_models_and_marks_removed_ones(db_path):
    store = make_store(TWO_PAGES)
    changed = [f"org{i % 9}/model-{i:05d}" for i in (3, 500, 1199)]
    removed = ["org7/model-00007", "org2/model-01001"]  # one on each page
    with FakeHub(store) as hub:
        assert hubcrawl(hub, "crawl", "--no-cards", "--db", str(db_path)).returncode == 0
        for offset, model_id in enumerate(changed):
            store.update(model_id, downloads=store.get(model_id)["downloads"] + 1 + offset)
        for model_id in removed:
            store.remove(model_id)
        # Snapshots are keyed by time at second precision: make the second crawl's second differ.
        time.sleep(1.1)
        second = hubcrawl(hub, "crawl", "--no-cards", "--db", str(db_path))
    assert second.returncode == 0, second.stderr

    snapshots = dict(query(db_path, "SELECT model_id, count(*) FROM snapshots GROUP BY model_id"))
    assert {model_id for model_id, count in snapshots.items() if count == 2} == set(changed)
    assert set(snapshots.values()) == {1, 2}
    for model_id in changed:
        [(downloads,)] = query(db_path, "SELECT downloads FROM models WHERE model_id = ?", model_id)
        assert downloads == store.get(model_id)["downloads"]
    flagged = query(db_path, "SELECT model_id FROM models WHERE removed_at IS NOT NULL ORDER BY model_id")
    assert flagged == [(model_id,) for model_id in sorted(removed)]
    # The removed model keeps its row: nothing is deleted.
    assert model_count(db_path) == TWO_PAGES
    second_run = runs(db_path)[1]
    assert (second_run["models_new"], second_run["models_changed"]) == (0, len(changed))
    assert second_run["models_seen"] == TWO_PAGES - len(removed)
    assert second_run["models_removed"] == len(removed)


# Modules a listing crawl has no use for, and what pulled each one in before (every start paid for them).
NOT_FOR_A_CRAWL = (
    "aiohttp",  # Scrapy's remote control extension, imported even to be disabled
    "tldextract",  # the cookies middleware, likewise
    "bs4",  # card parsing, only when cards are fetched
    "pages.site", "scoring.store", "fakehub.server",  # other commands of the CLI
)


def test_a_crawl_without_cards_imports_nothing_it_does_not_use(db_path):
    script = (
        "import sys\n"
        "from hubcrawl.cli import main\n"
        f"status = main(['crawl', '--no-cards', '--quiet', '--db', {str(db_path)!r}])\n"
        f"print(status, sorted(name for name in {NOT_FOR_A_CRAWL!r} if name in sys.modules))\n"
    )
    with FakeHub(make_store(10)) as hub:
        result = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, env=cli_env(hub),
                                capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "0 []"


def test_recrawl_refreshes_one_model_with_spaces_and_children(db_path):
    store = make_store(200)
    parent = "org0/model-00000"  # model-00001 is not a child; model-00004's parent is model-00003
    with FakeHub(store) as hub:
        assert hubcrawl(hub, "crawl", "--no-cards", "--db", str(db_path)).returncode == 0
        store.update(parent, likes=99_999)
        hub.clear_requests()
        result = hubcrawl(hub, "recrawl", parent, "--db", str(db_path))
        info_requests = [r for r in hub.requests if r.path.startswith("/api/models/")]
    assert result.returncode == 0, result.stderr
    assert len(info_requests) == 1
    expand = {value for key, value in parse_qsl(info_requests[0].query) if key == "expand[]"}
    assert {"spaces", "childrenModelCount", "baseModels"} <= expand
    assert query(db_path, "SELECT likes FROM models WHERE model_id = ?", parent) == [(99_999,)]
    record = store.get(parent)
    spaces = {space for (space,) in query(
        db_path, "SELECT space_id FROM model_spaces WHERE model_id = ?", parent)}
    assert spaces == set(record["spaces"])
    run = runs(db_path)[-1]
    assert (run["kind"], run["status"], run["full_listing"]) == ("recrawl", "ok", 0)
    assert json.loads(run["args"]) == {"model_id": parent}


def test_recrawl_of_a_child_records_children_counts_of_its_parent(db_path):
    store = make_store(200)
    parent = "org3/model-00003"  # model-00004 is tagged base_model:finetune:org3/model-00003
    with FakeHub(store) as hub:
        result = hubcrawl(hub, "recrawl", parent, "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert query(db_path, "SELECT relation, count FROM model_children WHERE model_id = ?", parent) == [
        ("finetune", 1)]


def test_recrawl_of_a_renamed_model_stores_the_new_id_and_an_alias(db_path):
    store = make_store(50)
    with FakeHub(store) as hub:
        store.rename("org1/model-00010", "neworg/model-renamed")
        result = hubcrawl(hub, "recrawl", "org1/model-00010", "--db", str(db_path))
        statuses = [r.status for r in hub.requests]
    assert result.returncode == 0, result.stderr
    assert 307 in statuses
    assert "neworg/model-renamed" in result.stdout
    assert query(db_path, "SELECT model_id FROM models") == [("neworg/model-renamed",)]
    assert query(db_path, "SELECT alias_id, model_id FROM model_aliases") == [
        ("org1/model-00010", "neworg/model-renamed")]


def test_recrawl_of_a_removed_model_exits_4_and_marks_it_removed(db_path):
    store = make_store(50)
    gone = "org2/model-00020"
    with FakeHub(store) as hub:
        assert hubcrawl(hub, "crawl", "--no-cards", "--db", str(db_path)).returncode == 0
        store.remove(gone)
        result = hubcrawl(hub, "recrawl", gone, "--db", str(db_path))
        unknown = hubcrawl(hub, "recrawl", "nobody/never-existed", "--db", str(db_path))
    assert result.returncode == 4, result.stderr
    assert gone in result.stderr
    [(removed_at,)] = query(db_path, "SELECT removed_at FROM models WHERE model_id = ?", gone)
    assert removed_at is not None
    assert unknown.returncode == 4
    assert query(db_path, "SELECT count(*) FROM models WHERE model_id = 'nobody/never-existed'") == [(0,)]


def test_recrawl_with_a_refused_token_fails_without_marking_the_model_removed(db_path):
    """With a token the Hub answers 404 for a missing repo; a 401 then means the credentials were refused."""
    store = make_store(50)
    target = "org2/model-00020"
    with FakeHub(store) as hub:
        assert hubcrawl(hub, "crawl", "--no-cards", "--db", str(db_path)).returncode == 0
        hub.faults.fail_next(1, status=401, path_prefix=f"/api/models/{target}")
        result = hubcrawl(hub, "recrawl", target, "--db", str(db_path), HF_TOKEN=TOKEN)
    assert result.returncode == 1, result.stderr
    assert "HF_TOKEN" in result.stderr and TOKEN not in result.stderr
    assert query(db_path, "SELECT removed_at FROM models WHERE model_id = ?", target) == [(None,)]


def test_rate_limit_storm_and_server_errors_are_survived(db_path):
    store = make_store(TWO_PAGES)
    with FakeHub(store) as hub:
        hub.faults.rate_limit_next(3, retry_after=1, path_prefix="/api/models")
        hub.faults.fail_next(2, status=503, path_prefix="/api/models")
        result = hubcrawl(hub, "crawl", "--no-cards", "--db", str(db_path))
        statuses = [r.status for r in hub.requests]
    assert result.returncode == 0, result.stderr
    assert statuses.count(429) == 3
    assert statuses.count(503) == 2
    assert model_count(db_path) == TWO_PAGES
    [run] = runs(db_path)
    assert run["status"] == "ok"
    assert (run["http_429"], run["retries"], run["errors"]) == (3, 5, 0)
    assert run["requests"] == 2 + 5  # two pages, five answers that were retried


def test_a_page_that_keeps_failing_fails_the_run_and_keeps_what_was_stored(db_path):
    store = make_store(TWO_PAGES)
    with FakeHub(store) as hub:
        hub.faults.delay(1.0)  # page 2 is still in the hub's hands when we turn the failures on
        crawl = start_hubcrawl(hub, "crawl", "--no-cards", "--db", str(db_path))
        # Once the first page is served, every later listing request fails: page 2 can never load.
        wait_until(lambda: len(hub.requests) >= 1)
        hub.faults.fail_next(100, status=500, path_prefix="/api/models")
        _, stderr = crawl.communicate(timeout=60)
    assert crawl.returncode == 1, stderr
    assert "failed" in stderr
    assert model_count(db_path) == 1000
    [run] = runs(db_path)
    assert run["status"] == "failed"
    assert run["errors"] >= 1
    assert "HTTP 500" in run["message"]
    # A failed run proves nothing about removals.
    assert query(db_path, "SELECT count(*) FROM models WHERE removed_at IS NOT NULL") == [(0,)]


def test_kill_9_mid_crawl_then_a_rerun_completes(db_path):
    store = make_store()
    with FakeHub(store) as hub:
        hub.faults.delay(0.5)
        first = start_hubcrawl(hub, "crawl", "--no-cards", "--db", str(db_path))
        wait_until(lambda: model_count(db_path) >= 1000)
        # From now on every page takes 30 s: the crawl is surely still running while we look at it.
        hub.faults.delay(30)
        refused = hubcrawl(hub, "crawl", "--no-cards", "--db", str(db_path))
        assert refused.returncode == 3, refused.stderr
        assert f"process {first.pid}" in refused.stderr
        os.kill(first.pid, signal.SIGKILL)
        first.communicate(timeout=10)
        killed_with = model_count(db_path)
        hub.faults.delay(0)
        rerun = hubcrawl(hub, "crawl", "--no-cards", "--db", str(db_path))
    assert killed_with < N_MODELS  # it really died mid-crawl
    assert rerun.returncode == 0, rerun.stderr
    assert query(db_path, "SELECT count(*), count(DISTINCT model_id) FROM models") == [(N_MODELS, N_MODELS)]
    assert query(db_path, "PRAGMA integrity_check") == [("ok",)]
    statuses = [run["status"] for run in runs(db_path)]
    assert statuses == ["interrupted", "ok"]


def test_token_is_sent_but_never_printed_or_stored(db_path):
    store = make_store(30)
    with FakeHub(store) as hub:
        crawl = hubcrawl(hub, "crawl", "--db", str(db_path), "-v", HF_TOKEN=TOKEN)
        recrawl = hubcrawl(hub, "recrawl", "org1/model-00001", "--db", str(db_path), "-v", HF_TOKEN=TOKEN)
        seen = hub.requests
    assert crawl.returncode == 0, crawl.stderr
    assert recrawl.returncode == 0, recrawl.stderr
    assert seen
    assert all(r.has_auth for r in seen)
    for output in (crawl.stdout, crawl.stderr, recrawl.stdout, recrawl.stderr):
        assert TOKEN not in output
    for path in db_path.parent.glob(db_path.name + "*"):
        assert TOKEN.encode() not in path.read_bytes(), path


def test_plain_scrapy_crawl_from_the_repo_root_records_the_run(db_path):
    store = make_store(30)
    with FakeHub(store) as hub:
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "hub_models", "-s", f"HUBCRAWL_DB={db_path}"],
            cwd=REPO_ROOT, env=cli_env(hub), capture_output=True, text=True, timeout=60, check=False,
        )
    assert result.returncode == 0, result.stderr
    assert model_count(db_path) == 30
    [run] = runs(db_path)
    assert (run["status"], run["models_seen"]) == ("ok", 30)


def test_slice_arguments_reach_the_hub_and_never_mark_removals(db_path):
    store = make_store()
    with FakeHub(store) as hub:
        assert hubcrawl(hub, "crawl", "--no-cards", "--db", str(db_path), "--max-models", "5").returncode == 0
        hub.clear_requests()
        result = hubcrawl(hub, "crawl", "--no-cards", "--db", str(db_path), "--author", "org4",
                          "--filter", "text-generation", "--filter", "license:mit",
                          "--search", "model-0", "--sort", "downloads")
        [page_query] = listing_queries(hub)
    assert result.returncode == 0, result.stderr
    assert ("author", "org4") in page_query
    assert ("search", "model-0") in page_query
    assert ("sort", "downloads") in page_query
    assert [value for key, value in page_query if key == "filter"] == ["text-generation", "license:mit"]
    expected = {
        model_id for model_id in store.ids()
        if model_id.startswith("org4/") and "model-0" in model_id
        and {"text-generation", "license:mit"} <= set(store.get(model_id)["tags"])
    }
    assert expected
    second = runs(db_path)[1]
    assert second["full_listing"] == 0
    assert second["models_seen"] == len(expected)
    assert json.loads(second["args"])["filter"] == ["text-generation", "license:mit"]
    # The --max-models 5 run stored 5 models; neither slice marked anything removed.
    first = runs(db_path)[0]
    assert (first["models_seen"], first["full_listing"]) == (5, 0)
    assert query(db_path, "SELECT count(*) FROM models WHERE removed_at IS NOT NULL") == [(0,)]


def test_recrawl_waits_for_a_running_crawl_then_gives_up_or_proceeds(db_path):
    from hubcrawl.lock import CrawlLock, lock_path_for

    store = make_store(20)
    with FakeHub(store) as hub:
        held = CrawlLock.acquire(lock_path_for(db_path))  # as a running crawl would
        refused = hubcrawl(hub, "recrawl", "org1/model-00001", "--db", str(db_path), "--wait", "0.5")
        threading.Timer(1.0, held.release).start()
        waited = hubcrawl(hub, "recrawl", "org1/model-00001", "--db", str(db_path), "--wait", "30")
    assert refused.returncode == 3
    assert f"process {os.getpid()}" in refused.stderr
    assert waited.returncode == 0, waited.stderr
    assert query(db_path, "SELECT model_id FROM models") == [("org1/model-00001",)]


def test_progress_is_shown_only_when_asked_or_on_a_terminal(db_path):
    store = make_store(30)
    with FakeHub(store) as hub:
        quiet = hubcrawl(hub, "crawl", "--no-cards", "--db", str(db_path))
        shown = hubcrawl(hub, "crawl", "--no-cards", "--db", str(db_path), "--progress")
    assert quiet.returncode == shown.returncode == 0
    assert "models/s" not in quiet.stderr
    assert "1 pages, 30 models" in shown.stderr
    assert "models/s" in shown.stderr


def test_a_successful_cron_run_prints_one_summary_line_and_nothing_on_stderr(db_path):
    """Cron mails whatever a job prints: a healthy run must print its summary line and nothing else."""
    store = make_store(30)
    with FakeHub(store) as hub:
        crawl = hubcrawl(hub, "crawl", "--db", str(db_path))
        recrawl = hubcrawl(hub, "recrawl", "org1/model-00001", "--db", str(db_path))
    for result in (crawl, recrawl):
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        assert len(result.stdout.splitlines()) == 1, result.stdout
