"""The per-model score breakdown: stored compactly, expanded on read into the contract pages/ and
`hubcrawl explain` consume.

What is the same for every model of a config version (names, caps, weights, sources, the wording of
missing reasons) is stored once, in table `score_configs` (column `definition`, JSON of
`config_definition()`). `scores.breakdown` keeps only what varies per model, as a JSON array:

    [model_fetched_at,
     [per dimension, in config order:
        [per signal, in config order, one of:
           "code"                                  missing: why (a key of definition.missing_reasons)
           raw                                     a bare number: present, transformed 0, contribution 0
           [raw, transformed, contribution, (fetched), (source index)]]]]

`fetched` is 0 or absent for "the model's fetched_at" (item 0), null when unknown, else the timestamp
itself. The source index, when present, picks from the signal's `sources` (absent: the first); a bare
number always has the model's fetched_at and the first source. A dimension stored as `[]` has no signals
to show: the model has no history (only momentum can be hidden).

The config version, the as-of time and the dimension and overall scores are columns of the same `scores`
row. The weights used are not in the row: they depend only on which signals (for the overall score, which
dimensions) are present, so the definition stores them once per pattern that occurs
(`definition.weights_used[dimension][pattern]`, `definition.overall_weights_used[pattern]`, pattern bit j
= signal j present). `load_breakdown()` rebuilds the contract dict from these; nothing is recomputed.

Speed: a signal's text is fully determined by a few small codes (its raw value, which signals of the
dimension are present, the source variant, the fetch time), and those repeat a lot: each distinct
combination is formatted once and the text is shared. Each model's JSON is then one str.join of shared
fragments.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from db.migrations import compact_breakdown
from scoring.compute import DECIMALS, DimensionScores, ScoreTable, presence_pattern, weights_by_pattern
from scoring.config import ScoringConfig
from scoring.inputs import NO_TIME, SOURCE_VARIANTS, ScoringInputs
from scoring.signals import HISTORY_MISSING_REASON, MISSING_REASONS, NO_SIGNAL_REASON, SIGNALS

SAME_AS_MODEL = -2  # fetch-time key of a signal fetched with the model row (stored as 0)
def json_number(value: float, integer: bool = False) -> str:
    """A rounded float as JSON text; NaN (missing) is `null`. Counts render without decimals."""
    if value != value:  # NaN
        return "null"
    return str(int(value)) if integer else repr(float(value))


@dataclass
class Shared:
    """A column of texts stored as distinct texts plus one code per model."""

    texts: np.ndarray  # object array of the distinct texts
    codes: np.ndarray  # int64 per model: index into texts

    def column(self) -> np.ndarray:
        return self.texts[self.codes]


def _factorize(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(a row having each distinct key, in key order; each row's index into them). Keys spanning a
    small range are counted in a table instead of sorted (a sort of a million keys costs ~60 ms and
    this runs ~40 times); otherwise np.unique."""
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    low = int(keys.min())
    span = int(keys.max()) - low + 1
    if span > 4 * len(keys) + 4096:
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        return first, inverse.reshape(-1).astype(np.int64)
    shifted = keys - low
    seen = np.zeros(span, dtype=bool)
    seen[shifted] = True
    inverse = (np.cumsum(seen) - 1)[shifted]
    rows = np.empty(int(np.count_nonzero(seen)), dtype=np.int64)
    rows[inverse] = np.arange(len(keys))  # any row of a key will do: its text depends on the key only
    return rows, inverse


# Fragment texts already rendered, by a key that means the same in every chunk of one table (see
# iter_breakdowns): chunks share most fragments, and rendering is the costly part.
FragmentCache = dict[tuple, str]


