"""The score arithmetic, vectorized over all models at once (numpy).

For one dimension with signals i (raw value S_i, cap T_i, weight a_i), over the signals the model has:

    score = 100 * sum_i a_i * t(S_i, T_i) / sum_i a_i        t = log(1+S) / log(1+max(S, T))  (OpenSSF)

`weight_used_i = a_i / sum(a)` (0 for a missing signal) and `contribution_i = 100 * t_i * weight_used_i`,
so a dimension's contributions add up to its score. The overall score is the same weighted mean over the
dimensions that have a score. Stored floats are rounded to DECIMALS places.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoring.config import DimensionConfig, ScoringConfig, SignalConfig
from scoring.inputs import ScoringInputs

DECIMALS = 4
# Pages show scores with one decimal; percentiles compare scores at that precision (see shown_keys).
SHOWN_DECIMALS = 1


@dataclass
class DimensionScores:
    config: DimensionConfig
    score: np.ndarray  # (n,) 0-100, NaN when the model has none of the dimension's signals
    raw: np.ndarray  # (n, k) rounded raw values, NaN when missing
    transformed: np.ndarray  # (n, k) in [0, 1], NaN when missing
    contribution: np.ndarray  # (n, k) dimension points
    pattern: np.ndarray  # (n,) bitmask of present signals: equal patterns share their weights used

    def take(self, rows: slice) -> DimensionScores:
        return DimensionScores(self.config, self.score[rows], self.raw[rows], self.transformed[rows],
                               self.contribution[rows], self.pattern[rows])


@dataclass
class ScoreTable:
    config: ScoringConfig
    inputs: ScoringInputs
    dimensions: list[DimensionScores]
    overall: np.ndarray  # (n,)
    percentile_global: np.ndarray  # (n,)
    percentile_task: np.ndarray  # (n,) NaN for models without a task

    def take(self, rows: slice) -> ScoreTable:
        """The scores of a contiguous range of models, e.g. to build their breakdowns in chunks."""
        return ScoreTable(
            config=self.config,
            inputs=self.inputs.take(rows),
            dimensions=[dimension.take(rows) for dimension in self.dimensions],
            overall=self.overall[rows],
            percentile_global=self.percentile_global[rows],
            percentile_task=self.percentile_task[rows],
        )


def transform(raw: np.ndarray, signal: SignalConfig) -> np.ndarray:
    """Map raw values to [0, 1] (NaN stays NaN). Negative values clamp to 0, as in OpenSSF."""
    value = np.clip(raw, 0.0, None)
    cap = signal.cap
    if signal.transform == "linear":
        return np.minimum(value, cap) / cap
    if signal.transform == "ratio":
        return value / (value + cap)
    # log1p(max(v, T)) is log1p(v) above the cap and the constant log1p(T) below it: one log per value.
    logged = np.log1p(value)
    return logged / np.where(value > cap, logged, np.log1p(cap))


def presence_pattern(present: np.ndarray) -> np.ndarray:
    """Per row, a bitmask of its present columns (bit j: column j)."""
    pattern = np.zeros(len(present), dtype=np.int64)
    for j in range(present.shape[1]):
        pattern |= present[:, j].astype(np.int64) << j
    return pattern


def weights_by_pattern(weights: np.ndarray) -> np.ndarray:
    """(2**k, k): for each pattern of present columns, the weights renormalized over them (0 elsewhere).
    Models share a handful of patterns, so this small table replaces a division per model and column."""
    masks = (np.arange(1 << len(weights))[:, None] >> np.arange(len(weights))) & 1
    with np.errstate(invalid="ignore", divide="ignore"):
        table = np.where(masks, weights, 0.0) / (masks @ weights)[:, None]
    table[0] = 0.0  # no column present: nothing used
    return table


def weighted_mean(values: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted mean per row over the non-NaN columns: (mean, products, pattern). `products` are each
    column's value times its renormalized weight (0 when missing), so they add up to the mean; `pattern`
    is presence_pattern. Mean is NaN for rows with no present column."""
    present = ~np.isnan(values)
    pattern = presence_pattern(present)
    products = np.where(present, values, 0.0) * weights_by_pattern(weights)[pattern]
    mean = products.sum(axis=1)
    mean[pattern == 0] = np.nan
    return mean, products, pattern


