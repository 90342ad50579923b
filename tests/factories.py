"""Build real, migrated SQLite databases for tests of the read side (scoring, pages).

These write rows the way the crawler's writer would, so read-side tests do not need a crawl.
Every helper fills the provenance columns with plausible values unless told otherwise.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from db import open_db

FETCHED_AT = "2026-11-01T06:00:00Z"


def new_db(path: Path) -> Database:
    return open_db(path)


def add_run(db: Database, *, started_at: str = FETCHED_AT, status: str = "ok", kind: str = "crawl") -> int:
    table = db["crawl_runs"].insert(
        {"kind": kind, "started_at": started_at, "finished_at": started_at, "status": status,
         "full_listing": 1}
    )
    return int(table.last_pk)


def add_model(db: Database, model_id: str, **fields: Any) -> dict[str, Any]:
    """Insert one model; `fields` override the defaults (use None to leave a column NULL)."""
    row: dict[str, Any] = {
        "model_id": model_id,
        "author": model_id.split("/")[0] if "/" in model_id else None,
        "sha": "0" * 40,
        "pipeline_tag": "text-generation",
        "library_name": "transformers",
        "license": "Apache-2.0",
        "params": None,
        "params_source": None,
        "gated": "no",
        "private": 0,
        "disabled": 0,
        "created_at": "2024-01-01T00:00:00Z",
        "last_modified": "2024-06-01T00:00:00Z",
        "downloads": 1000,
        "downloads_all_time": 10000,
        "likes": 10,
        "trending_score": 1.0,
        "facts_source": f"https://huggingface.co/api/models?search={model_id}",
        "fetched_at": FETCHED_AT,
        "first_seen": FETCHED_AT,
        "last_seen": FETCHED_AT,
    }
    row.update(fields)
    tags = row.pop("tags", None)
    db["models"].insert(row, pk="model_id", replace=True)
    if tags:
        db["tags"].insert_all([{"model_id": model_id, "tag": t} for t in tags], replace=True)
    return row


def add_snapshot(db: Database, model_id: str, taken_at: str, **values: Any) -> None:
    db["snapshots"].insert({"model_id": model_id, "taken_at": taken_at, **values}, replace=True)


def add_edge(db: Database, child_id: str, parent_id: str, relation: str, source: str = "tags") -> None:
    db["model_edges"].insert(
        {"child_id": child_id, "parent_id": parent_id, "relation": relation, "source": source,
         "fetched_at": FETCHED_AT},
        replace=True,
    )


def add_spaces(db: Database, model_id: str, space_ids: list[str]) -> None:
    db["model_spaces"].insert_all(
        [{"model_id": model_id, "space_id": s, "fetched_at": FETCHED_AT} for s in space_ids], replace=True
    )
    db["models"].update(model_id, {"spaces_count": len(space_ids)})


def add_card(db: Database, model_id: str, *, status: str = "ok", parse_error: str | None = None,
             sections: list[tuple[str, str]] | None = None) -> None:
    """A stored card plus its sections as (heading path, text) pairs."""
    db["cards"].insert(
        {"model_id": model_id, "status": status, "sha": "0" * 40,
         "source_url": f"https://huggingface.co/{model_id}/resolve/main/README.md",
         "fetched_at": FETCHED_AT, "http_status": 200 if status == "ok" else 404,
         "parse_error": parse_error, "front_matter": json.dumps({})},
        replace=True,
    )
    for ord_, (path, text) in enumerate(sections or []):
        db["card_sections"].insert(
            {"model_id": model_id, "ord": ord_, "level": path.count(">") + 1,
             "heading": path.split(" > ")[-1],
             "path": path, "text": text, "sha": "0" * 40, "fetched_at": FETCHED_AT},
            replace=True,
        )


def add_eval(db: Database, model_id: str, *, dataset: str, metric: str, value: float, verified: bool,
             source_url: str | None = None, source_kind: str = "model-index") -> int:
    table = db["eval_results"].insert(
        {"model_id": model_id, "source_kind": source_kind, "task_type": "text-generation",
         "dataset_id": dataset, "dataset_name": dataset, "metric_type": metric, "metric_name": metric,
         "value": value, "value_text": str(value), "verified": int(verified),
         "source_url": source_url or f"https://huggingface.co/{model_id}", "sha": "0" * 40,
         "fetched_at": FETCHED_AT}
    )
    return int(table.last_pk)


def add_capability(db: Database, model_id: str, name: str, description: str, confidence: str = "high",
                   evidence: list[dict[str, Any]] | None = None) -> int:
    table = db["capabilities"].insert(
        {"model_id": model_id, "name": name, "description": description, "confidence": confidence,
         "sha": "0" * 40, "fetched_at": FETCHED_AT}
    )
    capability_id = int(table.last_pk)
    for item in evidence or [{"kind": "api_field", "field": "pipeline_tag", "quote": name}]:
        db["capability_evidence"].insert({"capability_id": capability_id, **item})
    return capability_id
