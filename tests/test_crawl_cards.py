"""Model cards inside the crawl, end to end: the `hubcrawl` CLI in a subprocess against a FakeHub.

Which cards are requested (new models and changed shas only), ETags and 304s, odd cards (scripts,
huge, binary, missing, failing) recorded without stopping the crawl, and `recrawl` refreshing one.
"""

from __future__ import annotations

import sqlite3
import zlib
from urllib.parse import unquote

import pytest

from fakehub import FakeHub, HubStore
from tests.test_crawl_integration import hubcrawl, make_record, query, runs

pytestmark = pytest.mark.slow

N_MODELS = 40
SCRIPT_CARD = (
    b"---\nlicense: mit\n---\n# Demo\n\n<script>alert('x')</script>\n\n"
    b"[click me](javascript:alert(1)) and [the paper](https://arxiv.org/abs/2401.00001)\n"
)
# 3 MB of readable text: three times the card parser's 1 MB cap, well under the 8 MiB download cap.
HUGE_CARD = b"---\nlicense: apache-2.0\n---\n# Big\n\n" + b"All work and no play. " * 143_000
BINARY_CARD = bytes(range(256)) * 64


def card_for(i: int) -> bytes | None:
    return f"---\nlicense: mit\n---\n# Model {i}\n\nA plain card for model number {i}.\n".encode()


def model_id(i: int) -> str:
    return make_record(i)["id"]


# The odd ones out, by position in the store.
SCRIPT, HUGE, BINARY, MISSING, FAILING = 1, 2, 3, 4, 5
SPECIAL_CARDS = {SCRIPT: SCRIPT_CARD, HUGE: HUGE_CARD, BINARY: BINARY_CARD, MISSING: None}


def make_store() -> HubStore:
    store = HubStore()
    for i in range(N_MODELS):
        store.add(make_record(i), SPECIAL_CARDS.get(i, card_for(i)))
    return store


def card_requests(hub: FakeHub) -> list:
    return [r for r in hub.requests if "/resolve/" in r.path]


def requested_model(record) -> str:
    return unquote(record.path.lstrip("/").split("/resolve/")[0])


def cards(db_path) -> dict[str, dict]:
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        return {row["model_id"]: dict(row) for row in conn.execute("SELECT * FROM cards")}
    finally:
        conn.close()


