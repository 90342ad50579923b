"""Benchmark: where the floor of writing a million `scores` rows lies.

    python bench/bench_score_write.py                  # 1,000,000 rows
    python bench/bench_score_write.py --models 200000

`hubcrawl score` ends by upserting one `scores` row per model, in one process (SQLite has one writer).
This script times that write alone, beside what SQLite needs without Python in the loop, so that the
scoring benchmark's write figure can be read against a floor measured in the same run:

- baseline: the production write (`DELETE FROM scores`, then `scoring.store.insert_sql()` via
  `executemany`) into the empty `scores` table of a migrated database, then again with every row changed
  (as after a crawl);
- floor, Python: the same rows through `executemany` into an in-memory table without any index (the
  cost of handing a row to SQLite from Python);
- floor, SQLite alone: `INSERT ... SELECT` of the same rows from an attached copy (no Python per row),
  with the realistic breakdown size, the size before migration m008 (470 bytes), 100 and 0 bytes.

Rows are synthetic: ids shaped like the Hub's, and breakdowns of the stored format's typical size
(`--breakdown-bytes`, 160 by default, as measured on bench_score.py's database; 470 before m008).
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from db import open_db
from scoring.store import insert_sql

COLUMNS = ("model_id, config_version, computed_at, overall, adoption, quality, ecosystem, momentum, "
           "percentile_global, percentile_task, breakdown")
PLAIN_TABLE = ("CREATE TABLE scores (model_id TEXT, config_version TEXT, computed_at TEXT, overall REAL, "
               "adoption REAL, quality REAL, ecosystem REAL, momentum REAL, percentile_global REAL, "
               "percentile_task REAL, breakdown TEXT)")
INSERT_PLAIN = f"INSERT INTO scores ({COLUMNS}) VALUES ({', '.join('?' * 11)})"


def make_rows(n: int, breakdown_bytes: int, computed_at: str, seed: int = 7) -> list[tuple]:
    rng = random.Random(seed)
    ids = sorted(f"org{i % 50_000:05d}/model-{i:07d}" for i in range(n))
    rows = []
    for model_id in ids:
        numbers = [round(rng.random() * 100, 4) for _ in range(7)]
        body = f'["2026.11.1","{computed_at}",' + ",".join(str(v) for v in numbers)
        breakdown = (body + ",0" * breakdown_bytes)[: breakdown_bytes - 1] + "]"
        rows.append((model_id, "2026.11.1", computed_at, *numbers[:5], *numbers[5:], breakdown))
    return rows


def timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def production_writes(path: Path, first: list[tuple], changed: list[tuple]) -> tuple[float, float]:
    conn = open_db(path).conn
    conn.execute("PRAGMA foreign_keys = OFF")  # as score_database does: no `models` rows needed

    def write(rows: list[tuple]) -> None:
        # As write_scores: empty the table, then the version and as-of time in the statement, the other
        # columns bound.
        statement = insert_sql(rows[0][1], rows[0][2])
        parameters = [(row[0], *row[3:]) for row in rows]
        with conn:
            conn.execute("DELETE FROM scores")
            conn.executemany(statement, parameters)

    empty = timed(lambda: write(first))
    rewritten = timed(lambda: write(changed))
    conn.close()
    return empty, rewritten


def python_floor(rows: list[tuple]) -> float:
    conn = sqlite3.connect(":memory:")
    conn.execute(PLAIN_TABLE)
    seconds = timed(lambda: conn.executemany(INSERT_PLAIN, rows))
    conn.close()
    return seconds


def sqlite_floor(workdir: Path, rows: list[tuple], breakdown_bytes: int) -> float:
    """INSERT ... SELECT into a migrated `scores` table from an attached copy of the rows."""
    source = workdir / f"source-{breakdown_bytes}.db"
    with sqlite3.connect(source) as conn:
        conn.execute(PLAIN_TABLE)
        conn.executemany(INSERT_PLAIN, rows)
    target = workdir / f"target-{breakdown_bytes}.db"
    conn = open_db(target).conn
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("ATTACH ? AS source", (str(source),))

    def copy() -> None:
        with conn:
            conn.execute(f"INSERT INTO main.scores ({COLUMNS}) SELECT {COLUMNS.replace('breakdown', '')}"
                         f"substr(breakdown, 1, {breakdown_bytes}) FROM source.scores")

    seconds = timed(copy)
    conn.close()
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", type=int, default=1_000_000)
    parser.add_argument("--breakdown-bytes", type=int, default=160)
    args = parser.parse_args(argv)
    n = args.models
    first = make_rows(n, args.breakdown_bytes, "2026-11-01T06:00:00Z")
    changed = make_rows(n, args.breakdown_bytes, "2026-11-02T06:00:00Z")
    with tempfile.TemporaryDirectory(prefix="bench_score_write_") as tmp:
        workdir = Path(tmp)
        empty, rewritten = production_writes(workdir / "hub.db", first, changed)
        figures = [
            ("baseline: DELETE + insert_sql() via executemany, empty `scores`", empty),
            ("baseline: the same, every row changed", rewritten),
            ("floor, Python: executemany, in memory, no index", python_floor(first)),
        ]
        for size in sorted({args.breakdown_bytes, 470, 100, 0}, reverse=True):
            figures.append((f"floor, SQLite alone: INSERT ... SELECT, {size}-byte breakdowns",
                            sqlite_floor(workdir, first, size)))
    print(f"writing {n:,} scores rows ({args.breakdown_bytes}-byte breakdowns)")
    for label, seconds in figures:
        print(f"  {label:<64} {seconds:6.2f} s  {seconds / n * 1e6:5.1f} µs/row")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
