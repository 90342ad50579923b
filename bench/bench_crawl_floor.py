"""Benchmark: the least work a listing crawl must do, stage by stage, beside the plain baseline.

    python bench/bench_crawl_floor.py                  # 100,000 synthetic models (about 2 minutes)
    python bench/bench_crawl_floor.py --models 20000   # quicker

Issue 2 asks `hubcrawl crawl` for at least 4x the models/s of the plain script (`bench_crawl.py`).
This script asks how fast any crawl could be on this machine that stores what the issue asks for:
every model, its tags, base-model edges, a snapshot of its numbers and the compressed raw response.

On the same fake hub and the same bodies, it times each piece of that work alone, done the fastest
way we know, with nothing else running:

- a run's fixed cost, two ways: `hubcrawl crawl --max-models 1` (interpreter, imports, Scrapy's engine,
  database), since the issue asks for a Scrapy crawler; and, for a crawler without any framework, a
  process that only imports the ingest code and creates the database;
- fetching the pages (urllib, no Scrapy), decoding them (`json.loads`), normalizing them
  (`ingest.listing.normalize_page`), building the rows (`db.writer._plan_page` against an empty
  database) and compressing the archive (zlib level 1);
- the SQLite inserts into empty tables with no secondary index: archive, models, snapshots, edges,
  and tags both as they are stored (a row per model and tag) and in the cheapest layout we know (one
  JSON list per model); then the indexes. By default the whole crawl is one transaction, the cheapest
  way; `--group-pages 20` commits as `hubcrawl crawl` does (every 20 pages, so that a killed crawl
  loses little), which rewrites the pages that several groups touch and costs about 1 s more.

SQLite has one writer, so its inserts are a serial chain no second core can shorten. Everything else
could, at best, run on the other core at the same time. The floor is therefore
`fixed cost + max(SQLite chain, all the work / 2)`. It is optimistic: beyond the start-up, it charges
nothing for Scrapy's engine, for moving rows between processes or threads, or for reading stored rows
on a re-crawl; building the rows each insert takes is not timed either.

In the same run, the plain script and `hubcrawl crawl --no-cards` crawl the same hub as child
processes, and the script prints the best ratio the floor allows beside the measured one.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "bench"))

from bench_crawl import Measure, fetch_listing, run_child, start_hub  # noqa: E402

from db.connection import open_db  # noqa: E402
from db.writer import (  # noqa: E402
    _UPSERT_COLUMNS,
    BULK_LOAD_INDEXES,
    INSERT_EDGE_SQL,
    INSERT_SNAPSHOT_SQL,
    WAL_AUTOCHECKPOINT_PAGES,
    WRITER_CACHE_KIB,
    _plan_page,
)
from ingest.listing import normalize_page  # noqa: E402

FETCHED_AT = "2026-11-22T06:00:00Z"
# The SQLite stages of each tags layout (the other layout's stages are left out of its chain).
TAGS_AS_STORED = ("tags, a row per tag (as stored)", "index of tags (as stored)")
TAGS_AS_JSON = ("tags, one JSON list per model",)
# The least a crawler without a framework starts with: the interpreter, the ingest code, a new database.
BARE_START = "import sys, json, zlib, ingest.listing, db.connection; db.connection.open_db(sys.argv[1])"
_INSERT_MODEL = (f"INSERT INTO models ({', '.join(_UPSERT_COLUMNS)}) "
                 f"VALUES ({', '.join('?' * len(_UPSERT_COLUMNS))})")


class StageTimes(dict):
    """Seconds per stage, summed over pages."""

    def time(self, stage: str, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        result = function(*args, **kwargs)
        self[stage] = self.get(stage, 0.0) + time.perf_counter() - started
        return result


def empty_database(path: Path) -> sqlite3.Connection:
    """The real schema and the writer's pragmas, in bulk-load conditions: no secondary index, no
    foreign key checks. Plus a table for the cheapest tags layout we know."""
    conn = open_db(path).conn
    conn.commit()
    conn.isolation_level = None
    conn.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
    conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}")
    conn.execute("PRAGMA foreign_keys = OFF")
    for name in BULK_LOAD_INDEXES:
        conn.execute(f"DROP INDEX {name}")
    conn.execute("INSERT INTO crawl_runs (run_id, kind, started_at) VALUES (1, 'crawl', ?)", (FETCHED_AT,))
    conn.execute("CREATE TABLE tags_as_json (model_id TEXT PRIMARY KEY, tags TEXT NOT NULL) WITHOUT ROWID")
    return conn


def measure_stages(conn: sqlite3.Connection, pages: list[tuple[str, bytes]],
                   group_pages: int) -> tuple[StageTimes, StageTimes]:
    """Page by page, as a crawl streams them: each stage timed on its own. Returns the CPU-only stages
    and the SQLite ones (`group_pages` pages per transaction)."""
    cpu, chain = StageTimes(), StageTimes()
    for number, (url, body) in enumerate(pages):
        if number % group_pages == 0:
            conn.execute("BEGIN")
        items = cpu.time("decode (json.loads)", json.loads, body)
        facts, _ = cpu.time("normalize (ingest.listing)", normalize_page, items, source_url=url,
                            fetched_at=FETCHED_AT)
        writes, _ = cpu.time("build rows (db.writer._plan_page)", _plan_page, facts, {}, 1)
        blob = cpu.time("compress archive (zlib 1)", zlib.compress, body, 1)
        insert(chain, conn, url, blob, facts, writes)
        if number % group_pages == group_pages - 1 or number == len(pages) - 1:
            chain.time(f"commits, {group_pages} pages per transaction", conn.execute, "COMMIT")
    of_models = [name for name in BULK_LOAD_INDEXES if name != "tags_tag"]
    chain.time("indexes of models", build_indexes, conn, of_models)
    chain.time("index of tags (as stored)", build_indexes, conn, ["tags_tag"])
    return cpu, chain


def insert(chain: StageTimes, conn: sqlite3.Connection, url: str, blob: bytes, facts: list,
           writes: Any) -> None:
    def run(stage: str, sql: str, rows: list) -> None:
        chain.time(stage, conn.executemany, sql, rows)

    run("archive rows", "INSERT INTO raw_responses (run_id, url, status, fetched_at, kind, body_zlib) "
        "VALUES (1, ?, 200, ?, 'listing', ?)", [(url, FETCHED_AT, blob)])
    run("models", _INSERT_MODEL, writes.models)
    run("snapshots", INSERT_SNAPSHOT_SQL, writes.snapshots)
    run("edges", INSERT_EDGE_SQL, [(f.model_id, e.parent_id, e.relation, e.source, f.fetched_at)
                                for f in facts for e in f.edges])
    run("tags, a row per tag (as stored)", "INSERT INTO tags (model_id, tag) VALUES (?, ?)",
        sorted((f.model_id, tag) for f in facts for tag in f.tags))
    run("tags, one JSON list per model", "INSERT INTO tags_as_json VALUES (?, ?)",
        [(f.model_id, json.dumps(f.tags)) for f in facts])


def build_indexes(conn: sqlite3.Connection, names: list[str]) -> None:
    for name in names:
        conn.execute(f"CREATE INDEX {name} ON {BULK_LOAD_INDEXES[name]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=100_000)
    parser.add_argument("--group-pages", type=int, default=0,
                        help="pages per transaction (default 0: the whole crawl in one, the cheapest)")
    args = parser.parse_args(argv)

    print(f"starting a fake hub with {args.models:,} synthetic models ...", flush=True)
    hub, hub_url = start_hub(args.models)
    try:
        fetch_listing(hub_url)  # untimed: the hub builds and caches its bodies
        pages, fetch_s = fetch_listing(hub_url)
        env = {key: value for key, value in os.environ.items() if key != "HF_TOKEN"}
        env.update(HF_ENDPOINT=hub_url, PYTHONPATH=str(REPO_ROOT), HF_HUB_DISABLE_TELEMETRY="1")
        with tempfile.TemporaryDirectory() as tmp:
            clients = measure_clients(Path(tmp), env)
            conn = empty_database(Path(tmp) / "floor.db")
            cpu, chain = measure_stages(conn, pages, args.group_pages or len(pages))
            conn.close()
    finally:
        hub.terminate()
        hub.wait()
    report(args.models, clients, {"fetch pages (urllib)": fetch_s, **cpu}, chain)
    return 0


def measure_clients(tmp: Path, env: dict[str, str]) -> dict[str, Measure]:
    def hubcrawl_argv(db: Path, *extra: str) -> list[str]:
        return [sys.executable, "-m", "hubcrawl", "crawl", "--no-cards", "--quiet", "--db", str(db), *extra]

    plain = [sys.executable, str(REPO_ROOT / "bench" / "plain_list_models.py"), str(tmp / "plain.db")]
    bare = [sys.executable, "-c", BARE_START, str(tmp / "bare.db")]
    clients = {
        "fixed": run_child("hubcrawl crawl --max-models 1",
                           hubcrawl_argv(tmp / "one.db", "--max-models", "1"), env, tmp / "one.db"),
        "bare": run_child("start without a framework", bare, env, tmp / "bare.db"),
        "plain": run_child("plain list_models + insert_all", plain, env, tmp / "plain.db"),
        "hubcrawl": run_child("hubcrawl crawl --no-cards",
                              hubcrawl_argv(tmp / "full.db"), env, tmp / "full.db"),
    }
    if failed := [client.label for client in clients.values() if client.status != 0]:
        raise SystemExit(f"these runs failed, so their times mean nothing: {', '.join(failed)}")
    return clients


def report(n_models: int, clients: dict[str, Measure], cpu: dict[str, float],
           chain: dict[str, float]) -> None:
    print(f"\nstage, {n_models:,} models{'':<28} seconds")
    print(f"{'fixed cost, Scrapy (hubcrawl crawl --max-models 1)':<52} {clients['fixed'].seconds:7.2f}")
    print(f"{'fixed cost, no framework (python, ingest, database)':<52} {clients['bare'].seconds:7.2f}")
    for label, seconds in cpu.items():
        print(f"{label:<52} {seconds:7.2f}")
    for label, seconds in chain.items():
        print(f"{'SQLite: ' + label:<52} {seconds:7.2f}")

    print()
    plain, ours = clients["plain"], clients["hubcrawl"]
    for layout, drop in (("tags as stored (a row per tag)", TAGS_AS_JSON),
                         ("tags as one JSON list per model", TAGS_AS_STORED)):
        sqlite_chain = sum(seconds for label, seconds in chain.items() if label not in drop)
        work = sum(cpu.values()) + sqlite_chain
        floor = clients["fixed"].seconds + max(sqlite_chain, work / 2)
        bare_floor = clients["bare"].seconds + max(sqlite_chain, work / 2)
        print(f"{layout}: SQLite chain {sqlite_chain:.2f} s, all the work on one core {work:.2f} s")
        print(f"  floor on 2 cores, fixed cost + max(chain, work / 2): {floor:.2f} s with Scrapy "
              f"(x{plain.seconds / floor:.2f}), {bare_floor:.2f} s without a framework "
              f"(x{plain.seconds / bare_floor:.2f})")
    print(f"\nplain script {plain.seconds:.2f} s; hubcrawl crawl --no-cards {ours.seconds:.2f} s "
          f"(x{plain.seconds / ours.seconds:.2f}); target x4: a crawl of {plain.seconds / 4:.2f} s or less")


if __name__ == "__main__":
    raise SystemExit(main())