def score_dimension(inputs: ScoringInputs, dimension: DimensionConfig) -> DimensionScores:
    raw = np.column_stack([inputs.raw[s.name] for s in dimension.signals])
    np.round(raw, DECIMALS, out=raw)
    if dimension.name == "momentum":
        raw[~inputs.has_history] = np.nan
    transformed = np.column_stack([transform(raw[:, j], s) for j, s in enumerate(dimension.signals)])
    mean, products, pattern = weighted_mean(transformed, np.array([s.weight for s in dimension.signals]))
    # Contributions from the unrounded factors, so that they add up to the score (up to rounding).
    contribution = np.round(100.0 * products, DECIMALS, out=products)
    np.round(transformed, DECIMALS, out=transformed)
    return DimensionScores(dimension, (100.0 * mean).round(DECIMALS), raw, transformed, contribution, pattern)


def shown_keys(values: np.ndarray) -> np.ndarray:
    """Scores as pages show them, as integers (63.45 -> 635): half up from the stored DECIMALS, exactly as
    `pages.format.round_score` rounds, so two models that display alike always share a percentile."""
    stored = np.rint(values * 10**DECIMALS).astype(np.int64)  # exact: values are rounded to DECIMALS
    step = 10 ** (DECIMALS - SHOWN_DECIMALS)
    return (stored + step // 2) // step


def percentile_ranks(values: np.ndarray, groups: np.ndarray | None = None) -> np.ndarray:
    """Percent of the group (or of all models) scoring at or below each value: ties share a percentile,
    the best model of a group gets 100. `groups` are int codes; rows with code -1 get NaN."""
    n = len(values)
    if n == 0:
        return np.zeros(0)
    key = shown_keys(values)
    if groups is None:
        return (100.0 * _at_or_below(key) / n).round(DECIMALS)
    span = int(key.max()) + 1
    grouped = groups.astype(np.int64) * span + key
    # Within a group: models at or below, minus the models of lower groups (all sorted before it).
    shifted = groups + 1  # group -1 (no task) becomes 0
    group_sizes = np.bincount(shifted)
    lower_groups = (np.cumsum(group_sizes) - group_sizes)[shifted]
    at_or_below = _at_or_below(grouped) - lower_groups
    sizes = np.bincount(groups[groups >= 0], minlength=int(groups.max()) + 1)
    result = np.full(n, np.nan)
    has_group = groups >= 0
    result[has_group] = 100.0 * at_or_below[has_group] / sizes[groups[has_group]]
    return result.round(DECIMALS)


def _at_or_below(keys: np.ndarray) -> np.ndarray:
    """For each key, how many keys are <= it. Searching the sorted keys for themselves keeps memory
    access sequential (searching in the original order is several times slower at a million)."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    counts = np.empty(len(keys), dtype=np.int64)
    counts[order] = np.searchsorted(ordered, ordered, side="right")
    return counts


def task_codes(tasks: list[str | None]) -> np.ndarray:
    """pipeline_tag -> int code; -1 for models without a task (they get no within-task percentile)."""
    codes = {task: code for code, task in enumerate(sorted(t for t in set(tasks) if t is not None))}
    codes[None] = -1  # type: ignore[index]
    return np.fromiter(map(codes.__getitem__, tasks), dtype=np.int64, count=len(tasks))


def compute_scores(inputs: ScoringInputs, config: ScoringConfig) -> ScoreTable:
    dimensions = [score_dimension(inputs, d) for d in config.dimensions]
    scores = np.column_stack([d.score for d in dimensions]) if dimensions else np.zeros((inputs.size, 0))
    weights = np.array([config.overall_weights[d.config.name] for d in dimensions])
    overall, _, _ = weighted_mean(scores, weights)
    # Every model has quality signals that are never missing, so an all-missing row cannot happen with
    # the shipped config; a custom config could produce one, and `overall` is NOT NULL: store 0.
    overall = np.nan_to_num(overall, nan=0.0).round(DECIMALS)
    return ScoreTable(
        config=config,
        inputs=inputs,
        dimensions=dimensions,
        overall=overall,
        percentile_global=percentile_ranks(overall),
        percentile_task=percentile_ranks(overall, task_codes(inputs.tasks)),
    )
