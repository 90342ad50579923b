"""Benchmark results: the card's `model-index` and the API's `evalResults`, one row per metric.

A card's `model-index` is a self-report. Only the Hub says whether a value is verified: it adds
`verified: true|false` to each metric in the API's copy of `model-index` (and in `evalResults`).
Without that, `verified` stays None (unknown), never 1.
"""

from __future__ import annotations

import math
from typing import Any

from ingest.cards.types import EvalRow

MODEL_INDEX = "model-index"
EVAL_RESULTS = "evalResults"

# Guards against pathological cards: beyond this many rows the rest is ignored.
_MAX_EVAL_ROWS = 2_000


def _text(value: Any) -> str | None:
    """Scalars as text (numbers included: dataset configs are sometimes written as numbers)."""
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):
        return str(value).lower()
    text = str(value).strip()
    return text or None


def _parse_value(raw: Any) -> tuple[float | None, str | None]:
    """(number, text as written). '57.7', 57.7 and '57.7%' give 57.7; 'n/a' gives (None, 'n/a')."""
    if isinstance(raw, bool) or raw is None or isinstance(raw, dict | list):
        return None, _text(raw)
    if isinstance(raw, int | float):
        number = float(raw)
        return (number if math.isfinite(number) else None), _text(raw)
    text = _text(raw)
    if text is None:
        return None, None
    candidate = text.removesuffix("%").strip().replace(",", "")
    try:
        number = float(candidate)
    except ValueError:
        return None, text
    return (number if math.isfinite(number) else None), text


def _verified_flag(value: Any) -> int | None:
    return int(value) if isinstance(value, bool) else None


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _result_key(task: dict, dataset: dict, metric: dict) -> tuple:
    """Identity of one metric, used to find the Hub's verified flag for a card's metric."""
    return (
        _text(task.get("type")),
        _text(dataset.get("type")),
        _text(dataset.get("config")),
        _text(dataset.get("split")),
        _text(metric.get("type")),
        _parse_value(metric.get("value"))[1],
    )


def _iter_model_index_metrics(model_index: Any):
    """Yield (task, dataset, metric, source) dicts for every well-formed metric."""
    if not isinstance(model_index, list):
        return
    for entry in model_index:
        results = _mapping(entry).get("results")
        if not isinstance(results, list):
            continue
        for result in results:
            result = _mapping(result)
            metrics = result.get("metrics")
            if not isinstance(metrics, list):
                continue
            task = _mapping(result.get("task"))
            dataset = _mapping(result.get("dataset"))
            source = _mapping(result.get("source"))
            for metric in metrics:
                if isinstance(metric, dict):
                    yield task, dataset, metric, source


def hub_verified_flags(api_model_index: Any) -> dict[tuple, int]:
    """Verified flags from the API's copy of model-index, keyed by `_result_key`."""
    flags: dict[tuple, int] = {}
    for task, dataset, metric, _source in _iter_model_index_metrics(api_model_index):
        flag = _verified_flag(metric.get("verified"))
        if flag is not None:
            flags[_result_key(task, dataset, metric)] = flag
    return flags


def parse_model_index(
    model_index: Any, *, card_url: str | None, verified_flags: dict[tuple, int] | None = None
) -> tuple[EvalRow, ...]:
    """One EvalRow per metric. The claim's own source wins; else the card URL is the source."""
    rows: list[EvalRow] = []
    for task, dataset, metric, source in _iter_model_index_metrics(model_index):
        value, value_text = _parse_value(metric.get("value"))
        # A `verified` key written in the card is the author's word: only the Hub's copy counts.
        verified = verified_flags.get(_result_key(task, dataset, metric)) if verified_flags else None
        rows.append(
            EvalRow(
                source_kind=MODEL_INDEX,
                task_type=_text(task.get("type")),
                task_name=_text(task.get("name")),
                dataset_id=_text(dataset.get("type")),
                dataset_name=_text(dataset.get("name")),
                dataset_config=_text(dataset.get("config")),
                dataset_split=_text(dataset.get("split")),
                metric_type=_text(metric.get("type")),
                metric_name=_text(metric.get("name")),
                value=value,
                value_text=value_text,
                verified=verified,
                source_name=_text(source.get("name")),
                source_url=_http_url(source.get("url")) or card_url,
            )
        )
        if len(rows) >= _MAX_EVAL_ROWS:
            break
    return tuple(rows)


def parse_eval_results(entries: Any, *, model_id: str, sha: str | None) -> tuple[EvalRow, ...]:
    """The API's `evalResults` (from `.eval_results/*.yaml`); `{filename, error}` entries are skipped."""
    if not isinstance(entries, list):
        return ()
    rows: list[EvalRow] = []
    for entry in entries:
        entry = _mapping(entry)
        data = entry.get("data")
        if "error" in entry or not isinstance(data, dict):
            continue
        dataset = _mapping(data.get("dataset"))
        source = _mapping(data.get("source"))
        value, value_text = _parse_value(data.get("value"))
        if value_text is None:
            continue  # a result without a value is not a result
        rows.append(
            EvalRow(
                source_kind=EVAL_RESULTS,
                task_type=None,
                task_name=None,
                dataset_id=_text(dataset.get("id")),
                dataset_name=None,
                dataset_config=_text(dataset.get("task_id")),
                dataset_split=None,
                metric_type=None,
                metric_name=None,
                value=value,
                value_text=value_text,
                verified=_verified_flag(entry.get("verified")),
                source_name=_text(source.get("name")),
                source_url=_http_url(source.get("url"))
                or _eval_file_url(model_id, sha, entry.get("filename")),
            )
        )
        if len(rows) >= _MAX_EVAL_ROWS:
            break
    return tuple(rows)


def _http_url(value: Any) -> str | None:
    """Only http(s) URLs are kept as sources; other schemes (javascript:, data:) are dropped."""
    text = _text(value)
    if text and text.lower().startswith(("http://", "https://")) and not any(c.isspace() for c in text):
        return text
    return None


def _eval_file_url(model_id: str, sha: str | None, filename: Any) -> str | None:
    name = _text(filename)
    if name is None:
        return None
    return f"https://huggingface.co/{model_id}/blob/{sha or 'main'}/{name.lstrip('/')}"
