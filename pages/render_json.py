"""JSON output: the same views as the HTML and Markdown, with sorted, stable keys.

Missing values are JSON null, and each one has its reason under the model's `missing` object.
Scores are given at their shown precision (one decimal), like the table the verdict reads.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from pages.data import DIMENSIONS, Breakdown, Fact, ModelView
from pages.format import round_score, url_path
from pages.page import ComparePage, ModelPage


def _shown_score(value: float | None) -> float | None:
    shown = round_score(value)
    return None if shown is None else float(shown)


def _fact_fields(model: ModelView) -> dict[str, Fact]:
    """The model's facts by their JSON key."""
    facts: dict[str, Fact] = {
        "task": model.task,
        "library": model.library,
        "rank": model.rank,
        "percentile_task": model.percentile_task,
        "percentile_global": model.percentile_global,
        "downloads_30d": model.downloads_30d,
        "downloads_all_time": model.downloads_all_time,
        "likes": model.likes,
        "license": model.license,
        "params": model.params,
        "created_at": model.created_at,
        "last_modified": model.last_modified,
        "derivatives": model.derivatives,
        "spaces": model.spaces,
        "capabilities_count": model.capabilities_count,
    }
    for name, fact in model.scores.items():
        facts[name] = fact
    return facts


def _value(key: str, fact: Fact) -> Any:
    if fact.is_missing:
        return None
    if key == "rank":
        return fact.value.position
    if key in ("overall", *DIMENSIONS, "percentile_task", "percentile_global"):
        return _shown_score(fact.value)
    return fact.value


def _breakdown(breakdown: Breakdown | None) -> dict[str, Any] | None:
    """Back in the stored contract's shape (dimensions keyed by name), as parsed."""
    if breakdown is None:
        return None
    return {
        "config_version": breakdown.config_version,
        "as_of": breakdown.as_of,
        "overall": {"weights": breakdown.weights, "weights_used": breakdown.weights_used},
        "dimensions": {
            d.name: {"score": d.score, "missing": d.missing, "signals": [asdict(s) for s in d.signals]}
            for d in breakdown.dimensions
        },
    }


def model_json(model: ModelView) -> dict[str, Any]:
    facts = _fact_fields(model)
    data: dict[str, Any] = {key: _value(key, fact) for key, fact in facts.items()}
    data.update(
        model_id=model.model_id,
        slug=model.slug,
        hub_url=model.hub_url,
        author=model.author,
        removed_at=model.removed_at,
        fetched_at=model.fetched_at,
        rank_of=None if model.rank.is_missing else model.rank.value.of,
        license_name=model.license_name,
        license_link=model.license_link,
        params_source=None if model.params.is_missing else model.params.source,
        space_ids=model.space_ids,
        spaces_capped=model.spaces_capped,  # `spaces` is then a floor: the Hub lists at most 100
        scores_outdated=model.scores_outdated,  # fetched again since scoring: scores describe older figures
        capabilities=[asdict(c) for c in model.capabilities],
        evals=[asdict(e) for e in model.evals],
        base_models=[{"parent_id": p, "relation": r} for p, r in model.base_models],
        downloads_history=[{"taken_at": t, "downloads_30d": d} for t, d in model.downloads_history],
        breakdown=_breakdown(model.breakdown),
        card_url=model.card_url,
        missing={key: fact.missing for key, fact in facts.items() if fact.is_missing},
        sources={
            key: {"source": fact.source, "fetched_at": fact.fetched_at}
            for key, fact in facts.items()
            if not fact.is_missing
        },
    )
    return data


def _dump(data: dict[str, Any], *, pretty: bool = True) -> str:
    """Sorted keys always; `pretty=False` is the compact form the site writes (C encoder: much faster)."""
    if pretty:
        return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False) + "\n"


def compare_json(page: ComparePage) -> dict[str, Any]:
    pair = page.pair
    return {
        "as_of": pair.as_of,
        "canonical": f"/{url_path(page.path)}.html",
        "caveat": pair.caveat,
        "same_task": pair.same_task,
        "verdict": page.verdict.text,
        "verdict_outcomes": page.verdict.outcomes,
        "table": [{"key": r.key, "label": r.label, "shown": [c.text for c in r.cells]} for r in page.rows],
        "models": [model_json(pair.a), model_json(pair.b)],
    }


def render_compare_json(page: ComparePage, *, pretty: bool = True) -> str:
    return _dump(compare_json(page), pretty=pretty)


def render_model_json(page: ModelPage, *, pretty: bool = True) -> str:
    return _dump(
        {"as_of": page.as_of, "canonical": f"/{url_path(page.path)}.html", "model": model_json(page.model)},
        pretty=pretty,
    )


def render_index_json(entries: list[dict[str, Any]], as_of: str | None, *, pretty: bool = True) -> str:
    return _dump({"as_of": as_of, "models": entries}, pretty=pretty)
