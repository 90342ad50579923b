"""The normalized shape of one model's facts, as every writer and reader downstream sees it.

`ModelFacts` is what `ingest.listing.normalize_model` returns for a list item or a
`GET /api/models/{id}` body. Absent data is `None` (never "", "None" or 0): a field the Hub did
not send is a field we do not know.
"""

from __future__ import annotations

from dataclasses import dataclass

# Relations the Hub writes into `base_model:<relation>:<id>` tags and `baseModels.relation`.
KNOWN_RELATIONS = frozenset({"finetune", "adapter", "quantized", "merge"})
UNKNOWN_RELATION = "unknown"
# The info endpoint's `spaces` list stops at this many entries (hf-api.md §1.6), so a stored
# `spaces_count` of this value is a floor, not a count.
HUB_SPACES_LIST_LIMIT = 100


@dataclass(frozen=True, slots=True)
class Edge:
    """`parent_id` is a base model of the model that carries this edge."""

    parent_id: str
    relation: str  # finetune | adapter | quantized | merge | unknown
    source: str  # 'tags' | 'api.baseModels'


@dataclass(frozen=True, slots=True)
class ModelFacts:
    model_id: str
    hub_oid: str | None
    author: str | None
    sha: str | None
    pipeline_tag: str | None
    library_name: str | None
    license: str | None
    license_name: str | None
    license_link: str | None
    license_source: str | None  # 'cardData' | 'tags'
    params: int | None
    params_source: str | None  # 'safetensors.total' | 'gguf.total'
    gated: str | None  # 'no' | 'auto' | 'manual'
    private: bool | None
    disabled: bool | None
    inference: str | None
    created_at: str | None  # UTC 'YYYY-MM-DDTHH:MM:SSZ'
    last_modified: str | None
    downloads: int | None  # rolling 30 days
    downloads_all_time: int | None
    likes: int | None
    trending_score: float | None
    tags: tuple[str, ...]
    edges: tuple[Edge, ...]
    spaces: tuple[str, ...] | None  # only when the response had `spaces` (info endpoint)
    children: dict[str, int] | None  # childrenModelCount by relation (info endpoint)
    source_url: str
    fetched_at: str
    # True when the body carried `baseModels` (even empty or null): its API edges are then the whole
    # current set and replace the stored ones. List items and `expand=` subsets without the key say
    # nothing about them.
    base_models_known: bool = False
