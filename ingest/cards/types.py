"""Plain data carried from the card parser to the writer. Frozen dataclasses: no I/O, no behaviour."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Confidence levels, from the kind of evidence behind a capability (see docs/cards.md).
HIGH = "high"
MEDIUM = "medium"
LOW = "low"


@dataclass(frozen=True)
class Section:
    """One node of the card's heading tree: its own text, not its children's."""

    ord: int
    level: int  # 0 for text before the first heading
    heading: str | None
    path: str  # 'Uses > Direct Use'
    text: str  # readable text, HTML stripped


@dataclass(frozen=True)
class Link:
    kind: str  # 'github' | 'arxiv' | 'paper' | 'project' | 'space'
    url: str
    target: str | None  # owner/repo, arXiv id, space id, DOI


@dataclass(frozen=True)
class EvalRow:
    """One metric of one benchmark result, with where the claim came from."""

    source_kind: str  # 'model-index' | 'evalResults'
    task_type: str | None
    task_name: str | None
    dataset_id: str | None
    dataset_name: str | None
    dataset_config: str | None
    dataset_split: str | None
    metric_type: str | None
    metric_name: str | None
    value: float | None
    value_text: str | None
    verified: int | None  # 1 verified by the Hub, 0 not verified, None unknown
    source_name: str | None
    source_url: str | None


@dataclass(frozen=True)
class ParamsClaim:
    value: int
    source: str  # 'card_text' | 'model_name'
    evidence: str  # the sentence (or the name) the number was read from


@dataclass(frozen=True)
class Evidence:
    kind: str  # 'api_field' | 'card_section' | 'eval_result' | 'model_tree' | 'inference'
    source_url: str | None = None
    field: str | None = None
    section: str | None = None
    quote: str | None = None
    eval_index: int | None = None  # index into CardResult.evals; the writer turns it into eval_id


@dataclass(frozen=True)
class Capability:
    name: str
    description: str
    confidence: str  # HIGH | MEDIUM | LOW
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class CardFacts:
    """Facts read from the front matter (None when the card does not say)."""

    license: str | None = None
    license_name: str | None = None
    license_link: str | None = None
    base_models: tuple[str, ...] | None = None
    base_model_relation: str | None = None
    datasets: tuple[str, ...] | None = None
    languages: tuple[str, ...] | None = None
    pipeline_tag: str | None = None
    library_name: str | None = None
    tags: tuple[str, ...] | None = None
    gating: dict[str, Any] | None = None


@dataclass(frozen=True)
class ParsedCard:
    """Everything read from the card text alone."""

    front_matter: dict[str, Any] | None
    parse_error: str | None
    body: str
    facts: CardFacts
    evals: tuple[EvalRow, ...]
    sections: tuple[Section, ...]
    links: tuple[Link, ...]
    params_claim: ParamsClaim | None  # from the text only; the model-name fallback needs the id


@dataclass(frozen=True)
class CardResult:
    """Everything `db.card_writer.write_card` stores for one model's card."""

    model_id: str
    status: str  # 'ok' | 'missing' | 'error'
    http_status: int | None
    etag: str | None
    sha: str | None
    source_url: str
    fetched_at: str
    text: str | None  # the (possibly capped) decoded text; the writer compresses it
    size_bytes: int | None  # as served, before the cap
    truncated: bool
    decode_replaced: bool
    parse_error: str | None
    front_matter: dict[str, Any] | None
    facts: CardFacts = field(default_factory=CardFacts)
    params_claim: ParamsClaim | None = None
    conflicts: dict[str, dict[str, Any]] = field(default_factory=dict)  # field -> {source: value}
    evals: tuple[EvalRow, ...] = ()
    links: tuple[Link, ...] = ()
    sections: tuple[Section, ...] = ()
    capabilities: tuple[Capability, ...] = ()
    # Whether the API dict carried `evalResults` / `model-index` (even empty). Only the info endpoint
    # sends them; a card refreshed from a list item says nothing about either, so the writer keeps the
    # stored evalResults rows and the Hub's verified flags instead of erasing them.
    api_eval_results_known: bool = False
    api_model_index_known: bool = False
    # Which INFO_ENDPOINT_FIELDS (ingest.cards.capabilities) the API dict carried, even empty: the stored
    # capabilities resting only on the others are kept (a card refreshed from a list item).
    api_info_fields_known: frozenset[str] = frozenset()
