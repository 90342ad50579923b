"""Store one model card's facts: every card-derived row of the model, replaced in one transaction.

    result = ingest.cards.build_card_result(...)
    write_card(conn, result)                      # cards, card_metadata, fact_conflicts, eval_results,
                                                  # card_links, card_sections, capabilities + evidence
    mark_card_not_modified(conn, model_id, sha=sha, fetched_at=now)   # after a 304 to If-None-Match

Rows carry provenance: the model `sha` the card was read at and `fetched_at`; eval rows and evidence
carry their `source_url`. Capability evidence of kind 'eval_result' points at the new eval rows, so
a capability can be traced to its benchmark row with one join (see docs/cards.md).
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from typing import Any

from ingest.cards import CardResult, EvalRow, Evidence
from ingest.cards.capabilities import INFO_ENDPOINT_FIELDS

# params_source values a card may replace; API-derived counts ('safetensors.total', 'gguf.total') win.
CARD_PARAM_SOURCES = ("card_text", "model_name")

_ZLIB_LEVEL = 6

# Child tables first, so foreign keys hold at every step.
_CARD_TABLES = (
    "capability_evidence",
    "capabilities",
    "eval_results",
    "card_links",
    "card_sections",
    "fact_conflicts",
    "card_metadata",
    "cards",
)


def _json(value: Any) -> str | None:
    """JSON text for lists and mappings; None stays NULL (never '[]' or 'null' for absent data)."""
    if value is None:
        return None
    return json.dumps(list(value) if isinstance(value, tuple) else value, ensure_ascii=False)


def _delete_card_rows(conn: sqlite3.Connection, model_id: str) -> None:
    for table in _CARD_TABLES:
        if table == "capability_evidence":
            conn.execute(
                "DELETE FROM capability_evidence WHERE capability_id IN "
                "(SELECT capability_id FROM capabilities WHERE model_id = ?)",
                (model_id,),
            )
        else:
            conn.execute(f"DELETE FROM {table} WHERE model_id = ?", (model_id,))


def _insert(conn: sqlite3.Connection, table: str, row: dict[str, Any], *, or_ignore: bool = False) -> int:
    """INSERT one row given as {column: value}; returns its rowid."""
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    verb = "INSERT OR IGNORE" if or_ignore else "INSERT"
    cursor = conn.execute(f"{verb} INTO {table} ({columns}) VALUES ({marks})", tuple(row.values()))
    return int(cursor.lastrowid or 0)


def _provenance(r: CardResult) -> dict[str, Any]:
    return {"sha": r.sha, "fetched_at": r.fetched_at}


def _card_row(r: CardResult) -> dict[str, Any]:
    return {
        "model_id": r.model_id,
        "status": r.status,
        "etag": r.etag,
        "source_url": r.source_url,
        "http_status": r.http_status,
        "size_bytes": r.size_bytes,
        "truncated": int(r.truncated),
        "decode_replaced": int(r.decode_replaced),
        "text_zlib": zlib.compress(r.text.encode("utf-8"), _ZLIB_LEVEL) if r.text is not None else None,
        "parse_error": r.parse_error,
        "front_matter": _json(r.front_matter),
        **_provenance(r),
    }


def _metadata_row(r: CardResult) -> dict[str, Any]:
    facts, claim = r.facts, r.params_claim
    return {
        "model_id": r.model_id,
        "license": facts.license,
        "license_name": facts.license_name,
        "license_link": facts.license_link,
        "base_models": _json(facts.base_models),
        "base_model_relation": facts.base_model_relation,
        "datasets": _json(facts.datasets),
        "languages": _json(facts.languages),
        "pipeline_tag": facts.pipeline_tag,
        "library_name": facts.library_name,
        "tags": _json(facts.tags),
        "gating": _json(facts.gating),
        "params_claim": claim.value if claim else None,
        "params_claim_source": claim.source if claim else None,
        "params_claim_evidence": claim.evidence if claim else None,
        **_provenance(r),
    }


def _eval_row(r: CardResult, e: EvalRow) -> dict[str, Any]:
    return {
        "model_id": r.model_id,
        "source_kind": e.source_kind,
        "task_type": e.task_type,
        "task_name": e.task_name,
        "dataset_id": e.dataset_id,
        "dataset_name": e.dataset_name,
        "dataset_config": e.dataset_config,
        "dataset_split": e.dataset_split,
        "metric_type": e.metric_type,
        "metric_name": e.metric_name,
        "value": e.value,
        "value_text": e.value_text,
        "verified": e.verified,
        "source_name": e.source_name,
        "source_url": e.source_url,
        **_provenance(r),
    }


# What identifies one metric when the Hub's verified flag is carried over (ingest.cards.evals._result_key).
_METRIC_KEY = ("task_type", "dataset_id", "dataset_config", "dataset_split", "metric_type", "value_text")


def _rows(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def _kept_api_evals(conn: sqlite3.Connection, r: CardResult) -> list[dict[str, Any]]:
    """Stored evalResults rows to keep (with their eval_id): the API dict did not carry `evalResults`
    (a list item)."""
    if r.api_eval_results_known:
        return []
    return _rows(conn.execute(
        "SELECT * FROM eval_results WHERE model_id = ? AND source_kind = 'evalResults' ORDER BY eval_id",
        (r.model_id,),
    ))


def _stored_capabilities(conn: sqlite3.Connection, model_id: str) -> list[tuple[dict, list[dict]]]:
    """The model's stored capabilities, each with its evidence rows (two queries, not one per capability)."""
    capabilities = _rows(conn.execute(
        "SELECT * FROM capabilities WHERE model_id = ? ORDER BY capability_id", (model_id,)))
    evidence: dict[int, list[dict]] = {}
    for row in _rows(conn.execute(
        "SELECT e.* FROM capability_evidence e JOIN capabilities c USING (capability_id) "
        "WHERE c.model_id = ? ORDER BY e.rowid", (model_id,),
    )):
        evidence.setdefault(row["capability_id"], []).append(row)
    return [(capability, evidence.get(capability["capability_id"], [])) for capability in capabilities]


