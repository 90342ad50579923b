"""Model cards → normalized facts with evidence. Pure: no I/O, no clock, never raises.

    result = build_card_result(model_id, status="ok", body=readme_bytes, http_status=200, etag=etag,
                               sha=sha, source_url=url, fetched_at=fetched_at, api=info, children=counts)
    db.card_writer.write_card(conn, result)

`parse_card(text)` is the text-only part (front matter, facts, evals, sections, links, params claim).
`build_card_result` adds what needs more than the text: the byte cap and decoding, the API's eval
results and verified flags, license/task conflicts, the model-name params fallback, capabilities.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ingest.cards.capabilities import INFO_ENDPOINT_FIELDS, build_capabilities
from ingest.cards.decode import MAX_CARD_BYTES, decode_body
from ingest.cards.evals import (
    EVAL_RESULTS,
    MODEL_INDEX,
    hub_verified_flags,
    parse_eval_results,
    parse_model_index,
)
from ingest.cards.front_matter import load_front_matter, split_front_matter
from ingest.cards.links import parse_links
from ingest.cards.metadata import parse_facts
from ingest.cards.params import params_from_model_name, parse_params_claim
from ingest.cards.sections import parse_sections
from ingest.cards.types import (
    Capability,
    CardFacts,
    CardResult,
    EvalRow,
    Evidence,
    Link,
    ParamsClaim,
    ParsedCard,
    Section,
)
from ingest.licenses import canonical_license, license_from_tags

__all__ = [
    "MAX_CARD_BYTES",
    "Capability",
    "CardFacts",
    "CardResult",
    "EvalRow",
    "Evidence",
    "Link",
    "ParamsClaim",
    "ParsedCard",
    "Section",
    "build_card_result",
    "parse_card",
]

STATUSES = frozenset({"ok", "missing", "error"})


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _parse(text: str) -> ParsedCard:
    text = _normalize_newlines(text)
    split = split_front_matter(text)
    front_matter, error = None, split.error
    if split.yaml_text is not None:
        front_matter, error = load_front_matter(split.yaml_text)
    facts = parse_facts(front_matter)
    model_index = front_matter.get("model-index") if front_matter else None
    return ParsedCard(
        front_matter=front_matter,
        parse_error=error,
        body=split.body,
        facts=facts,
        evals=parse_model_index(model_index, card_url=None),
        sections=parse_sections(split.body),
        links=parse_links(split.body),
        params_claim=parse_params_claim(split.body),
    )


def parse_card(text: str) -> ParsedCard:
    """Everything the card text alone says. Never raises: a failure becomes `parse_error`."""
    try:
        return _parse(text if isinstance(text, str) else "")
    except Exception as exc:  # the parser must survive any card; record why instead
        return ParsedCard(
            front_matter=None,
            parse_error=f"card parser failed: {type(exc).__name__}",
            body="",
            facts=CardFacts(),
            evals=(),
            sections=(),
            links=(),
            params_claim=None,
        )


_NO_CARD = ParsedCard(
    front_matter=None,
    parse_error=None,
    body="",
    facts=CardFacts(),
    evals=(),
    sections=(),
    links=(),
    params_claim=None,
)


def _license_conflict(facts: CardFacts, api: dict[str, Any]) -> dict[str, str]:
    """Canonical license by source, when the sources disagree; empty when they agree."""
    tags = [t for t in _list(api.get("tags")) if isinstance(t, str)]
    card_data = api.get("cardData") if isinstance(api.get("cardData"), dict) else {}
    by_source = {
        "card": facts.license,
        "tags": license_from_tags(tags),
        "cardData": canonical_license(card_data.get("license")),
    }
    present = {source: value for source, value in by_source.items() if value is not None}
    return present if len(set(present.values())) > 1 else {}


def _field_conflict(card_value: str | None, api_value: Any) -> dict[str, str]:
    if card_value and isinstance(api_value, str) and api_value and api_value != card_value:
        return {"card": card_value, "api": api_value}
    return {}


def _conflicts(facts: CardFacts, api: dict[str, Any]) -> dict[str, dict[str, Any]]:
    conflicts = {
        "license": _license_conflict(facts, api),
        "pipeline_tag": _field_conflict(facts.pipeline_tag, api.get("pipeline_tag")),
        "library_name": _field_conflict(facts.library_name, api.get("library_name")),
    }
    return {field: values for field, values in conflicts.items() if values}


def _card_evals(
    parsed: ParsedCard, api: dict[str, Any], source_url: str, model_id: str, sha: str | None
) -> tuple[EvalRow, ...]:
    """model-index rows (card URL as default source, the Hub's verified flags) then evalResults rows."""
    model_index = parsed.front_matter.get("model-index") if parsed.front_matter else None
    card_rows = parse_model_index(
        model_index, card_url=source_url, verified_flags=hub_verified_flags(api.get("model-index"))
    )
    return card_rows + parse_eval_results(api.get("evalResults"), model_id=model_id, sha=sha)


def _build(
    model_id: str,
    status: str,
    body: bytes | None,
    http_status: int | None,
    etag: str | None,
    sha: str | None,
    source_url: str,
    fetched_at: str,
    api: dict | None,
    children: dict[str, int] | None,
) -> CardResult:
    api = api if isinstance(api, dict) else {}
    text = size = None
    truncated = replaced = False
    parsed = _NO_CARD
    if status == "ok" and isinstance(body, bytes | bytearray):
        decoded = decode_body(bytes(body))
        text, size, truncated, replaced = (
            decoded.text,
            decoded.size_bytes,
            decoded.truncated,
            decoded.decode_replaced,
        )
        parsed = parse_card(text)
    evals = _card_evals(parsed, api, source_url, model_id, sha)
    params_claim = parsed.params_claim or params_from_model_name(model_id)
    capabilities = build_capabilities(
        model_id=model_id,
        facts=parsed.facts,
        api=api,
        evals=evals,
        sections=parsed.sections,
        children=children,
        card_url=source_url,
    )
    return CardResult(
        model_id=model_id,
        status=status if status in STATUSES else "error",
        http_status=http_status,
        etag=etag,
        sha=sha,
        source_url=source_url,
        fetched_at=fetched_at,
        text=text,
        size_bytes=size,
        truncated=truncated,
        decode_replaced=replaced,
        parse_error=parsed.parse_error,
        front_matter=parsed.front_matter,
        facts=parsed.facts,
        params_claim=params_claim,
        conflicts=_conflicts(parsed.facts, api),
        evals=evals,
        links=parsed.links,
        sections=parsed.sections,
        capabilities=capabilities,
        api_eval_results_known=EVAL_RESULTS in api,
        api_model_index_known=MODEL_INDEX in api,
        api_info_fields_known=frozenset(field for field in INFO_ENDPOINT_FIELDS if field in api),
    )


def build_card_result(
    model_id: str,
    *,
    status: str,
    body: bytes | None,
    http_status: int | None,
    etag: str | None,
    sha: str | None,
    source_url: str,
    fetched_at: str,
    api: dict | None = None,
    children: dict[str, int] | None = None,
    too_large: bool = False,
) -> CardResult:
    """Everything `write_card` stores for one model's README. Pure and never raises.

    `status` is 'ok' (body present), 'missing' (404 EntryNotFound) or 'error'. `api` is the raw Hub
    dict for the model (list item or info body); `children` the derivative counts by relation.
    Without a body, the API-derived capabilities and the model-name params claim are still built.
    `too_large`: the download was abandoned over the size cap; the error is stored with `truncated`.
    """
    try:
        result = _build(model_id, status, body, http_status, etag, sha, source_url, fetched_at, api, children)
        return replace(result, truncated=True) if too_large and result.status == "error" else result
    except Exception as exc:  # a bug here must not stop a crawl: store the card row and the reason
        return CardResult(
            model_id=model_id,
            status=status if status in STATUSES else "error",
            http_status=http_status,
            etag=etag,
            sha=sha,
            source_url=source_url,
            fetched_at=fetched_at,
            text=None,
            size_bytes=len(body) if isinstance(body, bytes | bytearray) else None,
            truncated=False,
            decode_replaced=False,
            parse_error=f"card processing failed: {type(exc).__name__}",
            front_matter=None,
        )


def _list(value: object) -> list:
    """`value` when the API gave a list, else nothing (a malformed field must not discard the card)."""
    return value if isinstance(value, list) else []
