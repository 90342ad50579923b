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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from scoring.breakdown import FragmentCache, iter_breakdowns, store_config
from scoring.compute import ScoreTable, compute_scores
from scoring.config import ScoringConfig, load_config
from scoring.inputs import load_inputs, worth_parallel
from scoring.parallel import Producer

_COLUMNS = ("model_id", "config_version", "computed_at", "overall", "adoption", "quality", "ecosystem",
            "momentum", "percentile_global", "percentile_task", "breakdown")


def insert_sql(config_version: str, computed_at: str | None) -> str:
    """The INSERT of one `scores` row, with the two values every row of one scoring shares written into
    the statement as literals: binding them a million times costs about half a second. Parameters: the
    other columns, in _COLUMNS order."""
    shared = {"config_version": _sql_literal(config_version), "computed_at": _sql_literal(computed_at)}
    values = [shared.get(column, "?") for column in _COLUMNS]
    return f"INSERT INTO scores ({', '.join(_COLUMNS)}) VALUES ({', '.join(values)})"


def _sql_literal(value: str | None) -> str:
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


STORED_DIMENSIONS = ("adoption", "quality", "ecosystem", "momentum")


@dataclass(frozen=True)
class ScoreSummary:
    models: int
    config_version: str
    as_of: str | None


# Breakdowns are built in chunks of this many models. With a second process, it builds the next chunk's
# breakdowns (Python string work) while this one writes the current chunk (SQLite work).
WRITE_CHUNK_MODELS = 100_000
# Every row is written again: after a crawl nearly every row changes anyway (the as-of time and each
# model's fetched_at are in it), and emptying the table then appending rows in model_id order costs less
# than updating them in place (measured on a million rows: 15.8 s against 18.2 s end to end, and no slower
# when nothing changed). Scores of models that left the Hub go with the rest.
_EMPTY_SCORES = "DELETE FROM scores"


def _nullable(values: np.ndarray) -> list[float | None]:
    """Floats for SQLite, None for NaN (NULL). Most score columns have no NaN at all: one check in C."""
    if not np.isnan(values).any():
        return values.tolist()
    return [None if v != v else v for v in values.tolist()]


def score_rows(table: ScoreTable) -> Iterator[tuple]:
    """The parameters of insert_sql() per model (the `scores` columns but config_version and computed_at),
    in model_id order."""
    chunks = _chunks(table.inputs.size)
    for rows, breakdowns in zip(chunks, _breakdown_chunks(table, chunks), strict=True):
        yield from _chunk_rows(table, rows, breakdowns)


def _chunks(size: int) -> list[slice]:
    """Consecutive ranges of models, doubling from WRITE_CHUNK_MODELS / 8 up to WRITE_CHUNK_MODELS: the
    writer starts early, then a second process builds each next chunk while the current one is written."""
    chunks, start, length = [], 0, max(1, WRITE_CHUNK_MODELS // 8)
    while start < size:
        chunks.append(slice(start, min(start + length, size)))
        start, length = start + length, min(2 * length, WRITE_CHUNK_MODELS)
    return chunks


def _chunk_rows(table: ScoreTable, rows: slice, breakdowns: Iterable[str]) -> Iterator[tuple]:
    inputs = table.inputs
    size = len(inputs.model_ids[rows])
    by_name = {d.config.name: d.score[rows] for d in table.dimensions}
    missing = np.full(size, np.nan)  # a dimension the config does not have
    dimension_columns = [_nullable(by_name.get(name, missing)) for name in STORED_DIMENSIONS]
    return zip(
        inputs.model_ids[rows],
        table.overall[rows].tolist(),
        *dimension_columns,
        _nullable(table.percentile_global[rows]),
        _nullable(table.percentile_task[rows]),
        breakdowns,
        strict=True,
    )


def _breakdown_chunks(table: ScoreTable, chunks: list[slice]) -> Iterator[list[str]]:
    cache: FragmentCache = {}
    for rows in chunks:
        yield list(iter_breakdowns(table.take(rows), cache))


def write_scores(conn: sqlite3.Connection, table: ScoreTable, *, parallel: bool = False) -> None:
    """Make the scores table hold exactly the rows of `table`, in one transaction (readers see the old
    scores or the new ones). Rows of models no longer scored (removed from the Hub) are deleted, so that
    pages can never show them. `parallel`: build breakdowns in a forked second process (same rows)."""
    chunks = _chunks(table.inputs.size)
    breakdowns = Producer(lambda: _breakdown_chunks(table, chunks), fork=parallel)
    assert not (parallel and conn.in_transaction), "fork before the write transaction (scoring.parallel)"
    statement = insert_sql(table.config.version, table.inputs.as_of)
    with conn, breakdowns:  # the fork happens here, before store_config opens the transaction
        store_config(conn, table.config, table)
        conn.execute(_EMPTY_SCORES)
        for rows, chunk in zip(chunks, breakdowns, strict=True):
            conn.executemany(statement, _chunk_rows(table, rows, chunk))


def score_connection(conn: sqlite3.Connection, config: ScoringConfig, *,
                     parallel: bool | None = None) -> ScoreSummary:
    """Score every non-removed model. `parallel`: use a second process (None: when the database is
    large enough for it to pay, see scoring.inputs.PARALLEL_MIN_MODELS). The rows are the same."""
    if parallel is None:
        parallel = worth_parallel(conn)
    table = compute_scores(load_inputs(conn, parallel=parallel), config)
    write_scores(conn, table, parallel=parallel)
    return ScoreSummary(models=table.inputs.size, config_version=config.version, as_of=table.inputs.as_of)


def score_database(db_path: str | Path, config_path: str | Path | None = None, *,
                   parallel: bool | None = None) -> ScoreSummary:
    """Score every non-removed model of an existing database (raises FileNotFoundError if it is absent).
    `parallel` as in score_connection."""
    from db import open_db  # the migrations create `scores` in databases made before it existed

    if not Path(db_path).exists():
        raise FileNotFoundError(f"database not found: {db_path}")
    config = load_config(config_path)
    db = open_db(db_path)
    # Every model_id written was just read from `models`, whose rows are never deleted: checking the
    # foreign key once per row would only cost an index lookup per model.
    db.conn.execute("PRAGMA foreign_keys = OFF")
    try:
        return score_connection(db.conn, config, parallel=parallel)
    finally:
        db.conn.close()