def _shared(keys: np.ndarray, render: Callable[[int], str], cache: FragmentCache | None = None,
            identity: Callable[[int], tuple] | None = None) -> Shared:
    """render() runs once per distinct key, on a row having it (the text depends only on the key), and
    once per `identity(row)` across calls that share `cache`."""
    rows, inverse = _factorize(keys)
    texts = np.empty(len(rows), dtype=object)
    for k, row in enumerate(rows.tolist()):
        if cache is None or identity is None:
            texts[k] = render(row)
            continue
        key = identity(row)
        text = cache.get(key)
        if text is None:
            text = cache[key] = render(row)
        texts[k] = text
    return Shared(texts, inverse)


def _merge(parts: list[Shared]) -> list[np.ndarray]:
    """Join runs of adjacent columns once per distinct combination (while their codes fit one int64
    key): most models share whole runs of text (same quality facts, no derivatives), so each model's
    final join has a few long parts instead of many short ones."""
    columns, run, radix = [], [], 1
    for part in [*parts, None]:
        size = len(part.texts) if part is not None else 0
        if part is not None and radix * size < 2**62:
            run.append(part)
            radix *= size
            continue
        if len(run) == 1:
            columns.append(run[0].column())
        elif run:
            key = np.zeros(len(run[0].codes), dtype=np.int64)
            for member in run:
                key = key * len(member.texts) + member.codes
            rows, inverse = _factorize(key)
            texts = _concatenate([m.texts[m.codes[rows]] for m in run])
            columns.append(texts[inverse])
        run, radix = ([part], size) if part is not None else ([], 1)
    return columns


def _concatenate(columns: list[np.ndarray]) -> np.ndarray:
    """Row-wise concatenation of object arrays of str: numpy's `+` on object arrays runs the loop in C
    (a Python-level "".join per row costs several times more at a million rows)."""
    joined = columns[0]
    for column in columns[1:]:
        joined = joined + column
    return joined


