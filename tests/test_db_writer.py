"""db.writer.Writer against real SQLite files: pages, snapshots, tags, removal, runs, merge rules."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import zlib

import pytest

from db.reader import IN_CHUNK, CardState, card_states, iter_archived_pages, select_in
from db.writer import BULK_LOAD_INDEXES, REMOVAL_GUARD_MIN, Writer
from ingest.listing import normalize_model

LIST_URL = "https://huggingface.co/api/models?sort=downloads"
T0 = "2026-11-01T06:00:00Z"
T1 = "2026-11-02T06:00:00Z"
T2 = "2026-11-03T06:00:00Z"


def list_item(n: int, **overrides) -> dict:
    """A default-shaped list item (no sha, author, lastModified), as the Hub serves it."""
    item = {
        "_id": f"{n:024x}",
        "id": f"org{n % 7}/model-{n}",
        "likes": n % 50,
        "trendingScore": n % 11,
        "private": False,
        "downloads": 1000 + n,
        "tags": ["transformers", "safetensors", "text-generation", "license:apache-2.0", "region:us"],
        "pipeline_tag": "text-generation",
        "library_name": "transformers",
        "createdAt": "2025-01-02T03:04:05.000Z",
    }
    item.update(overrides)
    return item


def facts_for(items: list[dict], fetched_at: str) -> list:
    return [normalize_model(i, source_url=LIST_URL, fetched_at=fetched_at) for i in items]


@pytest.fixture
def writer(db_path):
    w = Writer(db_path)
    yield w
    w.close()


def start(writer: Writer, started_at: str = T0, *, full_listing: bool = True) -> int:
    return writer.start_run("crawl", {"sort": "downloads"}, full_listing=full_listing, pid=os.getpid(),
                            started_at=started_at)


def write(writer: Writer, run_id: int, items: list[dict], fetched_at: str, body: bytes = b"[]"):
    return writer.write_page(run_id, url=LIST_URL, status=200, kind="listing", fetched_at=fetched_at,
                             body=body, facts=facts_for(items, fetched_at))


def scalar(writer: Writer, sql: str, *params):
    return writer.conn.execute(sql, params).fetchone()[0]


def model_row(writer: Writer) -> dict:
    cursor = writer.conn.execute("SELECT * FROM models")
    return dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))


def count_tag_writes(writer: Writer) -> None:
    """Log every insert into / delete from tags, to see whether a write touched them."""
    writer.conn.executescript(
        """
        CREATE TABLE IF NOT EXISTS tag_writes (op TEXT);
        CREATE TRIGGER IF NOT EXISTS tags_ins AFTER INSERT ON tags
            BEGIN INSERT INTO tag_writes VALUES ('i'); END;
        CREATE TRIGGER IF NOT EXISTS tags_del AFTER DELETE ON tags
            BEGIN INSERT INTO tag_writes VALUES ('d'); END;
        """
    )


# ---- pages and snapshots -----------------------------------------------------------------------


def test_first_page_all_new_with_one_snapshot_each_and_archive_roundtrip(writer):
    run_id = start(writer)
    items = [list_item(n) for n in range(20)]
    body = repr(items).encode() * 3
    stats = write(writer, run_id, items, T0, body=body)

    assert (stats.seen, stats.new, stats.changed) == (20, 20, 0)
    snapshots = writer.conn.execute(
        "SELECT model_id, taken_at, run_id, downloads, likes, trending_score FROM snapshots"
    ).fetchall()
    expected = {(i["id"], T0, run_id, i["downloads"], i["likes"], float(i["trendingScore"])) for i in items}
    assert set(snapshots) == expected
    stored_body, kind, url = writer.conn.execute("SELECT body_zlib, kind, url FROM raw_responses").fetchone()
    assert zlib.decompress(stored_body) == body
    assert (kind, url) == ("listing", LIST_URL)
    assert scalar(writer, "SELECT count(*) FROM tags") == sum(len(i["tags"]) for i in items)
    first_seen = {r[0] for r in writer.conn.execute("SELECT DISTINCT first_seen FROM models")}
    assert first_seen == {T0}


def test_changed_downloads_give_exactly_those_snapshots(writer):
    run_id = start(writer)
    items = [list_item(n) for n in range(10)]
    write(writer, run_id, items, T0)
    items[3]["downloads"] += 17
    items[7]["downloads"] += 1
    stats = write(writer, run_id, items, T1)

    assert (stats.seen, stats.new, stats.changed) == (10, 0, 2)
    later = writer.conn.execute("SELECT model_id, downloads FROM snapshots WHERE taken_at = ?", (T1,))
    assert set(later) == {(items[3]["id"], items[3]["downloads"]), (items[7]["id"], items[7]["downloads"])}
    assert scalar(writer, "SELECT count(*) FROM snapshots") == 12
    assert scalar(writer, "SELECT first_seen FROM models WHERE model_id = ?", items[3]["id"]) == T0
    assert scalar(writer, "SELECT last_seen FROM models WHERE model_id = ?", items[3]["id"]) == T1


def test_unchanged_rewrite_adds_no_snapshots_and_rewrites_no_tags(writer):
    run_id = start(writer)
    items = [list_item(n) for n in range(10)]
    write(writer, run_id, items, T0)
    count_tag_writes(writer)
    # Same tag set in another order is not a change either.
    reordered = [dict(i, tags=list(reversed(i["tags"]))) for i in items]
    stats = write(writer, run_id, reordered, T1)

    assert (stats.new, stats.changed) == (0, 0)
    assert scalar(writer, "SELECT count(*) FROM snapshots WHERE taken_at = ?", T1) == 0
    assert scalar(writer, "SELECT count(*) FROM tag_writes") == 0
    assert scalar(writer, "SELECT count(*) FROM raw_responses") == 2  # every response is archived


def test_tag_change_rewrites_tags_and_counts_as_changed(writer):
    run_id = start(writer)
    items = [list_item(n) for n in range(3)]
    write(writer, run_id, items, T0)
    items[1]["tags"] = [*items[1]["tags"], "conversational"]
    stats = write(writer, run_id, items, T1)
    assert stats.changed == 1
    tags = {r[0] for r in writer.conn.execute("SELECT tag FROM tags WHERE model_id = ?", (items[1]["id"],))}
    assert tags == set(items[1]["tags"])


def test_edges_follow_base_model_tags(writer):
    run_id = start(writer)
    child = list_item(1, tags=["base_model:a/base", "base_model:finetune:a/base", "license:mit"])
    write(writer, run_id, [child], T0)
    assert writer.conn.execute("SELECT parent_id, relation, source FROM model_edges").fetchall() == [
        ("a/base", "finetune", "tags")
    ]
    child["tags"] = ["base_model:b/other", "license:mit"]
    write(writer, run_id, [child], T1)
    edges = writer.conn.execute("SELECT parent_id, relation, source, fetched_at FROM model_edges")
    assert edges.fetchall() == [("b/other", "unknown", "tags", T1)]


def test_duplicate_ids_on_one_page_count_once(writer):
    run_id = start(writer)
    stats = write(writer, run_id, [list_item(1), list_item(1, downloads=5)], T0)
    assert (stats.seen, stats.new) == (1, 1)
    assert scalar(writer, "SELECT downloads FROM models") == 5


# ---- merge rules -------------------------------------------------------------------------------


def info_body(n: int, **overrides) -> dict:
    """A model-info-shaped body: sha, author, lastModified, gated, spaces, safetensors."""
    body = list_item(
        n,
        author=f"org{n % 7}",
        sha="a" * 40,
        lastModified="2025-06-01T00:00:00.000Z",
        gated=False,
        spaces=["s/one", "s/two"],
        safetensors={"parameters": {"BF16": 8_000}, "total": 8_000},
    )
    body.pop("trendingScore")  # info bodies do not carry it unless expanded
    body.update(overrides)
    return body


def test_list_item_without_sha_keeps_what_model_info_stored(writer):
    run_id = start(writer)
    write(writer, run_id, [info_body(1)], T0)
    stats = write(writer, run_id, [list_item(1)], T1)
    row = writer.conn.execute(
        "SELECT sha, author, last_modified, gated, params, params_source, spaces_count FROM models"
    ).fetchone()
    assert row == ("a" * 40, "org1", "2025-06-01T00:00:00Z", "no", 8_000, "safetensors.total", 2)
    assert stats.changed == 1  # trendingScore appeared: a real difference
    assert scalar(writer, "SELECT count(*) FROM model_spaces") == 2


def test_tagged_body_clears_pipeline_tag_the_hub_no_longer_sends(writer):
    run_id = start(writer)
    write(writer, run_id, [list_item(1)], T0)
    without = list_item(1)
    del without["pipeline_tag"]
    stats = write(writer, run_id, [without], T1)
    assert scalar(writer, "SELECT pipeline_tag FROM models") is None
    assert stats.changed == 1


def test_expand_only_body_erases_nothing(writer):
    run_id = start(writer)
    write(writer, run_id, [list_item(1)], T0)
    before = model_row(writer)
    expand_only = {"_id": list_item(1)["_id"], "id": list_item(1)["id"], "inference": "warm"}
    stats = write(writer, run_id, [expand_only], T1)
    after = model_row(writer)
    updated = {"inference", "last_seen", "fetched_at"}
    assert {c: v for c, v in after.items() if c not in updated} == {
        c: v for c, v in before.items() if c not in updated
    }
    assert (after["inference"], after["last_seen"]) == ("warm", T1)
    assert stats.changed == 0
    assert scalar(writer, "SELECT count(*) FROM snapshots") == 1
    assert scalar(writer, "SELECT count(*) FROM tags") == len(list_item(1)["tags"])


def test_api_null_never_erases_card_derived_params_but_api_value_wins(writer):
    run_id = start(writer)
    item = list_item(1)
    write(writer, run_id, [item], T0)
    # What the card writer records when only the card text names a size.
    writer.conn.execute("UPDATE models SET params = 7000000000, params_source = 'card_text'")
    writer.conn.commit()
    write(writer, run_id, [item], T1)
    params = writer.conn.execute("SELECT params, params_source FROM models").fetchone()
    assert params == (7_000_000_000, "card_text")
    write(writer, run_id, [dict(item, safetensors={"total": 6_990_000_000})], T2)
    assert writer.conn.execute("SELECT params, params_source FROM models").fetchone() == (
        6_990_000_000, "safetensors.total",
    )


def test_spaces_and_children_replaced_only_when_present(writer):
    run_id = start(writer)
    body = info_body(1, childrenModelCount={"finetune": 3, "quantized": 5})
    write(writer, run_id, [body], T0)
    assert scalar(writer, "SELECT spaces_count FROM models") == 2
    children = writer.conn.execute("SELECT relation, count, source FROM model_children ORDER BY relation")
    source = "api.childrenModelCount"
    assert children.fetchall() == [("finetune", 3, source), ("quantized", 5, source)]

    write(writer, run_id, [info_body(1, spaces=["s/three"], childrenModelCount={"adapter": 1})], T1)
    assert [r[0] for r in writer.conn.execute("SELECT space_id FROM model_spaces")] == ["s/three"]
    assert scalar(writer, "SELECT spaces_count FROM models") == 1
    assert writer.conn.execute("SELECT relation, count FROM model_children").fetchall() == [("adapter", 1)]

    write(writer, run_id, [list_item(1)], T2)  # a list item says nothing about spaces or children
    assert scalar(writer, "SELECT count(*) FROM model_spaces") == 1
    assert scalar(writer, "SELECT count(*) FROM model_children") == 1


def test_base_models_edges_replaced_when_present(writer):
    run_id = start(writer)
    body = info_body(1, baseModels={"relation": "adapter", "models": [{"id": "a/base"}]})
    write(writer, run_id, [body], T0)
    write(writer, run_id, [info_body(1, baseModels={"relation": "merge", "models": [{"id": "b/base"}]})], T1)
    edges = writer.conn.execute("SELECT parent_id, relation FROM model_edges WHERE source = 'api.baseModels'")
    assert edges.fetchall() == [("b/base", "merge")]


ADAPTER_OF_A_BASE = {"relation": "adapter", "models": [{"id": "a/base"}]}


def api_edges(writer) -> set[tuple[str, str]]:
    rows = writer.conn.execute("SELECT parent_id, relation FROM model_edges WHERE source = 'api.baseModels'")
    return set(rows.fetchall())


@pytest.mark.parametrize("emptied", [None, {}, [], {"relation": "adapter", "models": []}])
def test_a_body_whose_base_models_key_is_empty_clears_stored_api_edges(writer, emptied):
    run_id = start(writer)
    write(writer, run_id, [info_body(1, baseModels=ADAPTER_OF_A_BASE)], T0)
    assert api_edges(writer) == {("a/base", "adapter")}
    write(writer, run_id, [info_body(1, baseModels=emptied)], T1)
    assert api_edges(writer) == set()


def test_a_body_without_the_base_models_key_keeps_stored_api_edges(writer):
    run_id = start(writer)
    write(writer, run_id, [info_body(1, baseModels=ADAPTER_OF_A_BASE)], T0)
    write(writer, run_id, [list_item(1)], T1)  # list items never carry baseModels
    write(writer, run_id, [{"_id": list_item(1)["_id"], "id": list_item(1)["id"], "sha": "c" * 40}], T2)
    assert api_edges(writer) == {("a/base", "adapter")}


def test_model_overview_shows_written_facts(writer):
    run_id = start(writer)
    item = info_body(1)
    write(writer, run_id, [item], T0)
    row = writer.conn.execute(
        "SELECT model_id, author, task, library, license, downloads_30d, likes, params, params_source, "
        "created_at, sha, gated, spaces_count, first_seen, removed FROM model_overview"
    ).fetchone()
    assert row == (
        item["id"], item["author"], item["pipeline_tag"], item["library_name"], "Apache-2.0",
        item["downloads"], item["likes"], 8_000, "safetensors.total", "2025-01-02T03:04:05Z", item["sha"],
        "no", 2, T0, 0,
    )


# ---- removal and aliases -----------------------------------------------------------------------


def test_unseen_models_marked_removed_after_full_listing_and_reappear(writer):
    first = start(writer, T0)
    write(writer, first, [list_item(1), list_item(2)], T0)
    writer.finish_run(first, status="ok", finished_at=T0, counters={}, message=None)

    second = start(writer, T1)
    write(writer, second, [list_item(1)], T1)
    assert writer.mark_unseen_removed(second, T1) == 1
    removed = writer.conn.execute("SELECT model_id, removed_at FROM models WHERE removed_at IS NOT NULL")
    assert removed.fetchall() == [(list_item(2)["id"], T1)]
    assert scalar(writer, "SELECT models_removed FROM crawl_runs WHERE run_id = ?", second) == 1
    assert scalar(writer, "SELECT count(*) FROM models") == 2  # never deleted

    third = start(writer, T2)
    write(writer, third, [list_item(2)], T2)
    assert scalar(writer, "SELECT removed_at FROM models WHERE model_id = ?", list_item(2)["id"]) is None


def test_partial_listing_cannot_mark_removals(writer):
    run_id = start(writer, full_listing=False)
    with pytest.raises(ValueError, match="not a full listing"):
        writer.mark_unseen_removed(run_id, T1)


def test_mark_removed_once_and_never_deletes(writer):
    run_id = start(writer)
    write(writer, run_id, [list_item(1)], T0)
    assert writer.mark_removed(list_item(1)["id"], T1) is True
    assert writer.mark_removed(list_item(1)["id"], T2) is False  # first removal date kept
    assert scalar(writer, "SELECT removed_at FROM models") == T1
    assert writer.mark_removed("nobody/never-seen", T1) is False


def test_the_writer_alone_owns_models_removed(writer):
    """mark_removed / mark_unseen_removed count what they flag; finish_run cannot overwrite the total."""
    first = start(writer, T0)
    write(writer, first, [list_item(n) for n in (1, 2, 3, 4)], T0)
    writer.finish_run(first, status="ok", finished_at=T0, counters={}, message=None)
    second = start(writer, T1)
    write(writer, second, [list_item(1), list_item(2)], T1)
    assert writer.mark_removed(list_item(3)["id"], T1, run_id=second) is True
    assert writer.mark_removed(list_item(3)["id"], T1, run_id=second) is False  # already flagged
    flagged_unseen = writer.mark_unseen_removed(second, T1)  # list_item(4) only: 3 is flagged already
    assert flagged_unseen == 1
    with pytest.raises(ValueError, match="models_removed"):
        writer.finish_run(second, status="ok", finished_at=T1, counters={"models_removed": 9}, message=None)
    writer.finish_run(second, status="ok", finished_at=T1, counters={"models_seen": 2}, message=None)
    flagged = scalar(writer, "SELECT count(*) FROM models WHERE removed_at IS NOT NULL")
    assert scalar(writer, "SELECT models_removed FROM crawl_runs WHERE run_id = ?", second) == flagged == 2


def test_alias_recorded_and_updated(writer):
    writer.record_alias("bert-base-uncased", "google-bert/bert-base-uncased", T0)
    writer.record_alias("bert-base-uncased", "google-bert/bert-base-uncased-v2", T1)
    assert writer.conn.execute("SELECT * FROM model_aliases").fetchall() == [
        ("bert-base-uncased", "google-bert/bert-base-uncased-v2", T1)
    ]


# ---- runs --------------------------------------------------------------------------------------


def test_run_bookkeeping(writer):
    args = {"sort": "likes", "limit": 5, "hf_token": "hf_secret"}
    run_id = writer.start_run("crawl", args, full_listing=False, pid=os.getpid(), started_at=T0)
    writer.finish_run(run_id, status="ok", finished_at=T1,
                      counters={"models_seen": 40, "pages": 2, "requests": 3, "http_429": 1}, message="done")
    row = writer.conn.execute(
        "SELECT kind, args, full_listing, status, finished_at, pages, requests, http_429, models_seen, "
        "message FROM crawl_runs WHERE run_id = ?", (run_id,)
    ).fetchone()
    assert row == ("crawl", '{"limit": 5, "sort": "likes"}', 0, "ok", T1, 2, 3, 1, 40, "done")
    assert "hf_secret" not in row[1]
    with pytest.raises(ValueError, match="unknown run counters"):
        writer.finish_run(run_id, status="ok", finished_at=T1, counters={"pages = 0; --": 1}, message=None)


def test_stale_running_runs_become_interrupted(writer):
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True)
    dead_pid = int(finished.stdout)
    dead = writer.start_run("crawl", {}, full_listing=True, pid=dead_pid, started_at=T0)
    alive = writer.start_run("crawl", {}, full_listing=True, pid=os.getpid(), started_at=T1)
    assert writer.mark_stale_runs_interrupted(T2) == 1
    statuses = dict(writer.conn.execute("SELECT run_id, status FROM crawl_runs").fetchall())
    assert statuses == {dead: "interrupted", alive: "running"}
    assert scalar(writer, "SELECT finished_at FROM crawl_runs WHERE run_id = ?", dead) == T2


# ---- db.reader: what the crawler reads back ----------------------------------------------------


def test_select_in_reads_id_lists_longer_than_one_chunk_once_each(writer):
    run_id = start(writer)
    items = [list_item(n) for n in range(IN_CHUNK + 7)]
    write(writer, run_id, items, T0)
    ids = [item["id"] for item in items]
    asked = ids + [f"nobody/m{n}" for n in range(IN_CHUNK)] + ids[:3]  # unknown ids and repeats too
    rows = list(select_in(writer.conn, "SELECT model_id FROM models WHERE model_id IN ", asked))
    assert sorted(model_id for (model_id,) in rows) == sorted(ids)
    assert list(select_in(writer.conn, "SELECT model_id FROM models WHERE model_id IN ", [])) == []


def test_card_states_from_cards_table(writer):
    run_id = start(writer)
    write(writer, run_id, [list_item(1), list_item(2)], T0)
    # cards rows are db/card_writer.py's; written directly here to test only the reader.
    writer.conn.execute(
        "INSERT INTO cards (model_id, status, sha, etag, source_url, fetched_at) "
        "VALUES (?, 'ok', ?, ?, ?, ?)",
        (list_item(1)["id"], "b" * 40, '"etag-1"', "https://huggingface.co/x/README.md", T0),
    )
    writer.conn.commit()
    states = card_states(writer.conn, [list_item(1)["id"], list_item(2)["id"]])
    assert states == {
        list_item(1)["id"]: CardState(sha="b" * 40, etag='"etag-1"', status="ok", http_status=None,
                                      fetched_at=T0)
    }


def test_iter_archived_pages_filters_by_kind_and_decompresses(writer):
    run_id = start(writer)
    bodies = [b'[{"id": "a/b"}]', b'{"id": "a/b", "sha": "x"}', b"[]"]
    for body, kind in zip(bodies, ["listing", "model_info", "listing"], strict=True):
        writer.write_page(run_id, url=LIST_URL, status=200, kind=kind, fetched_at=T0, body=body, facts=[])
    assert [p.body for p in iter_archived_pages(writer.conn, "listing")] == [bodies[0], bodies[2]]
    everything = list(iter_archived_pages(writer.conn))
    assert [(p.kind, p.body, p.run_id, p.status) for p in everything] == [
        ("listing", bodies[0], run_id, 200),
        ("model_info", bodies[1], run_id, 200),
        ("listing", bodies[2], run_id, 200),
    ]


# ---- re-normalizing the archive ----------------------------------------------------------------


def test_reingest_archive_rebuilds_facts_from_raw_bodies_without_rearchiving(writer):
    run_id = start(writer)
    first = [list_item(1, downloads=100), list_item(2)]
    second = [list_item(1, downloads=200)]
    # As if an older normalizer had produced nothing from these responses.
    for items, at in ((first, T0), (second, T1)):
        writer.write_page(run_id, url=LIST_URL, status=200, kind="listing", fetched_at=at,
                          body=json.dumps(items).encode(), facts=[])
    writer.write_page(run_id, url=LIST_URL, status=500, kind="listing", fetched_at=T1, body=b"oops", facts=[])
    assert scalar(writer, "SELECT count(*) FROM models") == 0

    totals, problems = writer.reingest_archive("listing")

    assert problems == []
    assert (totals.seen, totals.new, totals.changed) == (3, 2, 1)
    rows = dict(writer.conn.execute("SELECT model_id, downloads FROM models").fetchall())
    assert rows == {list_item(1)["id"]: 200, list_item(2)["id"]: list_item(2)["downloads"]}
    assert scalar(writer, "SELECT first_seen FROM models WHERE model_id = ?", list_item(1)["id"]) == T0
    assert scalar(writer, "SELECT count(*) FROM snapshots WHERE model_id = ?", list_item(1)["id"]) == 2
    assert scalar(writer, "SELECT count(*) FROM raw_responses") == 3


def test_reingest_reports_undecodable_bodies(writer):
    run_id = start(writer)
    writer.write_page(run_id, url=LIST_URL, status=200, kind="model_info", fetched_at=T0, body=b"{not json",
                      facts=[])
    totals, problems = writer.reingest_archive()
    assert totals.seen == 0
    assert len(problems) == 1 and "not JSON" in problems[0]


# ---- grouped commits -----------------------------------------------------------------------------


def committed_models(db_path) -> int:
    """What another connection (a reader, or the next run after kill -9) sees."""
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT count(*) FROM models").fetchone()[0]
    finally:
        conn.close()


def test_grouped_pages_commit_together_at_the_page_limit_or_on_flush(db_path):
    writer = Writer(db_path, group_pages=3, group_seconds=3600)
    run_id = start(writer)
    write(writer, run_id, [list_item(1), list_item(2)], T0)
    write(writer, run_id, [list_item(3)], T0)
    assert committed_models(db_path) == 0  # two pages of a group of three: not yet visible
    write(writer, run_id, [list_item(4)], T0)
    assert committed_models(db_path) == 4
    write(writer, run_id, [list_item(5)], T0)
    writer.flush()
    assert committed_models(db_path) == 5
    writer.close()


def test_a_failing_page_in_a_group_undoes_only_itself(db_path):
    writer = Writer(db_path, group_pages=10, group_seconds=3600)
    run_id = start(writer)
    write(writer, run_id, [list_item(1)], T0)
    # The body is archived before the facts fail: the savepoint must take the archive row back too.
    with pytest.raises(AttributeError):
        writer.write_page(run_id, url="https://hub/bad", status=200, kind="listing", fetched_at=T0,
                          body=b"[]", facts=[*facts_for([list_item(2)], T0), "not facts"])
    write(writer, run_id, [list_item(3)], T0)
    writer.close()  # closing commits the open group
    assert committed_models(db_path) == 2
    reader = Writer(db_path)
    assert [page.url for page in iter_archived_pages(reader.conn)] == [LIST_URL, LIST_URL]
    reader.close()


def test_other_writes_commit_the_open_group_first(db_path):
    writer = Writer(db_path, group_pages=10, group_seconds=3600)
    run_id = start(writer)
    write(writer, run_id, [list_item(1), list_item(2)], T0)
    writer.mark_removed(list_item(1)["id"], T1)
    assert committed_models(db_path) == 2
    writer.close()


# ---- the tags index during a first crawl -----------------------------------------------------------


def tag_index_present(db_path, name: str = "tags_tag") -> bool:
    conn = sqlite3.connect(db_path)
    try:
        sql = "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?"
        return conn.execute(sql, (name,)).fetchone() is not None
    finally:
        conn.close()


def test_first_crawl_builds_the_tag_index_at_the_end_of_the_run(db_path):
    writer = Writer(db_path)
    run_id = start(writer)
    write(writer, run_id, [list_item(1), list_item(2)], T0)
    assert not tag_index_present(db_path)  # bulk load into an empty tags table
    writer.finish_run(run_id, status="ok", finished_at=T1, counters={}, message=None)
    assert all(tag_index_present(db_path, name) for name in BULK_LOAD_INDEXES)
    plan = " ".join(row[3] for row in writer.conn.execute(
        "EXPLAIN QUERY PLAN SELECT model_id FROM tags WHERE tag = 'region:us'"))
    assert "tags_tag" in plan
    assert scalar(writer, "SELECT count(*) FROM tags WHERE tag = 'region:us'") == 2
    writer.close()


def test_a_later_crawl_keeps_the_tag_index(db_path):
    first = Writer(db_path)
    write(first, start(first), [list_item(1)], T0)
    first.close()
    second = Writer(db_path)
    write(second, start(second, T1), [list_item(2)], T1)
    assert tag_index_present(db_path)
    second.close()


def test_opening_a_writer_restores_an_index_a_killed_first_crawl_left_missing(db_path):
    code = (
        "import os, sys\n"
        "sys.path.insert(0, '.')\n"
        "from tests.test_db_writer import Writer, list_item, start, write, T0\n"
        f"writer = Writer({str(db_path)!r})\n"
        "write(writer, start(writer), [list_item(1)], T0)\n"
        "os._exit(0)  # no close, no finish_run: as after kill -9\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=os.path.dirname(os.path.dirname(__file__)))
    assert not any(tag_index_present(db_path, name) for name in BULK_LOAD_INDEXES)
    Writer(db_path).close()
    assert all(tag_index_present(db_path, name) for name in BULK_LOAD_INDEXES)


def test_first_crawl_leaves_no_dangling_references_and_foreign_keys_back_on(db_path):
    writer = Writer(db_path, group_pages=5, group_seconds=3600)
    run_id = start(writer)
    base = list_item(1)
    derived = list_item(2, tags=["transformers", f"base_model:{base['id']}", "base_model:finetune:other/x"])
    write(writer, run_id, [base, derived], T0)
    write(writer, run_id, [list_item(3), list_item(4)], T0)
    writer.flush()
    assert scalar(writer, "PRAGMA foreign_keys") == 1  # card writes after a flush are checked again
    writer.finish_run(run_id, status="ok", finished_at=T1, counters={}, message=None)
    assert writer.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert scalar(writer, "SELECT count(*) FROM tags") == sum(len(set(i["tags"])) for i in
                                                             [base, derived, list_item(3), list_item(4)])
    # The checks hold again for anything written later.
    with pytest.raises(sqlite3.IntegrityError), writer.conn:
        writer.conn.execute("INSERT INTO tags (model_id, tag) VALUES ('no/such-model', 'x')")
    writer.close()


@pytest.mark.parametrize("unreadable", ["a/base", 42, {"parents": ["a/base"]}, [{"relation": "adapter"}, 7]])
def test_a_base_models_value_of_an_unknown_shape_keeps_stored_api_edges(writer, unreadable):
    # The shape of baseModels is only known from observed bodies: one we cannot read says nothing about
    # the current parents, so it must not erase the ones we know.
    run_id = start(writer)
    write(writer, run_id, [info_body(1, baseModels=ADAPTER_OF_A_BASE)], T0)
    write(writer, run_id, [info_body(1, baseModels=unreadable)], T1)
    assert api_edges(writer) == {("a/base", "adapter")}


def test_a_tagged_body_without_inference_clears_a_stored_warm(writer):
    """The Hub sends `inference` only while a model is warm ("warm or undefined", hf-api.md §2.3): a
    listing page that asked for it (as the crawl does, along with tags) and got no key means the model
    is no longer served, and a stale 'warm' would keep feeding the integrations score."""
    run_id = start(writer)
    write(writer, run_id, [list_item(1, inference="warm")], T0)
    assert scalar(writer, "SELECT inference FROM models") == "warm"
    write(writer, run_id, [list_item(1)], T1)
    assert scalar(writer, "SELECT inference FROM models") is None


def test_an_expand_subset_without_inference_keeps_a_stored_warm(writer):
    run_id = start(writer)
    write(writer, run_id, [list_item(1, inference="warm")], T0)
    expand_only = {"_id": list_item(1)["_id"], "id": list_item(1)["id"], "likes": 3}
    write(writer, run_id, [expand_only], T1)
    assert scalar(writer, "SELECT inference FROM models") == "warm"


def test_a_full_listing_that_saw_fewer_models_than_it_would_remove_removes_none(writer):
    """An empty or cut-short listing (a `[]` page, a lost Link header) ends like a complete one: it
    must not flag most of the hub as removed. Removing more models than the run saw is refused."""
    first = start(writer, T0)
    write(writer, first, [list_item(n) for n in range(5)], T0)
    writer.finish_run(first, status="ok", finished_at=T0, counters={}, message=None)
    second = start(writer, T1)
    write(writer, second, [list_item(0), list_item(1)], T1)
    with pytest.raises(ValueError, match=r"3 models unseen.*saw only 2"):
        writer.mark_unseen_removed(second, T1)
    assert scalar(writer, "SELECT count(*) FROM models WHERE removed_at IS NOT NULL") == 0
    assert scalar(writer, "SELECT models_removed FROM crawl_runs WHERE run_id = ?", second) == 0


def test_select_in_abandoned_after_its_connection_closed_stays_quiet(tmp_path):
    # Ctrl-C during reingest leaves the generator suspended until after Writer.close(): closing it then
    # must not raise "Cannot operate on a closed database" (printed as "Exception ignored in ...").
    conn = sqlite3.connect(tmp_path / "t.db")
    conn.execute("CREATE TABLE t (v TEXT)")
    conn.executemany("INSERT INTO t VALUES (?)", [("a",), ("b",), ("c",)])
    rows = select_in(conn, "SELECT v FROM t WHERE v IN ", ["a", "b", "c"])
    assert next(rows)[0] in {"a", "b", "c"}
    conn.close()
    rows.close()


def test_a_full_listing_cut_short_past_halfway_still_removes_none(writer):
    """A `Link` header lost late in the listing: fewer unseen than seen, but far more than the hub loses
    between two crawls. Over REMOVAL_GUARD_MIN models and REMOVAL_GUARD_SHARE of them is refused."""
    stored = REMOVAL_GUARD_MIN * 3
    first = start(writer, T0)
    write(writer, first, [list_item(n) for n in range(stored)], T0)
    writer.finish_run(first, status="ok", finished_at=T0, counters={}, message=None)
    second = start(writer, T1)
    seen = stored - REMOVAL_GUARD_MIN - 1  # more seen than unseen: the first guard lets it pass
    write(writer, second, [list_item(n) for n in range(seen)], T1)
    with pytest.raises(ValueError, match=rf"{REMOVAL_GUARD_MIN + 1} models unseen"):
        writer.mark_unseen_removed(second, T1)
    assert scalar(writer, "SELECT count(*) FROM models WHERE removed_at IS NOT NULL") == 0
    # A user who knows the hub really lost that many raises the share (HUBCRAWL_MAX_REMOVED_SHARE).
    assert writer.mark_unseen_removed(second, T1, max_share=0.5) == REMOVAL_GUARD_MIN + 1


def test_a_small_hub_may_lose_a_large_share(writer):
    """Under REMOVAL_GUARD_MIN models the share guard stays out of the way (test hubs, private mirrors)."""
    first = start(writer, T0)
    write(writer, first, [list_item(n) for n in range(10)], T0)
    writer.finish_run(first, status="ok", finished_at=T0, counters={}, message=None)
    second = start(writer, T1)
    write(writer, second, [list_item(n) for n in range(6)], T1)
    assert writer.mark_unseen_removed(second, T1) == 4
