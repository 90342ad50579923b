"""The fixture database behind the pages tests (and the golden files), plus checks that it honours
the scores.breakdown contract. Other pages tests import `build_pages_db` from here.

All text is invented for the tests; no model card text is copied.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from factories import (
    FETCHED_AT,
    add_capability,
    add_card,
    add_edge,
    add_eval,
    add_model,
    add_run,
    add_snapshot,
    add_spaces,
    new_db,
)
from sqlite_utils import Database

from scoring.compute import percentile_ranks

ALPHA = "acme/alpha-7b"  # text-generation, fully populated
BRAVO = "bravo-lab/bravo-8b"  # text-generation, license "other", derivatives only from edges
SEG = "acme/tiny-seg"  # image-segmentation: a different job
BARE = "zeta/bare"  # text-generation, no scores, params, license, card or snapshots

SCORES: dict[str, dict[str, float | None]] = {
    # overall 63.44 vs 63.41: both show "63.4", so the verdict must say "tied".
    ALPHA: {"overall": 63.44, "adoption": 71.2, "quality": 55.0, "ecosystem": 48.25, "momentum": None},
    BRAVO: {"overall": 63.41, "adoption": 60.0, "quality": 55.04, "ecosystem": 52.1, "momentum": 12.0},
    SEG: {"overall": 40.0, "adoption": 35.5, "quality": 44.0, "ecosystem": 41.0, "momentum": None},
}
TASKS = {ALPHA: "text-generation", BRAVO: "text-generation", SEG: "image-segmentation"}


def _percentiles() -> dict[str, tuple[float, float]]:
    """(task, global) percentiles by the scorer's own rule, so the fixture cannot contradict its ranks."""
    ids = list(SCORES)
    overall = np.array([SCORES[i]["overall"] for i in ids])
    codes = {task: code for code, task in enumerate(sorted(set(TASKS.values())))}
    by_task = percentile_ranks(overall, np.array([codes[TASKS[i]] for i in ids]))
    overall_pct = percentile_ranks(overall)
    return {i: (float(by_task[n]), float(overall_pct[n])) for n, i in enumerate(ids)}


PERCENTILES = _percentiles()
WEIGHTS = {"adoption": 0.4, "quality": 0.3, "ecosystem": 0.2, "momentum": 0.1}


def breakdown_json(model_id: str, scores: dict[str, float | None]) -> str:
    """A breakdown in the shared contract's shape; two signals per scored dimension, 60/40."""
    dims: dict[str, Any] = {}
    for name in WEIGHTS:
        score = scores[name]
        if score is None:
            dims[name] = {"score": None, "signals": [], "missing": "needs at least 2 snapshots"}
            continue
        first, second = round(score * 0.6, 4), round(score - round(score * 0.6, 4), 4)
        dims[name] = {
            "score": score,
            "signals": [
                {
                    "name": f"{name}_main",
                    "raw": 1000,
                    "cap": 10000,
                    "transformed": first / 60,
                    "weight": 0.6,
                    "weight_used": 0.6,
                    "contribution": first,
                    "source": f"models.{name}",
                    "fetched_at": FETCHED_AT,
                },
                {
                    "name": f"{name}_side",
                    "raw": 10,
                    "cap": 100,
                    "transformed": second / 40,
                    "weight": 0.4,
                    "weight_used": 0.4,
                    "contribution": second,
                    "source": f"models.{name}_side",
                    "fetched_at": FETCHED_AT,
                },
            ],
        }
    dims["adoption"]["signals"].append(
        {
            "name": "spaces",
            "raw": None,
            "cap": 100,
            "transformed": None,
            "weight": 0.2,
            "weight_used": 0.0,
            "contribution": 0.0,
            "source": "models.spaces_count",
            "fetched_at": None,
            "missing": "not fetched: spaces come from the model info endpoint (hubcrawl recrawl)",
        }
    )
    present = {k: w for k, w in WEIGHTS.items() if scores[k] is not None}
    total = sum(present.values())
    return json.dumps(
        {
            "config_version": "2026.11.1",
            "as_of": FETCHED_AT,
            "overall": {
                "score": scores["overall"],
                "weights": WEIGHTS,
                "weights_used": {k: round(w / total, 3) for k, w in present.items()},
            },
            "dimensions": dims,
        }
    )