def _codes(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Dense integer codes for float values (NaN gets one code), and how many there are."""
    unique, inverse = np.unique(values, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64), len(unique)


def _fetch_keys(inputs: ScoringInputs, name: str) -> np.ndarray:
    """Timestamp codes of a signal, SAME_AS_MODEL where it equals the model's own fetched_at."""
    fetched = inputs.fetched[name]
    if inputs.model_fetched is None:
        return fetched
    return np.where((fetched == inputs.model_fetched) & (fetched != NO_TIME), SAME_AS_MODEL, fetched)


def _signal_fragments(dim: DimensionScores, j: int, inputs: ScoringInputs, n_times: int,
                      hidden: np.ndarray, cache: FragmentCache | None = None) -> Shared:
    """The signal's compact JSON per model; empty for `hidden` models (momentum without history)."""
    signal = dim.config.signals[j]
    spec = SIGNALS[signal.name]
    raw = dim.raw[:, j]
    fetched = _fetch_keys(inputs, signal.name)
    variant = inputs.variant[signal.name]
    raw_code, _ = _codes(raw)
    patterns = 1 << len(dim.config.signals)
    keys = (((raw_code * patterns + dim.pattern) * 2 + variant) * (n_times + 2) + (fetched + 2)) * 2 + hidden
    separator = "," if j else ""
    missing_code = json.dumps(spec.missing or "unavailable")

    def render(row: int) -> str:
        if hidden[row]:
            return ""
        if raw[row] != raw[row]:  # NaN: missing
            return separator + missing_code
        time_code, source = int(fetched[row]), int(variant[row])
        value = json_number(raw[row], spec.integer)
        transformed, contribution = dim.transformed[row, j], dim.contribution[row, j]
        if time_code == SAME_AS_MODEL and not source and transformed == 0 and contribution == 0:
            return separator + value
        parts = [separator, "[", value, ",", json_number(transformed), ",", json_number(contribution)]
        if time_code != SAME_AS_MODEL or source:
            when = ("null" if time_code == NO_TIME else "0" if time_code == SAME_AS_MODEL
                    else json.dumps(inputs.timestamps.values[time_code]))
            parts += [",", when]
        if source:
            parts += [",", str(source)]
        parts.append("]")
        return "".join(parts)

    def identity(row: int) -> tuple:
        value = float(raw[row])
        return (dim.config.name, j, None if value != value else value, int(dim.pattern[row]),
                int(variant[row]), int(fetched[row]), bool(hidden[row]))

    return _shared(keys, render, cache, identity)


def _dimension_columns(dim: DimensionScores, inputs: ScoringInputs, first: bool,
                       cache: FragmentCache | None = None) -> list[np.ndarray]:
    """[signal fragments...] columns for one dimension, with its brackets."""
    history_needed = any(SIGNALS[s.name].needs_history for s in dim.config.signals)
    no_history = ~inputs.has_history if history_needed else np.zeros(inputs.size, dtype=bool)
    n_times = len(inputs.timestamps.values)
    parts = [_signal_fragments(dim, j, inputs, n_times, no_history, cache)
             for j in range(len(dim.config.signals))]
    opening = Shared(np.array(["[" if first else ",["], dtype=object), np.zeros(inputs.size, dtype=np.int64))
    closing = Shared(np.array(["]"], dtype=object), np.zeros(inputs.size, dtype=np.int64))
    return _merge([opening, *parts, closing])


def _head_column(table: ScoreTable) -> np.ndarray:
    """'[model_fetched_at,[' per model."""
    inputs = table.inputs
    model_fetched = inputs.model_fetched if inputs.model_fetched is not None \
        else np.full(inputs.size, NO_TIME, dtype=np.int64)

    def render(row: int) -> str:
        code = int(model_fetched[row])
        fetched = json.dumps(inputs.timestamps.values[code]) if code != NO_TIME else "null"
        return f"[{fetched},["

    return _shared(model_fetched, render).column()


def breakdown_columns(table: ScoreTable, cache: FragmentCache | None = None) -> list[np.ndarray]:
    """Columns of JSON fragments; joining a row's fragments (then "]]") gives its stored breakdown."""
    columns = [_head_column(table)]
    for d, dim in enumerate(table.dimensions):
        columns.extend(_dimension_columns(dim, table.inputs, first=d == 0, cache=cache))
    return columns


def iter_breakdowns(table: ScoreTable, cache: FragmentCache | None = None) -> Iterator[str]:
    """Each model's stored (compact) breakdown JSON, in model order. Pass the same `cache` for chunks of one
    table (ScoreTable.take) so that a fragment is rendered once, not once per chunk."""
    columns = [column.tolist() for column in breakdown_columns(table, cache)]
    # map/zip/join run in C: no Python frame per model.
    return map("".join, zip(*columns, itertools.repeat("]]"), strict=False))


# --- the config, stored once per version -------------------------------------------------------------------

def _number(value: float) -> float | int:
    """Caps that are whole numbers read as integers (10000000, not 10000000.0), as in the contract."""
    return int(value) if float(value).is_integer() else value


def config_definition(config: ScoringConfig, table: ScoreTable | None = None) -> dict[str, Any]:
    """Everything a breakdown shares across the models of one config version. With `table`, also the
    weights used by each pattern of present signals (and of present dimensions) that its models have."""
    definition = {
        "version": config.version,
        "overall_weights": dict(config.overall_weights),
        "dimensions": [
            {"name": dim.name,
             "signals": [{"name": s.name, "cap": _number(s.cap), "weight": s.weight, "transform": s.transform,
                          "sources": [SIGNALS[s.name].source, *SOURCE_VARIANTS.get(s.name, ())],
                          "missing": SIGNALS[s.name].missing}
                         for s in dim.signals]}
            for dim in config.dimensions
        ],
        "missing_reasons": {**MISSING_REASONS, "history": HISTORY_MISSING_REASON,
                            "no_signal": NO_SIGNAL_REASON},
    }
    if table is not None:
        definition["weights_used"] = [
            _weights_by_pattern([s.weight for s in dim.config.signals], dim.pattern)
            for dim in table.dimensions]
        present = np.column_stack([~np.isnan(dim.score) for dim in table.dimensions]) if table.dimensions \
            else np.zeros((table.inputs.size, 0), dtype=bool)
        definition["overall_weights_used"] = _weights_by_pattern(
            [config.overall_weights[dim.config.name] for dim in table.dimensions], presence_pattern(present))
    return definition


def _weights_by_pattern(weights: list[float], patterns: np.ndarray) -> dict[str, list[float]]:
    """{pattern: weights used} for the patterns that occur, rounded as the scorer rounds every stored float.
    Stored, not recomputed by each reader: Python's round(), SQLite's round() and numpy's differ at ties."""
    occurring = np.flatnonzero(np.bincount(patterns.astype(np.int64), minlength=1))
    rows = np.round(weights_by_pattern(np.array(weights, dtype=float))[occurring], DECIMALS)
    return {str(pattern): row for pattern, row in zip(occurring.tolist(), rows.tolist(), strict=True)}


def store_config(conn: sqlite3.Connection, config: ScoringConfig, table: ScoreTable | None = None) -> None:
    """Record the config's shared breakdown parts, with the weights used by `table`'s models (replacing an
    earlier definition of the same version: every score is written again in the same
    transaction, and every stored row's pattern is one of `table`'s)."""
    definition = json.dumps(config_definition(config, table), separators=(",", ":"), ensure_ascii=False)
    conn.execute(
        "INSERT INTO score_configs (config_version, definition) VALUES (?, ?) "
        "ON CONFLICT (config_version) DO UPDATE SET definition = excluded.definition "
        "WHERE definition IS NOT excluded.definition",
        (config.version, definition),
    )


@lru_cache(maxsize=8)
def _parse_definition(text: str) -> dict[str, Any]:
    return json.loads(text)


# --- expansion into the contract ----------------------------------------------------------------------------

_ROW_SQL = ("SELECT s.breakdown, s.config_version, s.computed_at, s.overall, s.adoption, s.quality, "
            "s.ecosystem, s.momentum, c.definition "
            "FROM scores s LEFT JOIN score_configs c ON c.config_version = s.config_version ")
_DIMENSION_COLUMNS = ("adoption", "quality", "ecosystem", "momentum")


def load_breakdown(conn: sqlite3.Connection, model_id: str) -> dict[str, Any] | None:
    """The breakdown of one model in the contract shape (docs/scoring.md), or None when not scored."""
    row = conn.execute(_ROW_SQL + "WHERE s.model_id = ?", (model_id,)).fetchone()
    return _expand_row(row) if row is not None else None


def load_breakdowns(conn: sqlite3.Connection, model_ids: list[str]) -> dict[str, dict[str, Any] | None]:
    """load_breakdown for several models at once: {model_id: breakdown}, models not scored omitted."""
    found: dict[str, dict[str, Any] | None] = {}
    for start in range(0, len(model_ids), 500):  # stay under SQLite's bound-parameter limit
        chunk = model_ids[start:start + 500]
        sql = _ROW_SQL.replace("SELECT ", "SELECT s.model_id, ", 1) \
            + f"WHERE s.model_id IN ({','.join('?' * len(chunk))})"
        for model_id, *row in conn.execute(sql, chunk):
            found[model_id] = _expand_row(tuple(row))
    return found


def _expand_row(row: tuple) -> dict[str, Any] | None:
    text, version, as_of, overall, *dimension_scores, definition = row
    try:
        stored = json.loads(text)
    except (TypeError, ValueError):
        return None  # unreadable: show no breakdown rather than a wrong one
    if isinstance(stored, dict):  # a full breakdown written by an older scorer (or a test fixture)
        return stored
    if definition is None:
        return None  # the config it refers to is unknown: nothing trustworthy to show
    scores = dict(zip(_DIMENSION_COLUMNS, dimension_scores, strict=True))
    try:
        if isinstance(stored, list) and len(stored) == 5:  # the shape before migration m008 (not applied yet)
            stored = json.loads(compact_breakdown(text))
        return expand_breakdown(stored, _parse_definition(definition), version, as_of, overall, scores)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError):
        return None  # a shape this version does not know: no breakdown rather than a wrong one


