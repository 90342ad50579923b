"""Build the per-model breakdown JSON (the contract read by pages/ and `hubcrawl explain`).

Shape (compact JSON, keys in this order):

    {"config_version", "as_of",
     "overall": {"score", "weights", "weights_used"},
     "dimensions": {<name>: {"score", "signals": [{"name", "raw", "cap", "transformed", "weight",
                                                  "weight_used", "contribution", "source", "fetched_at",
                                                  ["missing"]}, ...], ["missing"]}}}

Speed: a million models times ~17 signals is too many dicts for json.dumps. But a signal's JSON text is
fully determined by a few small codes (its raw value, which signals of the dimension are present, the
source variant, the fetch time), and those repeat a lot: each distinct combination is formatted once and
the text is shared. Each model's JSON is then one str.join of shared fragments.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from scoring.compute import DimensionScores, ScoreTable
from scoring.inputs import NO_TIME, SOURCE_VARIANTS, ScoringInputs
from scoring.signals import HISTORY_MISSING_REASON, SIGNALS

NO_SIGNAL_REASON = "none of this dimension's signals is available"


def json_number(value: float, integer: bool = False) -> str:
    """A rounded float as JSON text; NaN (missing) is `null`. Counts render without decimals."""
    if value != value:  # NaN
        return "null"
    return str(int(value)) if integer else repr(float(value))


def _cap_text(cap: float) -> str:
    return str(int(cap)) if cap.is_integer() else repr(cap)


@dataclass
class Shared:
    """A column of texts stored as distinct texts plus one code per model."""

    texts: np.ndarray  # object array of the distinct texts
    codes: np.ndarray  # int64 per model: index into texts

    def column(self) -> np.ndarray:
        return self.texts[self.codes]


def _shared(keys: np.ndarray, render: Callable[[int], str]) -> Shared:
    """render() runs once per distinct key, on the first row having it."""
    unique, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    texts = np.empty(len(unique), dtype=object)
    for k, row in enumerate(first):
        texts[k] = render(int(row))
    return Shared(texts, inverse.reshape(-1).astype(np.int64))


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
            columns.append(_shared(key, lambda row, run=run: "".join(
                m.texts[m.codes[row]] for m in run)).column())
        run, radix = ([part], size) if part is not None else ([], 1)
    return columns


def _codes(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Dense integer codes for float values (NaN gets one code), and how many there are."""
    unique, inverse = np.unique(values, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64), len(unique)


def _signal_fragments(dim: DimensionScores, j: int, inputs: ScoringInputs, n_times: int,
                      hidden: np.ndarray) -> Shared:
    """The signal's JSON text per model; empty for `hidden` models (momentum without history)."""
    signal = dim.config.signals[j]
    spec = SIGNALS[signal.name]
    raw = dim.raw[:, j]
    fetched = inputs.fetched[signal.name]
    variant = inputs.variant[signal.name]
    raw_code, _ = _codes(raw)
    patterns = 1 << len(dim.config.signals)
    keys = (((raw_code * patterns + dim.pattern) * 2 + variant) * (n_times + 1) + (fetched + 1)) * 2 + hidden
    sources = (spec.source, *SOURCE_VARIANTS.get(signal.name, ()))
    head = f'{{"name":{json.dumps(signal.name)},"raw":'
    weight = json_number(signal.weight)
    cap = _cap_text(signal.cap)
    separator = "," if j else ""

    def render(row: int) -> str:
        if hidden[row]:
            return ""
        time_code = int(fetched[row])
        missing = raw[row] != raw[row]
        parts = [
            separator, head, json_number(raw[row], spec.integer),
            ',"cap":', cap,
            ',"transformed":', json_number(dim.transformed[row, j]),
            ',"weight":', weight,
            ',"weight_used":', json_number(dim.weight_used[row, j]),
            ',"contribution":', json_number(dim.contribution[row, j]),
            ',"source":', json.dumps(sources[int(variant[row])]),
            ',"fetched_at":', "null" if time_code == NO_TIME or missing
            else json.dumps(inputs.timestamps.values[time_code]),
        ]
        if missing:
            reason = HISTORY_MISSING_REASON if spec.needs_history and not inputs.has_history[row] \
                else spec.missing_reason or "not available"
            parts += [',"missing":', json.dumps(reason)]
        parts.append("}")
        return "".join(parts)

    return _shared(keys, render)


def _dimension_columns(dim: DimensionScores, inputs: ScoringInputs, first: bool) -> list[np.ndarray]:
    """[head, signal fragments..., tail] columns for one dimension."""
    name = json.dumps(dim.config.name)
    lead = "" if first else ","
    score_code, _ = _codes(dim.score)
    history_needed = dim.config.name == "momentum"

    def head(row: int) -> str:
        score = dim.score[row]
        if history_needed and not inputs.has_history[row]:
            reason = json.dumps(HISTORY_MISSING_REASON)
            return f'{lead}{name}:{{"score":null,"signals":[],"missing":{reason}}}'
        return f'{lead}{name}:{{"score":{json_number(score)},"signals":['

    no_history = ~inputs.has_history if history_needed else np.zeros(inputs.size, dtype=bool)
    n_times = len(inputs.timestamps.values)
    parts = [_shared(score_code * 2 + no_history, head)]
    parts += [_signal_fragments(dim, j, inputs, n_times, no_history) for j in range(len(dim.config.signals))]
    tail_missing = f'],"missing":{json.dumps(NO_SIGNAL_REASON)}}}'
    tails = np.array(["]}", tail_missing, "", ""], dtype=object)
    parts.append(Shared(tails, np.isnan(dim.score) + 2 * no_history))
    return _merge(parts)


def _overall_columns(table: ScoreTable) -> list[np.ndarray]:
    config = table.config
    names = [d.config.name for d in table.dimensions]
    weights = ",".join(f"{json.dumps(k)}:{json_number(v)}" for k, v in config.overall_weights.items())
    prefix = (f'{{"config_version":{json.dumps(config.version)},"as_of":{json.dumps(table.inputs.as_of)},'
              f'"overall":{{"score":')
    overall_code, _ = _codes(table.overall)
    scores = _shared(overall_code, lambda row: prefix + json_number(table.overall[row]))

    def weights_used(row: int) -> str:
        used = ",".join(f"{json.dumps(name)}:{json_number(table.overall_weights_used[row, d])}"
                        for d, name in enumerate(names) if table.overall_pattern[row] >> d & 1)
        return f',"weights":{{{weights}}},"weights_used":{{{used}}}}},"dimensions":{{'

    return [scores.column(), _shared(table.overall_pattern, weights_used).column()]


def breakdown_columns(table: ScoreTable) -> list[np.ndarray]:
    """Columns of JSON fragments; joining a row's fragments (then "}}") gives its breakdown."""
    columns = _overall_columns(table)
    for d, dim in enumerate(table.dimensions):
        columns.extend(_dimension_columns(dim, table.inputs, first=d == 0))
    return columns


def iter_breakdowns(table: ScoreTable) -> Iterator[str]:
    """Each model's breakdown JSON, in model order."""
    columns = breakdown_columns(table)
    for parts in zip(*columns, strict=True):
        yield "".join(parts) + "}}"
