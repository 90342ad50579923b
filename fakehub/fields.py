"""Which keys the Hub sends, in which order, for each kind of response (hf-api.md §1.1, §2.1–§2.3)."""

from __future__ import annotations

# Every valid `expand` value for models: huggingface_hub's ExpandModelProperty_T (hf-api.md §1.1),
# plus `gitalyUid` and `xetEnabled`, which other official clients send.
EXPAND_VALUES: frozenset[str] = frozenset(
    {
        "author", "baseModels", "cardData", "childrenModelCount", "config", "createdAt", "disabled",
        "downloads", "downloadsAllTime", "evalResults", "gated", "gguf", "inference",
        "inferenceProviderMapping", "lastModified", "library_name", "likes", "mask_token", "model-index",
        "pipeline_tag", "private", "resourceGroup", "safetensors", "sha", "siblings", "spaces", "tags",
        "transformersInfo", "trendingScore", "usedStorage", "widgetData", "gitalyUid", "xetEnabled",
    }
)  # fmt: skip

# The real Hub refuses these on GET /api/models (huggingface_hub PR #3182); accepted unless strict.
INFO_ONLY_EXPAND: frozenset[str] = frozenset({"baseModels", "childrenModelCount", "usedStorage"})

# Key order of a default GET /api/models/{id} body, as served (34 recorded samples).
# `inference` floats in real bodies; a record whose keys are already in this order keeps its own
# `inference` position, so real samples are served byte for byte.
INFO_ORDER: tuple[str, ...] = (
    "_id", "id", "private", "pipeline_tag", "library_name", "tags", "downloads", "likes", "modelId",
    "author", "sha", "lastModified", "gated", "disabled", "mask_token", "widgetData", "model-index",
    "config", "cardData", "transformersInfo", "siblings", "spaces", "createdAt", "safetensors", "gguf",
    "inference", "usedStorage",
)  # fmt: skip

# Keys the Hub only sends when asked for with `expand` (never in a default info body).
EXPAND_ONLY_KEYS: tuple[str, ...] = (
    "downloadsAllTime", "trendingScore", "inferenceProviderMapping", "evalResults", "baseModels",
    "childrenModelCount", "resourceGroup", "gitalyUid", "xetEnabled",
)  # fmt: skip

RECORD_ORDER: tuple[str, ...] = INFO_ORDER + EXPAND_ONLY_KEYS
_RANK: dict[str, int] = {key: rank for rank, key in enumerate(RECORD_ORDER)}

# Default list item (no expand/full/config/cardData), hf-api.md §2.1.
LIST_DEFAULT_ORDER: tuple[str, ...] = (
    "_id", "id", "likes", "trendingScore", "private", "downloads", "tags", "pipeline_tag",
    "library_name", "createdAt", "modelId",
)  # fmt: skip

# List item with full=true, hf-api.md §2.2 (config/cardData appended when asked for).
LIST_FULL_ORDER: tuple[str, ...] = (
    "_id", "id", "author", "gated", "lastModified", "likes", "trendingScore", "private", "sha",
    "downloads", "tags", "pipeline_tag", "library_name", "createdAt", "modelId", "siblings",
)  # fmt: skip

SORT_FIELDS: frozenset[str] = frozenset({"downloads", "likes", "lastModified", "createdAt", "trendingScore"})
DEFAULT_SORT = "trendingScore"
# Client spellings that huggingface_hub maps to API names.
SORT_ALIASES: dict[str, str] = {
    "last_modified": "lastModified",
    "created_at": "createdAt",
    "trending_score": "trendingScore",
}

SPACES_CAP = 100  # the info body lists at most 100 Spaces (hf-api.md §1.6)


def canonical_order(record: dict) -> dict:
    """Return `record` with its keys in the Hub's order. Records already in order are returned as is
    (ignoring `inference`, whose position varies in real bodies); unknown keys go last."""
    ranks = [_RANK[key] for key in record if key in _RANK and key != "inference"]
    known = [key in _RANK for key in record]
    unknown_at_end = known == sorted(known, reverse=True)
    if ranks == sorted(ranks) and unknown_at_end:
        return record
    ordered = [key for key in RECORD_ORDER if key in record]
    ordered += [key for key in record if key not in _RANK]
    return {key: record[key] for key in ordered}
