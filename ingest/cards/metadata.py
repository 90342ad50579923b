"""Front-matter facts: license, base models, datasets, languages, task, library, tags, gating.

Each `_parse_<field>` takes the front-matter mapping and returns the normalized value or None.
Values that are not what the spec allows (a number where a string belongs, empty strings) are
dropped rather than guessed at.
"""

from __future__ import annotations

from typing import Any

from ingest.cards.types import CardFacts
from ingest.licenses import canonical_license

_BASE_MODEL_RELATIONS = frozenset({"adapter", "merge", "quantized", "finetune"})
_GATING_KEYS = ("gated",)
_GATING_PREFIX = "extra_gated_"


def _clean_str(value: Any) -> str | None:
    """A non-empty stripped string, or None."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def _str_list(value: Any) -> tuple[str, ...] | None:
    """A string or list of strings → tuple of unique non-empty strings in order; None when empty."""
    items = value if isinstance(value, list) else [value]
    seen: dict[str, None] = {}
    for item in items:
        text = _clean_str(item)
        if text is not None:
            seen.setdefault(text, None)
    return tuple(seen) or None


def _parse_license(fm: dict[str, Any]) -> str | None:
    """The canonical license id. A list of licenses keeps the first (the Hub shows the first)."""
    raw = fm.get("license")
    if isinstance(raw, list):
        raw = next((item for item in raw if _clean_str(item)), None)
    raw = _clean_str(raw)
    return canonical_license(raw) if raw else None


def _parse_license_name(fm: dict[str, Any]) -> str | None:
    return _clean_str(fm.get("license_name"))


def _parse_license_link(fm: dict[str, Any]) -> str | None:
    return _clean_str(fm.get("license_link"))


def _parse_base_models(fm: dict[str, Any]) -> tuple[str, ...] | None:
    return _str_list(fm.get("base_model"))


def _parse_base_model_relation(fm: dict[str, Any]) -> str | None:
    relation = _clean_str(fm.get("base_model_relation"))
    return relation.lower() if relation and relation.lower() in _BASE_MODEL_RELATIONS else None


def _parse_datasets(fm: dict[str, Any]) -> tuple[str, ...] | None:
    return _str_list(fm.get("datasets"))


def _parse_languages(fm: dict[str, Any]) -> tuple[str, ...] | None:
    """`language` is the spec's key; `languages` is a common misspelling the Hub ignores but we read."""
    value = fm.get("language")
    if _str_list(value) is None:
        value = fm.get("languages")
    return _str_list(value)


def _parse_pipeline_tag(fm: dict[str, Any]) -> str | None:
    return _clean_str(fm.get("pipeline_tag"))


def _parse_library_name(fm: dict[str, Any]) -> str | None:
    """`library_name`, else the non-standard `library_tag` some older cards use."""
    return _clean_str(fm.get("library_name")) or _clean_str(fm.get("library_tag"))


def _parse_tags(fm: dict[str, Any]) -> tuple[str, ...] | None:
    return _str_list(fm.get("tags"))


def _parse_gating(fm: dict[str, Any]) -> dict[str, Any] | None:
    """`gated` and every `extra_gated_*` field, values as written (already JSON-safe)."""
    gating = {
        key: value
        for key, value in fm.items()
        if (key in _GATING_KEYS or key.startswith(_GATING_PREFIX)) and value not in (None, "")
    }
    return dict(sorted(gating.items())) or None


def parse_facts(fm: dict[str, Any] | None) -> CardFacts:
    """All front-matter facts; an absent or unparsable front matter gives an empty CardFacts."""
    if not fm:
        return CardFacts()
    return CardFacts(
        license=_parse_license(fm),
        license_name=_parse_license_name(fm),
        license_link=_parse_license_link(fm),
        base_models=_parse_base_models(fm),
        base_model_relation=_parse_base_model_relation(fm),
        datasets=_parse_datasets(fm),
        languages=_parse_languages(fm),
        pipeline_tag=_parse_pipeline_tag(fm),
        library_name=_parse_library_name(fm),
        tags=_parse_tags(fm),
        gating=_parse_gating(fm),
    )
