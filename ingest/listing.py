"""Normalize Hub API bodies (list items and `GET /api/models/{id}`) into `ModelFacts`.

Pure: no I/O, no clock; `fetched_at` and `source_url` are passed in. Every field has its own small
`_parse_<field>` helper so that each rule is tested on its own. The same function handles the
default list item, `full=true` items, full model-info bodies and `expand` subsets (which carry only
`_id`, `id` and the requested keys): whatever is absent is None.
"""

from __future__ import annotations

from operator import methodcaller

from ingest.edges import BASE_MODEL_TAG_PREFIX, edges_from_base_models, edges_from_tags
from ingest.jsonbody import decode_json
from ingest.licenses import canonical_license, license_from_tags
from ingest.model import ModelFacts
from ingest.params import count, parse_params, score
from ingest.timestamps import parse_timestamp

_GATED_VALUES = frozenset({"auto", "manual"})
_is_base_model_tag = methodcaller("startswith", BASE_MODEL_TAG_PREFIX)


def normalize_model(raw: dict, *, source_url: str, fetched_at: str) -> ModelFacts:
    """One API object → ModelFacts. Raises ValueError only when there is no usable id."""
    if not isinstance(raw, dict):
        raise ValueError(f"model item is a {type(raw).__name__}, not an object")
    get = raw.get  # bound once: this runs for every list item
    model_id = _parse_model_id(raw)
    tags = _parse_tags(get("tags"))
    # Only `prefix:value` tags can name a license or a base model: scan those few, not all tags.
    prefixed = [tag for tag in tags if ":" in tag]
    card_data = get("cardData")
    if not isinstance(card_data, dict):
        card_data = None
    license_, license_source = _parse_license(card_data, prefixed)
    params, params_source = parse_params(raw)
    # Most models have no base model: skip building edges unless a tag names one.
    edges = edges_from_tags(prefixed, model_id) if any(map(_is_base_model_tag, prefixed)) else ()
    base_models_known = False
    if "baseModels" in raw:
        api_edges = edges_from_base_models(raw["baseModels"], model_id)
        edges += api_edges
        # Only a value we can read states the current parents; an unknown shape keeps the stored ones.
        base_models_known = bool(api_edges) or _declares_no_base_models(raw["baseModels"])
    return ModelFacts(
        model_id=model_id,
        hub_oid=_text(get("_id")),
        author=_parse_author(get("author"), model_id),
        sha=_text(get("sha")),
        pipeline_tag=_text(get("pipeline_tag")),
        library_name=_text(get("library_name")),
        license=license_,
        license_name=_card_text(card_data, "license_name") if card_data else None,
        license_link=_card_text(card_data, "license_link") if card_data else None,
        license_source=license_source,
        params=params,
        params_source=params_source,
        gated=_parse_gated(get("gated")),
        private=_flag(get("private")),
        disabled=_flag(get("disabled")),
        inference=_text(get("inference")),
        created_at=parse_timestamp(get("createdAt")),
        last_modified=parse_timestamp(get("lastModified")),
        downloads=count(get("downloads")),
        downloads_all_time=count(get("downloadsAllTime")),
        likes=count(get("likes")),
        trending_score=score(get("trendingScore")),
        tags=tags,
        edges=edges,
        spaces=_parse_spaces(get("spaces")),
        children=_parse_children(get("childrenModelCount")),
        source_url=source_url,
        fetched_at=fetched_at,
        base_models_known=base_models_known,
    )


def normalize_page(
    raw_items: list, *, source_url: str, fetched_at: str
) -> tuple[list[ModelFacts], list[str]]:
    """Normalize a list page. Never raises: each bad item becomes a message, the rest still load."""
    if not isinstance(raw_items, list):
        return [], [f"{source_url}: body is a {type(raw_items).__name__}, not a list"]
    facts: list[ModelFacts] = []
    problems: list[str] = []
    for position, raw in enumerate(raw_items):
        try:
            facts.append(normalize_model(raw, source_url=source_url, fetched_at=fetched_at))
        except Exception as error:  # one odd item must never cost the whole page
            problems.append(f"{source_url} item {position}: {type(error).__name__}: {error}")
    return facts, problems


