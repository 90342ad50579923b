"""`hubcrawl reingest` rebuilds facts from the compressed archive alone."""

from __future__ import annotations

import json
import sqlite3

from db.writer import Writer
from hubcrawl.cli import main
from ingest.listing import normalize_page

FETCHED_AT = "2026-11-01T06:00:00Z"
URL = "http://127.0.0.1:1/api/models?limit=1000"
ITEMS = [
    {"_id": "6" * 24, "id": "acme/alpha", "tags": ["license:mit", "text-generation"], "downloads": 42,
     "likes": 3, "cardData": {"license": "mit"}, "safetensors": {"total": 7_000_000}},
    {"_id": "7" * 24, "id": "acme/beta", "tags": ["license:apache-2.0"], "downloads": 7, "likes": 0},
]


def _archive_one_page(db_path) -> None:
    body = json.dumps(ITEMS).encode()
    writer = Writer(db_path)
    run_id = writer.start_run("crawl", {}, full_listing=True, pid=1, started_at=FETCHED_AT)
    facts, _ = normalize_page(ITEMS, source_url=URL, fetched_at=FETCHED_AT)
    writer.write_page(
        run_id, url=URL, status=200, kind="listing", fetched_at=FETCHED_AT, body=body, facts=facts
    )
    writer.finish_run(run_id, status="ok", finished_at=FETCHED_AT, counters={}, message=None)
    writer.close()


def test_reingest_restores_facts_from_the_archive(db_path, capsys):
    _archive_one_page(db_path)
    conn = sqlite3.connect(db_path)
    expected = conn.execute("SELECT model_id, license, params, downloads FROM models ORDER BY 1").fetchall()
    with conn:  # simulate facts written by an older, buggy normalizer
        conn.execute("UPDATE models SET license = NULL, params = NULL, params_source = NULL")
    assert main(["reingest", "--db", str(db_path)]) == 0
    restored = conn.execute("SELECT model_id, license, params, downloads FROM models ORDER BY 1").fetchall()
    assert restored == expected
    assert [row[1] for row in expected] == ["MIT", "Apache-2.0"]
    assert "reingested 2 model records" in capsys.readouterr().out
    snapshots = conn.execute("SELECT count(*) FROM snapshots").fetchone()[0]
    assert snapshots == len(ITEMS)  # replaying history adds no invented snapshots


def test_reingest_without_database_is_a_clear_error(tmp_path, capsys):
    assert main(["reingest", "--db", str(tmp_path / "nope.db")]) == 1
    assert "no database" in capsys.readouterr().err


def test_reingest_keeps_removed_models_removed(db_path):
    """Replaying old responses is not seeing a model again: what left the hub stays removed."""
    _archive_one_page(db_path)
    writer = Writer(db_path)
    assert writer.mark_removed("acme/beta", "2026-11-02T06:00:00Z")
    writer.close()
    assert main(["reingest", "--db", str(db_path)]) == 0
    conn = sqlite3.connect(db_path)
    removed = conn.execute("SELECT model_id, removed_at FROM models WHERE removed_at IS NOT NULL").fetchall()
    assert removed == [("acme/beta", "2026-11-02T06:00:00Z")]