def _weights_used(definition: Mapping[str, Any], key: str, index: int | None, weights: list[float],
                  present: list[bool]) -> list[float | None]:
    """The weights used by this pattern of present signals (dimensions): the scorer's stored table when the
    definition has one, else renormalized here as the scorer does (a definition stored before m008 whose
    rows are not migrated yet)."""
    pattern = sum(1 << j for j, here in enumerate(present) if here)
    tables = definition.get(key)
    table = tables[index] if tables is not None and index is not None else tables
    stored = table.get(str(pattern)) if isinstance(table, dict) else None
    if stored is None:
        total = sum(w for w, here in zip(weights, present, strict=True) if here)
        stored = [float(np.round(w / total, DECIMALS)) if here else 0.0
                  for w, here in zip(weights, present, strict=True)]
    return [used if here else None for used, here in zip(stored, present, strict=True)]


def expand_breakdown(stored: list, definition: Mapping[str, Any], version: str, as_of: str | None,
                     overall: float, dimension_scores: Mapping[str, float | None]) -> dict[str, Any]:
    """The contract dict from a stored compact breakdown, its config definition and the row's columns."""
    model_fetched, dimensions = stored
    reasons = definition["missing_reasons"]
    dims = definition["dimensions"]
    expanded: dict[str, Any] = {}
    for index, (dim, signals) in enumerate(zip(dims, dimensions, strict=True)):
        score = dimension_scores.get(dim["name"])
        if not signals:
            expanded[dim["name"]] = {"score": score, "signals": [], "missing": reasons["history"]}
            continue
        present = [not isinstance(values, str) for values in signals]  # a string is a missing signal's code
        weights = [s["weight"] for s in dim["signals"]]
        used = _weights_used(definition, "weights_used", index, weights, present)
        entry: dict[str, Any] = {
            "score": score,
            "signals": [_expand_signal(spec, values, weight, model_fetched, reasons)
                        for spec, values, weight in zip(dim["signals"], signals, used, strict=True)],
        }
        if score is None:
            entry["missing"] = reasons["no_signal"]
        expanded[dim["name"]] = entry
    overall_weights = definition["overall_weights"]
    dimension_used = _weights_used(definition, "overall_weights_used", None,
                                   [overall_weights[d["name"]] for d in dims],
                                   [dimension_scores.get(d["name"]) is not None for d in dims])
    return {
        "config_version": version,
        "as_of": as_of,
        "overall": {
            "score": overall,
            "weights": dict(overall_weights),
            "weights_used": {dim["name"]: used for dim, used in zip(dims, dimension_used, strict=True)
                             if used is not None},
        },
        "dimensions": expanded,
    }


def _expand_signal(spec: Mapping[str, Any], stored: str | float | list, weight_used: float | None,
                   model_fetched: str | None, reasons: Mapping[str, str]) -> dict[str, Any]:
    if isinstance(stored, str):
        raw, transformed, contribution, fetched, source = None, None, 0.0, None, 0
    elif isinstance(stored, list):
        raw, transformed, contribution, *rest = stored
        fetched = rest[0] if rest else 0
        source = rest[1] if len(rest) > 1 else 0
    else:
        raw, transformed, contribution, fetched, source = stored, 0.0, 0.0, 0, 0
    signal = {
        "name": spec["name"], "raw": raw, "cap": spec["cap"], "transformed": transformed,
        "weight": spec["weight"], "weight_used": weight_used if weight_used is not None else 0.0,
        "contribution": contribution, "source": spec["sources"][source],
        "fetched_at": model_fetched if fetched == 0 else fetched,
    }
    if isinstance(stored, str):
        signal["missing"] = reasons[stored]
    return signal
