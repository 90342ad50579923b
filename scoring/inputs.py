"""Read every signal's raw values from the database, as columns (numpy arrays aligned with `model_ids`).

A handful of aggregate queries (GROUP BY in SQLite, not per-model lookups) so that a million models load in
seconds. Only non-removed models are scored; rows are ordered by model_id so that results are deterministic.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from scoring.signals import (
    CARD_TOPICS,
    EVAL_SELF_REPORTED_POINTS,
    EVAL_VERIFIED_POINTS,
    INTEGRATION_TAGS,
    LICENSE_KNOWN,
    LICENSE_NONE,
    LICENSE_OTHER_BARE,
    LICENSE_OTHER_NAMED_LINKED,
    RELATION_SIGNALS,
)

NO_TIME = -1  # timestamp code of a missing fetched_at


@dataclass
class Timestamps:
    """Interns timestamp strings as small integer codes (arrays of codes are cheap to compare and index)."""

    values: list[str] = field(default_factory=list)
    _codes: dict[str, int] = field(default_factory=dict)

    def code(self, value: str | None) -> int:
        if value is None:
            return NO_TIME
        code = self._codes.get(value)
        if code is None:
            code = self._codes[value] = len(self.values)
            self.values.append(value)
        return code

    def encode(self, values: Iterable[str | None], size: int) -> np.ndarray:
        return np.fromiter((self.code(v) for v in values), dtype=np.int64, count=size)


@dataclass
class ScoringInputs:
    model_ids: list[str]
    tasks: list[str | None]
    as_of: str | None  # max(models.fetched_at): the time the data describes, used as computed_at
    raw: dict[str, np.ndarray]  # signal -> float64 raw values, NaN when missing
    fetched: dict[str, np.ndarray]  # signal -> timestamp codes (NO_TIME when unknown)
    variant: dict[str, np.ndarray]  # signal -> index into SOURCE_VARIANTS[signal] (0 = the default source)
    has_history: np.ndarray  # bool: at least two snapshots
    timestamps: Timestamps

    @property
    def size(self) -> int:
        return len(self.model_ids)


# Alternative sources of a signal: variant k >= 1 is SOURCE_VARIANTS[name][k - 1]; 0 is SignalSpec.source.
SOURCE_VARIANTS: dict[str, tuple[str, ...]] = {
    name: ("model_children.count (api.childrenModelCount)",) for name in RELATION_SIGNALS
}

_MODEL_COLUMNS = (
    "model_id, pipeline_tag, library_name, license, license_name, license_link, params, params_source, "
    "inference, downloads, downloads_all_time, likes, spaces_count, fetched_at"
)


def load_inputs(conn: sqlite3.Connection) -> ScoringInputs:
    """Read all signals of all non-removed models."""
    rows = conn.execute(
        f"SELECT {_MODEL_COLUMNS} FROM models WHERE removed_at IS NULL ORDER BY model_id"
    ).fetchall()
    n = len(rows)
    columns = list(zip(*rows, strict=True)) if rows else [()] * 14
    (model_ids, tasks, library, license_, license_name, license_link, params, params_source,
     inference, downloads, downloads_all_time, likes, spaces_count, fetched_at) = columns
    position = {model_id: i for i, model_id in enumerate(model_ids)}
    stamps = Timestamps()
    model_fetched = stamps.encode(fetched_at, n)
    inputs = ScoringInputs(
        model_ids=list(model_ids),
        tasks=list(tasks),
        as_of=max((t for t in fetched_at if t is not None), default=None),
        raw={},
        fetched={},
        variant={},
        has_history=np.zeros(n, dtype=bool),
        timestamps=stamps,
    )
    for name, values in (("downloads_30d", downloads), ("downloads_all_time", downloads_all_time),
                         ("likes", likes)):
        _set(inputs, name, _floats(values, n), model_fetched)
    _set(inputs, "license_clarity", _license_clarity(license_, license_name, license_link), model_fetched)
    _set(inputs, "params_documented", np.array([p is not None for p in params], dtype=float), model_fetched)
    _load_spaces(conn, inputs, position, _floats(spaces_count, n), model_fetched)
    _load_safetensors(conn, inputs, position, params_source, model_fetched)
    _load_integrations(conn, inputs, position, library, inference, model_fetched)
    _load_derivatives(conn, inputs, position, model_fetched)
    _load_card_signals(conn, inputs, position)
    _load_history(conn, inputs, position)
    return inputs


def _set(inputs: ScoringInputs, name: str, raw: np.ndarray, fetched: np.ndarray,
         variant: np.ndarray | None = None) -> None:
    inputs.raw[name] = raw
    # A missing raw value has no fetch time: there was nothing fetched.
    inputs.fetched[name] = np.where(np.isnan(raw), NO_TIME, fetched)
    inputs.variant[name] = variant if variant is not None else np.zeros(len(raw), dtype=np.int64)


def _floats(values: Iterable[object], size: int) -> np.ndarray:
    """Column -> float64 array; None becomes NaN (missing)."""
    return np.fromiter((np.nan if v is None else v for v in values), dtype=float, count=size)


def _indices(position: dict[str, int], model_ids: Iterable[str]) -> np.ndarray:
    """Positions of the given ids among scored models; -1 for ids we do not score (removed, not crawled)."""
    return np.fromiter((position.get(m, -1) for m in model_ids), dtype=np.int64)


def _license_clarity(license_: tuple, license_name: tuple, license_link: tuple) -> np.ndarray:
    def grade(lic: str | None, name: str | None, link: str | None) -> float:
        if lic is None or lic.lower() == "unknown":
            return LICENSE_NONE
        if lic.lower() != "other":
            return LICENSE_KNOWN
        return LICENSE_OTHER_NAMED_LINKED if name and link else LICENSE_OTHER_BARE

    # Few distinct combinations: grade each once.
    cache: dict[tuple, float] = {}
    return np.fromiter(
        (cache[k] if (k := (a, b is not None, c is not None)) in cache
         else cache.setdefault(k, grade(a, b, c)) for a, b, c in zip(license_, license_name, license_link,
                                                                     strict=True)),
        dtype=float,
        count=len(license_),
    )


def _load_spaces(conn: sqlite3.Connection, inputs: ScoringInputs, position: dict[str, int],
                 spaces_count: np.ndarray, model_fetched: np.ndarray) -> None:
    """models.spaces_count (NULL when never fetched); fetched_at of the Space links when we have them."""
    fetched = model_fetched.copy()
    rows = conn.execute("SELECT model_id, max(fetched_at) FROM model_spaces GROUP BY model_id").fetchall()
    if rows:
        ids, times = zip(*rows, strict=True)
        idx = _indices(position, ids)
        keep = idx >= 0
        fetched[idx[keep]] = inputs.timestamps.encode(times, len(times))[keep]
    _set(inputs, "spaces", spaces_count, fetched)


def _load_safetensors(conn: sqlite3.Connection, inputs: ScoringInputs, position: dict[str, int],
                      params_source: tuple, model_fetched: np.ndarray) -> None:
    has = np.array([s == "safetensors.total" for s in params_source], dtype=float)
    rows = conn.execute("SELECT model_id FROM tags WHERE tag = 'safetensors'")
    tagged = _indices(position, (row[0] for row in rows))
    has[tagged[tagged >= 0]] = 1.0
    _set(inputs, "safetensors", has, model_fetched)


def _load_integrations(conn: sqlite3.Connection, inputs: ScoringInputs, position: dict[str, int],
                       library: tuple, inference: tuple, model_fetched: np.ndarray) -> None:
    """Distinct integrations: library_name, runtime tags (a tag equal to library_name counts once), 'warm'."""
    count = np.array(
        [(lib is not None) + (warm == "warm") for lib, warm in zip(library, inference, strict=True)],
        dtype=float,
    )
    marks = ",".join("?" * len(INTEGRATION_TAGS))
    rows = conn.execute(
        f"""SELECT t.model_id, count(*) FROM tags t JOIN models m ON m.model_id = t.model_id
            WHERE t.tag IN ({marks}) AND (m.library_name IS NULL OR t.tag != m.library_name)
            GROUP BY t.model_id""",
        INTEGRATION_TAGS,
    ).fetchall()
    if rows:
        ids, counts = zip(*rows, strict=True)
        idx = _indices(position, ids)
        keep = idx >= 0
        count[idx[keep]] += np.asarray(counts, dtype=float)[keep]
    _set(inputs, "integrations", count, model_fetched)


def _load_derivatives(conn: sqlite3.Connection, inputs: ScoringInputs, position: dict[str, int],
                      model_fetched: np.ndarray) -> None:
    """Children per relation: distinct children in model_edges, or the API's exact count when it is larger.

    Edges come from the tags of the children we crawled, so they undercount when children were not crawled;
    model_children holds the Hub's own count for models we fetched in detail. The larger one wins (the API
    on ties); its source and fetched_at go into the breakdown. No edge and no count means 0 children found.
    """
    edges = conn.execute(
        """SELECT parent_id, relation, count(DISTINCT child_id), max(fetched_at) FROM model_edges
           WHERE child_id NOT IN (SELECT model_id FROM models WHERE removed_at IS NOT NULL)
           GROUP BY parent_id, relation"""
    ).fetchall()
    children = conn.execute("SELECT model_id, relation, count, fetched_at FROM model_children").fetchall()
    for name, relation in RELATION_SIGNALS.items():
        edge_count, edge_fetched = _counts(inputs, position, [r for r in edges if r[1] == relation])
        api_count, api_fetched = _counts(inputs, position, [r for r in children if r[1] == relation])
        use_api = ~np.isnan(api_count) & (np.isnan(edge_count) | (api_count >= edge_count))
        raw = np.where(use_api, api_count, np.nan_to_num(edge_count, nan=0.0))
        fetched = np.where(use_api, api_fetched, np.where(np.isnan(edge_count), model_fetched, edge_fetched))
        _set(inputs, name, raw, fetched, use_api.astype(np.int64))


def _counts(
    inputs: ScoringInputs, position: dict[str, int], rows: list[tuple]
) -> tuple[np.ndarray, np.ndarray]:
    """(model_id, relation, count, fetched_at) rows -> count array (NaN where no row) and fetched codes."""
    count = np.full(inputs.size, np.nan)
    fetched = np.full(inputs.size, NO_TIME, dtype=np.int64)
    if rows:
        ids, _, counts, times = zip(*rows, strict=True)
        idx = _indices(position, ids)
        keep = idx >= 0
        count[idx[keep]] = np.asarray(counts, dtype=float)[keep]
        fetched[idx[keep]] = inputs.timestamps.encode(times, len(times))[keep]
    return count, fetched


def _load_card_signals(conn: sqlite3.Connection, inputs: ScoringInputs, position: dict[str, int]) -> None:
    """card_completeness and eval_results: missing until the card was fetched (status 'ok' or 'missing')."""
    n = inputs.size
    card_fetched = np.full(n, NO_TIME, dtype=np.int64)
    rows = conn.execute("SELECT model_id, fetched_at FROM cards WHERE status IN ('ok', 'missing')").fetchall()
    if rows:
        ids, times = zip(*rows, strict=True)
        idx = _indices(position, ids)
        keep = idx >= 0
        card_fetched[idx[keep]] = inputs.timestamps.encode(times, len(times))[keep]
    has_card = card_fetched != NO_TIME

    completeness = np.where(has_card, 0.0, np.nan)
    topic_sql = " + ".join(
        "max(" + " OR ".join(f"instr(lower(path), '{kw}') > 0" for kw in keywords) + ")"
        for keywords in CARD_TOPICS.values()
    )
    rows = conn.execute(f"SELECT model_id, {topic_sql} FROM card_sections GROUP BY model_id").fetchall()
    if rows:
        ids, topics = zip(*rows, strict=True)
        idx = _indices(position, ids)
        keep = (idx >= 0) & has_card[np.where(idx >= 0, idx, 0)]
        completeness[idx[keep]] = np.asarray(topics, dtype=float)[keep]
    _set(inputs, "card_completeness", completeness, card_fetched)

    points = np.where(has_card, 0.0, np.nan)
    eval_fetched = card_fetched.copy()
    rows = conn.execute(
        "SELECT model_id, sum(verified IS 1), sum(verified IS NOT 1), max(fetched_at) FROM eval_results "
        "GROUP BY model_id"
    ).fetchall()
    if rows:
        ids, verified, other, times = zip(*rows, strict=True)
        idx = _indices(position, ids)
        keep = idx >= 0
        values = (np.asarray(verified, dtype=float) * EVAL_VERIFIED_POINTS
                  + np.asarray(other, dtype=float) * EVAL_SELF_REPORTED_POINTS)
        points[idx[keep]] = values[keep]
        eval_fetched[idx[keep]] = inputs.timestamps.encode(times, len(times))[keep]
    _set(inputs, "eval_results", points, eval_fetched)


def _load_history(conn: sqlite3.Connection, inputs: ScoringInputs, position: dict[str, int]) -> None:
    """Growth between the two most recent snapshots: (1 + new) / (1 + old), for downloads and likes."""
    n = inputs.size
    rows = conn.execute(
        """SELECT model_id, taken_at, downloads, likes FROM (
               SELECT model_id, taken_at, downloads, likes,
                      row_number() OVER (PARTITION BY model_id ORDER BY taken_at DESC) AS recency
               FROM snapshots)
           WHERE recency <= 2 ORDER BY model_id, taken_at DESC"""
    ).fetchall()
    growth = {"downloads_growth": np.full(n, np.nan), "likes_growth": np.full(n, np.nan)}
    fetched = np.full(n, NO_TIME, dtype=np.int64)
    for newer, older in itertools.pairwise(rows):
        if newer[0] != older[0]:
            continue
        i = position.get(newer[0], -1)
        if i < 0 or inputs.has_history[i]:
            continue
        inputs.has_history[i] = True
        fetched[i] = inputs.timestamps.code(newer[1])
        for column, name in ((2, "downloads_growth"), (3, "likes_growth")):
            if newer[column] is not None and older[column] is not None:
                growth[name][i] = (1 + max(newer[column], 0)) / (1 + max(older[column], 0))
    for name, raw in growth.items():
        _set(inputs, name, raw, fetched)