def card_text(row: dict) -> bytes:
    return zlib.decompress(row["text_zlib"])


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One store, crawled twice: first everything, then after a few deliberate changes."""
    db_path = tmp_path_factory.mktemp("cards") / "hub.db"
    store = make_store()
    changed_card, same_card_new_sha = model_id(10), model_id(11)
    with FakeHub(store) as hub:
        # The failing card: one 500 for the first try and each of the 3 retries these tests allow.
        hub.faults.fail_next(4, status=500, path_prefix=f"/{model_id(FAILING)}/resolve/")
        first = hubcrawl(hub, "crawl", "--db", str(db_path))
        first_requests = card_requests(hub)
        first_cards = cards(db_path)
        hub.clear_requests()
        store.set_card(changed_card, b"---\nlicense: mit\n---\n# Rewritten\n", sha="a" * 40)
        store.update(same_card_new_sha, sha="b" * 40)  # a commit that did not touch README.md
        second = hubcrawl(hub, "crawl", "--db", str(db_path))
        second_requests = card_requests(hub)
    return {
        "db_path": db_path, "store": store, "first": first, "second": second,
        "first_requests": first_requests, "second_requests": second_requests, "first_cards": first_cards,
        "changed_card": changed_card, "same_card_new_sha": same_card_new_sha,
    }


def test_first_crawl_requests_every_card_once_at_the_listed_sha(crawled):
    assert crawled["first"].returncode == 0, crawled["first"].stderr
    attempts: dict[str, int] = {}
    for record in crawled["first_requests"]:
        attempts[requested_model(record)] = attempts.get(requested_model(record), 0) + 1
        # Asked at the commit the listing reported.
        assert f"/resolve/{make_record(int(requested_model(record)[-5:]))['sha']}/" in record.path
    assert set(attempts) == {model_id(i) for i in range(N_MODELS)}
    assert attempts.pop(model_id(FAILING)) == 4  # the first try and 3 retries
    assert set(attempts.values()) == {1}


def test_every_model_has_a_card_row_with_the_right_status(crawled):
    stored = crawled["first_cards"]
    assert set(stored) == {model_id(i) for i in range(N_MODELS)}
    assert stored[model_id(MISSING)]["status"] == "missing"
    assert stored[model_id(FAILING)]["status"] == "error"
    assert stored[model_id(0)]["status"] == "ok"
    assert stored[model_id(0)]["etag"]
    [run, _] = runs(crawled["db_path"])
    assert run["status"] == "ok"  # a card that cannot be fetched is recorded, not fatal
    assert run["cards_missing"] == 1
    assert run["cards_fetched"] == N_MODELS - 2
    assert "1 model cards could not be fetched" in run["message"]


def test_scripts_and_javascript_links_are_kept_as_inert_data(crawled):
    row = crawled["first_cards"][model_id(SCRIPT)]
    assert row["status"] == "ok"
    assert b"<script>alert('x')</script>" in card_text(row)
    links = [url for (url,) in query(crawled["db_path"], "SELECT url FROM card_links WHERE model_id = ?",
                                     model_id(SCRIPT))]
    assert not any(url.lower().startswith("javascript:") for url in links)


def test_a_huge_card_is_capped_and_flagged(crawled):
    row = crawled["first_cards"][model_id(HUGE)]
    assert row["status"] == "ok"
    assert row["size_bytes"] == len(HUGE_CARD)
    assert row["truncated"] == 1
    assert len(card_text(row)) < len(HUGE_CARD)


def test_a_binary_card_does_not_stop_the_crawl(crawled):
    row = crawled["first_cards"][model_id(BINARY)]
    assert row["status"] == "ok"
    assert row["decode_replaced"] == 1 or row["parse_error"] is not None
    # Models listed after it still got their cards.
    assert crawled["first_cards"][model_id(N_MODELS - 1)]["status"] == "ok"


def test_second_crawl_asks_only_for_changed_shas_and_failed_cards(crawled):
    assert crawled["second"].returncode == 0, crawled["second"].stderr
    requested = sorted(requested_model(r) for r in crawled["second_requests"])
    expected = sorted([crawled["changed_card"], crawled["same_card_new_sha"], model_id(FAILING)])
    assert requested == expected
    # Each carries the ETag we stored, so an unchanged README costs a 304.
    by_model = {requested_model(r): r for r in crawled["second_requests"]}
    for model in (crawled["changed_card"], crawled["same_card_new_sha"]):
        assert by_model[model].headers.get("if-none-match") == crawled["first_cards"][model]["etag"]
    assert by_model[crawled["same_card_new_sha"]].status == 304
    assert by_model[crawled["changed_card"]].status == 200


def test_a_304_only_moves_the_card_to_the_new_sha(crawled):
    model = crawled["same_card_new_sha"]
    before, after = crawled["first_cards"][model], cards(crawled["db_path"])[model]
    assert after["sha"] == "b" * 40
    assert card_text(after) == card_text(before)
    assert after["etag"] == before["etag"]
    changed = cards(crawled["db_path"])[crawled["changed_card"]]
    assert b"# Rewritten" in card_text(changed)
    [_, second] = runs(crawled["db_path"])
    assert (second["cards_not_modified"], second["cards_fetched"]) == (1, 2)  # the failing card healed


def test_recrawl_refreshes_the_card(tmp_path):
    db_path = tmp_path / "hub.db"
    store = make_store()
    target = model_id(20)
    with FakeHub(store) as hub:
        assert hubcrawl(hub, "crawl", "--db", str(db_path)).returncode == 0
        store.set_card(target, b"---\nlicense: mit\n---\n# Fresh words\n", sha="c" * 40)
        hub.clear_requests()
        result = hubcrawl(hub, "recrawl", target, "--db", str(db_path))
        [card_request] = card_requests(hub)
    assert result.returncode == 0, result.stderr
    assert card_request.path == f"/{target}/resolve/{'c' * 40}/README.md"
    row = cards(db_path)[target]
    assert (row["sha"], row["status"]) == ("c" * 40, "ok")
    assert b"# Fresh words" in card_text(row)
    assert runs(db_path)[-1]["cards_fetched"] == 1


def test_recrawl_stores_the_hubs_eval_results_even_when_the_card_is_unchanged(tmp_path):
    """evalResults come only from the info endpoint; an unchanged README must not make recrawl drop them."""
    db_path = tmp_path / "hub.db"
    store = make_store()
    target = model_id(21)
    store.update(target, evalResults=[{
        "filename": ".eval_results/gsm8k.yaml", "verified": True,
        "data": {"dataset": {"id": "openai/gsm8k", "task_id": "main"}, "value": 86.2,
                 "source": {"url": "https://example.org/report", "name": "report"}},
    }])
    with FakeHub(store) as hub:
        assert hubcrawl(hub, "crawl", "--db", str(db_path)).returncode == 0
        result = hubcrawl(hub, "recrawl", target, "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    rows = query(db_path, "SELECT dataset_id, value, verified FROM eval_results "
                          "WHERE model_id = ? AND source_kind = 'evalResults'", target)
    assert rows == [("openai/gsm8k", 86.2, 1)]


def test_a_permanent_card_error_costs_nothing_on_an_unchanged_crawl_until_the_retry_interval(tmp_path):
    """403 (a gated repo) and a README over the download cap are permanent: an unchanged re-crawl does
    not ask again, until HUBCRAWL_CARD_ERROR_RETRY_DAYS have passed. A 5xx is transient: asked again."""
    db_path = tmp_path / "hub.db"
    store = make_store()
    gated = model_id(6)
    # The download cap sits between the plain cards and the 3 MB one, so only HUGE goes over it.
    capped = {"HUBCRAWL_CARD_MAXSIZE": str(len(HUGE_CARD) // 2)}
    with FakeHub(store) as hub:
        hub.faults.fail_next(1, status=403, path_prefix=f"/{gated}/resolve/")
        hub.faults.fail_next(4, status=500, path_prefix=f"/{model_id(FAILING)}/resolve/")
        # Without a Content-Length, the cap is only discovered part-way through the download.
        hub.faults.stream_chunked(f"/{model_id(HUGE)}/resolve/")
        first = hubcrawl(hub, "crawl", "--db", str(db_path), **capped)
        stored = cards(db_path)
        hub.clear_requests()
        second = hubcrawl(hub, "crawl", "--db", str(db_path), **capped)
        second_requests = sorted(requested_model(r) for r in card_requests(hub))
        hub.clear_requests()
        due = hubcrawl(hub, "crawl", "--db", str(db_path), HUBCRAWL_CARD_ERROR_RETRY_DAYS="0", **capped)
        due_requests = sorted(requested_model(r) for r in card_requests(hub))
    assert first.returncode == second.returncode == due.returncode == 0, second.stderr
    for model in (gated, model_id(HUGE), model_id(FAILING)):
        assert stored[model]["status"] == "error"
    assert stored[gated]["http_status"] == 403
    assert (stored[model_id(HUGE)]["http_status"], stored[model_id(HUGE)]["truncated"]) == (None, 1)
    # Only the transient failure is asked again (and the unchanged crawl asks nothing else).
    assert second_requests == [model_id(FAILING)]
    # Once the retry interval has passed, the permanent errors are asked again too.
    assert due_requests == sorted([gated, model_id(HUGE)])


def test_a_good_card_whose_new_sha_keeps_failing_waits_for_the_retry_interval(tmp_path):
    """A model with a good card pushes a new commit and its README turns 403 (gated): the good card is
    kept, and the failed attempt is remembered, so an unchanged re-crawl does not ask again until
    HUBCRAWL_CARD_ERROR_RETRY_DAYS have passed."""
    db_path = tmp_path / "hub.db"
    store = make_store()
    target = model_id(7)
    with FakeHub(store) as hub:
        assert hubcrawl(hub, "crawl", "--db", str(db_path)).returncode == 0
        good = cards(db_path)[target]
        store.update(target, sha="c" * 40)
        hub.faults.fail_next(1, status=403, path_prefix=f"/{target}/resolve/")
        assert hubcrawl(hub, "crawl", "--db", str(db_path)).returncode == 0
        after_403 = cards(db_path)[target]
        remembered = query(db_path, "SELECT sha, http_status FROM card_fetch_errors WHERE model_id = ?",
                           target)
        hub.clear_requests()
        assert hubcrawl(hub, "crawl", "--db", str(db_path)).returncode == 0
        unchanged_requests = [requested_model(r) for r in card_requests(hub)]
        hub.clear_requests()
        due = hubcrawl(hub, "crawl", "--db", str(db_path), HUBCRAWL_CARD_ERROR_RETRY_DAYS="0")
        assert due.returncode == 0
        due_requests = [requested_model(r) for r in card_requests(hub)]
    assert (after_403["status"], after_403["sha"]) == ("ok", good["sha"])  # the good card survived the 403
    assert remembered == [("c" * 40, 403)]
    assert unchanged_requests == []
    assert due_requests == [target]
    # Fetched again at the new sha: the card is current and the failure is forgotten.
    assert cards(db_path)[target]["sha"] == "c" * 40
    assert query(db_path, "SELECT count(*) FROM card_fetch_errors") == [(0,)]