def _kept_capabilities(conn: sqlite3.Connection, r: CardResult,
                       kept_eval_ids: list[int]) -> list[tuple[dict, list[dict]]]:
    """Stored capabilities the new result cannot rebuild: those citing kept eval rows, and those resting
    only on info-endpoint fields its API dict did not carry (unless it has one of the same name)."""
    unknown = set(INFO_ENDPOINT_FIELDS) - r.api_info_fields_known
    rebuilt = {capability.name for capability in r.capabilities}

    def keep(capability: dict, evidence: list[dict]) -> bool:
        if any(item["eval_id"] in kept_eval_ids for item in evidence):
            return True
        roots = {(item["field"] or "").split(".")[0] for item in evidence}
        return capability["name"] not in rebuilt and bool(evidence) and roots <= unknown

    return [(c, e) for c, e in _stored_capabilities(conn, r.model_id) if keep(c, e)]


def _insert_kept(conn: sqlite3.Connection, evals: list[dict[str, Any]],
                 capabilities: list[tuple[dict, list[dict]]]) -> None:
    """Kept eval rows and capabilities, as stored (their own sha and fetched_at: the commit they were
    read at), with new ids; evidence citing a kept eval row cites its new id."""
    new_ids = {row["eval_id"]: _insert(conn, "eval_results", {k: v for k, v in row.items() if k != "eval_id"})
               for row in evals}
    for capability, evidence in capabilities:
        capability_id = _insert(conn, "capabilities",
                                {k: v for k, v in capability.items() if k != "capability_id"})
        for item in evidence:
            _insert(conn, "capability_evidence",
                    {**item, "capability_id": capability_id, "eval_id": new_ids.get(item["eval_id"])})


def _kept_verified_flags(conn: sqlite3.Connection, r: CardResult) -> dict[tuple, int]:
    """The Hub's stored verified flags by metric, when the API dict did not carry its `model-index`."""
    if r.api_model_index_known:
        return {}
    rows = conn.execute(
        f"SELECT {', '.join(_METRIC_KEY)}, verified FROM eval_results "
        "WHERE model_id = ? AND source_kind = 'model-index' AND verified IS NOT NULL",
        (r.model_id,),
    )
    return {tuple(row[:-1]): row[-1] for row in rows}


def _eval_row_keeping_flag(r: CardResult, e: EvalRow, flags: dict[tuple, int]) -> dict[str, Any]:
    row = _eval_row(r, e)
    if row["verified"] is None and e.source_kind == "model-index":
        row["verified"] = flags.get(tuple(row[name] for name in _METRIC_KEY))
    return row


def _insert_rows(conn: sqlite3.Connection, r: CardResult, flags: dict[tuple, int]) -> list[int]:
    """Every card-derived row except capabilities; returns eval_ids (index i ↔ r.evals[i])."""
    _insert(conn, "cards", _card_row(r))
    _insert(conn, "card_metadata", _metadata_row(r))
    for field, values in sorted(r.conflicts.items()):
        row = {"model_id": r.model_id, "field": field, "values_by_source": _json(values), **_provenance(r)}
        _insert(conn, "fact_conflicts", row)
    eval_ids = [_insert(conn, "eval_results", _eval_row_keeping_flag(r, e, flags)) for e in r.evals]
    for link in r.links:
        row = {"model_id": r.model_id, "kind": link.kind, "url": link.url, "target": link.target}
        _insert(conn, "card_links", {**row, **_provenance(r)}, or_ignore=True)
    for s in r.sections:
        row = {"model_id": r.model_id, "ord": s.ord, "level": s.level, "heading": s.heading, "path": s.path}
        _insert(conn, "card_sections", {**row, "text": s.text, **_provenance(r)})
    return eval_ids


