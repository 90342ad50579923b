"""Run the scoring step against a database: read inputs, compute, write the `scores` table.

    >>> from scoring.store import score_database
    >>> summary = score_database("hub.db")          # doctest: +SKIP
    >>> summary.models, summary.config_version     # doctest: +SKIP
    (1000000, '2026.11.1')

Deterministic: the same database and config give byte-identical `scores` rows (computed_at is the data's
as-of time, never the wall clock; rows are written in model_id order).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from scoring.breakdown import iter_breakdowns, store_config
from scoring.compute import ScoreTable, compute_scores
from scoring.config import ScoringConfig, load_config
from scoring.inputs import load_inputs

_COLUMNS = ("model_id", "config_version", "computed_at", "overall", "adoption", "quality", "ecosystem",
            "momentum", "percentile_global", "percentile_task", "breakdown")
# An upsert rewrites each row in place: cheaper than DELETE-all + INSERT, which frees and reallocates
# every page of a multi-gigabyte table. Rows whose content is unchanged are not rewritten at all (the
# breakdown holds the config version, as-of time and every signal's numbers; the scores and percentiles are
# compared too).
UPSERT_SQL = (
    f"INSERT INTO scores ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))}) "
    "ON CONFLICT (model_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS[1:])
    + " WHERE scores.breakdown IS NOT excluded.breakdown"
    " OR scores.overall IS NOT excluded.overall"
    + "".join(f" OR scores.{c} IS NOT excluded.{c}" for c in ("adoption", "quality", "ecosystem", "momentum"))
    + " OR scores.percentile_global IS NOT excluded.percentile_global"
    " OR scores.percentile_task IS NOT excluded.percentile_task"
)
STORED_DIMENSIONS = ("adoption", "quality", "ecosystem", "momentum")


@dataclass(frozen=True)
class ScoreSummary:
    models: int
    config_version: str
    as_of: str | None


def _nullable(values: np.ndarray) -> list[float | None]:
    return [None if v != v else v for v in values.tolist()]


def score_rows(table: ScoreTable) -> Iterator[tuple]:
    """The `scores` rows, in model_id order."""
    inputs = table.inputs
    by_name = {d.config.name: d.score for d in table.dimensions}
    missing = np.full(inputs.size, np.nan)
    dimension_columns = [_nullable(by_name.get(name, missing)) for name in STORED_DIMENSIONS]
    return zip(
        inputs.model_ids,
        _repeat(table.config.version, inputs.size),
        _repeat(inputs.as_of, inputs.size),
        table.overall.tolist(),
        *dimension_columns,
        _nullable(table.percentile_global),
        _nullable(table.percentile_task),
        iter_breakdowns(table),
        strict=True,
    )


def _repeat(value: object, times: int) -> list[object]:
    return [value] * times


def write_scores(conn: sqlite3.Connection, table: ScoreTable) -> None:
    """Make the scores table hold exactly the rows of `table`, in one transaction (readers see the old
    scores or the new ones). Rows of models no longer scored (removed from the Hub) are deleted, so that
    pages can never show them."""
    scored = set(table.inputs.model_ids)
    stale = [(m,) for (m,) in conn.execute("SELECT model_id FROM scores") if m not in scored]
    with conn:
        store_config(conn, table.config)
        conn.executemany("DELETE FROM scores WHERE model_id = ?", stale)
        conn.executemany(UPSERT_SQL, score_rows(table))


def score_connection(conn: sqlite3.Connection, config: ScoringConfig) -> ScoreSummary:
    table = compute_scores(load_inputs(conn), config)
    write_scores(conn, table)
    return ScoreSummary(models=table.inputs.size, config_version=config.version, as_of=table.inputs.as_of)


def score_database(db_path: str | Path, config_path: str | Path | None = None) -> ScoreSummary:
    """Score every non-removed model of an existing database (raises FileNotFoundError if it is absent)."""
    from db import open_db  # the migrations create `scores` in databases made before it existed

    if not Path(db_path).exists():
        raise FileNotFoundError(f"database not found: {db_path}")
    config = load_config(config_path)
    db = open_db(db_path)
    # Every model_id written was just read from `models`, whose rows are never deleted: checking the
    # foreign key once per row would only cost an index lookup per model.
    db.conn.execute("PRAGMA foreign_keys = OFF")
    try:
        return score_connection(db.conn, config)
    finally:
        db.conn.close()