def add_scores(
    db: Database,
    model_id: str,
    scores: dict[str, float | None],
    percentiles: tuple[float, float] = (50.0, 50.0),
) -> None:
    db["scores"].insert(
        {
            "model_id": model_id,
            "config_version": "2026.11.1",
            "computed_at": FETCHED_AT,
            **scores,
            "percentile_task": percentiles[0],
            "percentile_global": percentiles[1],
            "breakdown": breakdown_json(model_id, scores),
        },
        replace=True,
    )


def _add_alpha(db: Database) -> None:
    add_model(
        db,
        ALPHA,
        params=7_241_732_096,
        params_source="safetensors.total",
        license="apache-2.0",
        license_source="cardData",
        downloads=111_143,
        downloads_all_time=2_500_000,
        likes=321,
        created_at="2024-02-03T04:05:06Z",
        last_modified="2026-10-01T12:00:00Z",
    )
    add_spaces(db, ALPHA, ["acme/alpha-chat", "someone/alpha-demo", "other/playground"])
    db["model_children"].insert_all(
        [
            {
                "model_id": ALPHA,
                "relation": rel,
                "count": n,
                "source": "api.childrenModelCount",
                "fetched_at": FETCHED_AT,
            }
            for rel, n in (("finetune", 12), ("quantized", 40))
        ]
    )
    for taken_at, downloads in (
        ("2026-09-01T06:00:00Z", 90_000),
        ("2026-10-01T06:00:00Z", 101_000),
        ("2026-11-01T06:00:00Z", 111_143),
    ):
        add_snapshot(db, ALPHA, taken_at, downloads=downloads, likes=300)
    add_card(db, ALPHA)
    eval_id = add_eval(
        db,
        ALPHA,
        dataset="example/reasoning-set",
        metric="accuracy",
        value=71.5,
        verified=True,
        source_url="https://example.org/leaderboard/alpha",
    )
    add_capability(
        db,
        ALPHA,
        "text generation",
        "Generates text from a prompt (pipeline tag).",
        evidence=[
            {
                "kind": "api_field",
                "field": "pipeline_tag",
                "quote": "text-generation",
                "source_url": f"https://huggingface.co/api/models/{ALPHA}",
            },
            {"kind": "eval_result", "eval_id": eval_id, "quote": "accuracy 71.5"},
        ],
    )


def _add_bravo(db: Database) -> None:
    add_model(
        db,
        BRAVO,
        params=8_030_261_248,
        params_source="gguf.total",
        license="other",
        license_name="bravo community license",
        license_link="https://example.org/bravo-license",
        license_source="cardData",
        downloads=98_765,
        downloads_all_time=None,
        likes=250,
        created_at="2025-05-06T07:08:09Z",
        last_modified="2026-09-15T00:00:00Z",
    )
    add_edge(db, "fans/bravo-8b-gguf", BRAVO, "quantized")
    add_edge(db, "fans/bravo-8b-q4", BRAVO, "quantized")
    add_edge(db, "fans/bravo-8b-tuned", BRAVO, "finetune")
    add_edge(db, BRAVO, "acme/alpha-7b", "finetune")
    add_card(db, BRAVO)
    add_eval(
        db,
        BRAVO,
        dataset="example/reasoning-set",
        metric="accuracy",
        value=69.0,
        verified=False,
        source_url="https://huggingface.co/bravo-lab/bravo-8b",
    )


def build_pages_db(path: Path) -> Database:
    """Four models covering full data, partial data, a second task and no data at all."""
    db = new_db(path)
    add_run(db)
    _add_alpha(db)
    _add_bravo(db)
    add_model(
        db,
        SEG,
        pipeline_tag="image-segmentation",
        library_name="transformers",
        downloads=5_000,
        downloads_all_time=60_000,
        likes=7,
    )
    add_model(
        db,
        BARE,
        license=None,
        params=None,
        downloads=12,
        downloads_all_time=None,
        likes=0,
        created_at=None,
        library_name=None,
    )
    for model_id, scores in SCORES.items():
        add_scores(db, model_id, scores, PERCENTILES[model_id])
    return db


def test_fixture_breakdowns_follow_the_contract(tmp_path):
    db = build_pages_db(tmp_path / "hub.db")
    for row in db["scores"].rows:
        breakdown = json.loads(row["breakdown"])
        for name, dim in breakdown["dimensions"].items():
            assert dim["score"] == row[name]
            if dim["score"] is not None:
                total = sum(s["contribution"] for s in dim["signals"])
                assert abs(total - dim["score"]) < 1e-6
        assert abs(sum(breakdown["overall"]["weights_used"].values()) - 1) < 0.01