def _evidence_row(capability_id: int, item: Evidence, eval_ids: list[int]) -> dict[str, Any]:
    index = item.eval_index
    return {
        "capability_id": capability_id,
        "kind": item.kind,
        "source_url": item.source_url,
        "field": item.field,
        "section": item.section,
        "quote": item.quote,
        "eval_id": eval_ids[index] if index is not None and index < len(eval_ids) else None,
    }


def _insert_capabilities(conn: sqlite3.Connection, r: CardResult, eval_ids: list[int]) -> None:
    for capability in r.capabilities:
        row = {"model_id": r.model_id, "name": capability.name, "description": capability.description}
        capability_id = _insert(
            conn, "capabilities", {**row, "confidence": capability.confidence, **_provenance(r)}
        )
        for item in capability.evidence:
            _insert(conn, "capability_evidence", _evidence_row(capability_id, item, eval_ids))


def _update_model_params(
    conn: sqlite3.Connection, r: CardResult, params: int | None, source: str | None
) -> None:
    """Card claims fill models.params only where the API gave no count; a vanished claim is cleared."""
    if params is not None and source not in CARD_PARAM_SOURCES:
        return  # 'safetensors.total' / 'gguf.total': the weights themselves say, never overwrite
    claim = r.params_claim
    conn.execute(
        "UPDATE models SET params = ?, params_source = ? WHERE model_id = ?",
        (claim.value if claim else None, claim.source if claim else None, r.model_id),
    )


def _has_good_card(conn: sqlite3.Connection, model_id: str) -> bool:
    row = conn.execute("SELECT status FROM cards WHERE model_id = ?", (model_id,)).fetchone()
    return row is not None and row[0] == "ok"


def _record_failed_attempt(conn: sqlite3.Connection, result: CardResult) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO card_fetch_errors (model_id, sha, http_status, too_large, attempted_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (result.model_id, result.sha, result.http_status, int(result.truncated), result.fetched_at),
    )


def write_card(conn: sqlite3.Connection, result: CardResult) -> None:
    """Replace every card-derived row of `result.model_id` in one transaction.

    The models row must exist (the crawler writes it first); without it nothing is written.
    Stored `evalResults` rows and the Hub's verified flags survive a result whose API dict did not
    carry `evalResults` / `model-index` (a card refreshed from a list item; only the info endpoint
    sends them), and so do the capabilities citing those rows and those resting only on fields of the
    info endpoint; a flag is kept only for a metric whose value is unchanged.
    A result with status 'error' (the README could not be fetched) does not replace a stored 'ok'
    card: the stored card keeps its old `sha`, and the attempt goes to `card_fetch_errors`, from which
    the crawler decides when to ask again (crawler.pipelines.sqlite_writer.card_is_due).
    """
    with conn:
        model = conn.execute(
            "SELECT params, params_source FROM models WHERE model_id = ?", (result.model_id,)
        ).fetchone()
        if model is None:
            return
        if result.status == "error" and _has_good_card(conn, result.model_id):
            _record_failed_attempt(conn, result)  # a failed fetch never destroys a good card
            return
        conn.execute("DELETE FROM card_fetch_errors WHERE model_id = ?", (result.model_id,))
        kept_evals = _kept_api_evals(conn, result)
        kept_capabilities = _kept_capabilities(conn, result, [row["eval_id"] for row in kept_evals])
        flags = _kept_verified_flags(conn, result)
        _delete_card_rows(conn, result.model_id)
        eval_ids = _insert_rows(conn, result, flags)
        _insert_kept(conn, kept_evals, kept_capabilities)
        _insert_capabilities(conn, result, eval_ids)
        _update_model_params(conn, result, model[0], model[1])


def mark_card_not_modified(
    conn: sqlite3.Connection, model_id: str, *, sha: str | None, fetched_at: str
) -> None:
    """After a 304 to If-None-Match: the stored card is current for `sha`.

    Only cards.sha and cards.fetched_at change, so the next crawl knows it need not ask again.
    """
    with conn:
        conn.execute(
            "UPDATE cards SET sha = ?, fetched_at = ? WHERE model_id = ?", (sha, fetched_at, model_id)
        )
        conn.execute("DELETE FROM card_fetch_errors WHERE model_id = ?", (model_id,))