def normalize_body(
    body: bytes, *, kind: str, source_url: str, fetched_at: str
) -> tuple[list[ModelFacts], list[str]]:
    """Normalize an archived response body again ('listing' page or 'model_info' object).

    Never raises: an undecodable body or item becomes a message. This is how normalization is
    re-run from `raw_responses` after the rules change, without re-crawling.
    """
    try:
        decoded = decode_json(body)
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError are both ValueErrors
        return [], [f"{source_url}: body is not JSON: {error}"]
    if kind == "model_info":
        decoded = [decoded]
    return normalize_page(decoded, source_url=source_url, fetched_at=fetched_at)


def _declares_no_base_models(value: object) -> bool:
    """`baseModels` saying "none": null, an empty list or object, or blocks whose `models` are all empty."""
    if value is None or value == [] or value == {}:
        return True
    blocks = value if isinstance(value, list) else [value]
    return all(isinstance(block, dict) and block.get("models") == [] for block in blocks)


def _parse_model_id(raw: dict) -> str:
    for key in ("id", "modelId"):
        model_id = _text(raw.get(key))
        if model_id is not None:
            return model_id
    raise ValueError("model item has no usable 'id' or 'modelId'")


def _parse_author(author: object, model_id: str) -> str | None:
    """The `author` field, else the namespace of 'org/name'; legacy one-segment ids have none."""
    explicit = _text(author)
    if explicit is not None:
        return explicit
    namespace, separator, _ = model_id.partition("/")
    return namespace if separator and namespace else None


def _parse_license(card_data: dict | None, tags: list[str]) -> tuple[str | None, str | None]:
    """cardData.license first (what the author wrote), else the Hub's `license:` tags."""
    if card_data is not None:
        from_card = canonical_license(card_data.get("license"))
        if from_card is not None:
            return from_card, "cardData"
    from_tags = license_from_tags(tags)
    return (from_tags, "tags") if from_tags is not None else (None, None)


def _parse_gated(value: object) -> str | None:
    """The Hub sends False, "auto" or "manual"; absent means the response did not say."""
    if value is False:
        return "no"
    if isinstance(value, str) and value.strip().lower() in _GATED_VALUES:
        return value.strip().lower()
    return None


def _parse_tags(value: object) -> tuple[str, ...]:
    """Tags deduplicated in served order; non-strings and empty strings dropped."""
    if not isinstance(value, list):
        return ()
    strings = value if _all_strings(value) else [tag for tag in value if isinstance(tag, str)]
    unique = dict.fromkeys(strings)
    unique.pop("", None)
    return tuple(unique)


def _all_strings(values: list) -> bool:
    # str.join checks every element's type in C: the common all-strings case costs almost nothing.
    try:
        "".join(values)
    except TypeError:
        return False
    return True


def _parse_spaces(value: object) -> tuple[str, ...] | None:
    if not isinstance(value, list):
        return None
    return tuple(dict.fromkeys(space for space in value if isinstance(space, str) and space.strip()))


def _parse_children(value: object) -> dict[str, int] | None:
    """`childrenModelCount` by relation, e.g. {"finetune": 328, "adapter": 716}."""
    if not isinstance(value, dict):
        return None
    children = {}
    for relation, number in value.items():
        counted = count(number)
        if isinstance(relation, str) and relation and counted is not None:
            children[relation] = counted
    return children


def _card_text(card_data: dict | None, key: str) -> str | None:
    return _text(card_data.get(key)) if card_data is not None else None


def _text(value: object) -> str | None:
    """A non-empty string, stripped; anything else (None, "", numbers, lists) is None."""
    if isinstance(value, str):
        stripped = value.strip()
        return stripped or None
    return None


def _flag(value: object) -> bool | None:
    return value if isinstance(value, bool) else None
