"""Pure functions that cut a stored record into the bodies the Hub serves (no I/O, no store)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from fakehub.fields import (
    EXPAND_ONLY_KEYS,
    LIST_DEFAULT_ORDER,
    LIST_FULL_ORDER,
    RECORD_ORDER,
    SPACES_CAP,
)

_EXPAND_ONLY = frozenset(EXPAND_ONLY_KEYS)


_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def dumps(value: Any) -> bytes:
    """Serialize like the Hub: compact, UTF-8, no ASCII escaping (reproduces recorded bodies)."""
    return _ENCODER.encode(value).encode("utf-8")


def info_view(record: dict) -> dict:
    """Default GET /api/models/{id} body: every stored key except the expand-only ones."""
    view = {key: value for key, value in record.items() if key not in _EXPAND_ONLY}
    if isinstance(view.get("spaces"), list):
        view["spaces"] = view["spaces"][:SPACES_CAP]
    return view


def list_default_view(record: dict) -> dict:
    """Default list item (hf-api.md §2.1): unknown pipeline_tag/library_name are omitted."""
    return _pick(record, LIST_DEFAULT_ORDER)


def list_full_view(record: dict, *, config: bool = False, card_data: bool = False) -> dict:
    """List item for full=true (§2.2), optionally with config/cardData; siblings carry names only."""
    view = _pick(record, LIST_FULL_ORDER)
    if "siblings" in view:
        view["siblings"] = [{"rfilename": sibling["rfilename"]} for sibling in view["siblings"]]
    if config and "config" in record:
        view["config"] = record["config"]
    if card_data and "cardData" in record:
        view["cardData"] = record["cardData"]
    return view


def list_flags_view(record: dict, *, config: bool, card_data: bool) -> dict:
    """Default list item plus config and/or cardData (config=true, cardData=true without full)."""
    view = list_default_view(record)
    if config and "config" in record:
        view["config"] = record["config"]
    if card_data and "cardData" in record:
        view["cardData"] = record["cardData"]
    return view


def expanded_view(record: dict, fields: Iterable[str], derived: dict | None = None, *, listing: bool) -> dict:
    """Only `_id`, `id` and the requested fields (absent ones omitted), in the Hub's key order.

    `derived` holds values computed from other models (baseModels, childrenModelCount).
    In list responses `inferenceProviderMapping` is a list, not a dict keyed by provider (§2.3)."""
    view = {"_id": record["_id"], "id": record["id"]}
    for key in expand_order(frozenset(fields)):
        if key in record:
            value = record[key]
        elif derived and key in derived:
            value = derived[key]
        else:
            continue
        if key == "spaces" and isinstance(value, list):
            value = value[:SPACES_CAP]
        elif key == "inferenceProviderMapping" and listing and isinstance(value, dict):
            value = provider_mapping_as_list(record["id"], value)
        view[key] = value
    return view


@lru_cache(maxsize=256)
def expand_order(fields: frozenset[str]) -> tuple[str, ...]:
    """The requested fields in the Hub's key order (computed once per expand set)."""
    return tuple(sorted(fields - {"_id", "id"}, key=_record_rank))


def provider_mapping_as_list(model_id: str, mapping: dict) -> list[dict]:
    """inferenceProviderMapping as list responses carry it (JS ApiModelInferenceProviderMappingEntry)."""
    return [{"provider": provider, "hfModelId": model_id, **entry} for provider, entry in mapping.items()]


_RANKS = {key: rank for rank, key in enumerate(RECORD_ORDER)}


def _record_rank(key: str) -> tuple[int, str]:
    return (_RANKS.get(key, len(_RANKS)), key)


def _pick(record: dict, keys: Iterable[str]) -> dict:
    return {key: record[key] for key in keys if key in record}
