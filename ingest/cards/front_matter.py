"""Split a card into YAML front matter and Markdown body, and load the YAML safely.

Follows huggingface_hub's `REGEX_YAML_BLOCK` semantics (the leading `---` block only, leading
whitespace allowed, CRLF accepted) but reports problems instead of raising: an unclosed block,
broken YAML or YAML that is not a mapping all give a `parse_error`, and the body is still parsed.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

import yaml

# Opening fence: optional leading whitespace (blank lines before `---` are common), then `---`.
_OPENING = re.compile(r"\A\s*---[ \t]*(?:\r\n|\r|\n)")
# Closing fence: a line that is exactly `---` (trailing blanks allowed), at a line start.
_CLOSING = re.compile(r"^---[ \t]*(?:\r\n|\r|\n|\Z)", re.MULTILINE)

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ~10x faster when present
_BOOL_TAG = "tag:yaml.org,2002:bool"
_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _CardLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader with YAML 1.2 booleans, as the Hub's own (JavaScript) parser reads cards.

    YAML 1.1 turns `no`, `yes`, `on`, `off` into booleans, which silently drops Norwegian (`- no`)
    from a language list; only true/false are booleans here.
    """


_CardLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL_TAG]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_CardLoader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

# JSON-safe conversion visits at most this many nodes: YAML aliases can make a small document
# expand into a huge (or recursive) structure.
_MAX_NODES = 200_000
_MAX_DEPTH = 64


@dataclass(frozen=True)
class SplitCard:
    yaml_text: str | None  # None when the card has no (closed) front matter
    body: str
    error: str | None


def split_front_matter(text: str) -> SplitCard:
    """The leading `---` block and the body after it; a later `---` block is body text."""
    opening = _OPENING.match(text)
    if opening is None:
        return SplitCard(yaml_text=None, body=text, error=None)
    closing = _CLOSING.search(text, opening.end())
    if closing is None:
        # Unclosed: the Hub would not accept it; keep everything after the fence as body.
        return SplitCard(
            yaml_text=None, body=text[opening.end() :], error="front matter not closed (no second ---)"
        )
    return SplitCard(yaml_text=text[opening.end() : closing.start()], body=text[closing.end() :], error=None)


class _TooComplex(ValueError):
    pass


def _json_safe(value: Any, budget: list[int], depth: int = 0) -> Any:
    """YAML value → JSON value: dates to ISO strings, non-finite floats to None, keys to strings."""
    budget[0] -= 1
    if budget[0] < 0 or depth > _MAX_DEPTH:
        raise _TooComplex("front matter too large or too deeply nested")
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {_key_text(k): _json_safe(v, budget, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v, budget, depth + 1) for v in value]
    if isinstance(value, set):
        return sorted((_json_safe(v, budget, depth + 1) for v in value), key=str)
    if isinstance(value, bytes):
        return None  # !!binary: not meaningful as card metadata
    return str(value)


def _key_text(key: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, dt.date):
        return key.isoformat()
    return "null" if key is None else str(key).lower() if isinstance(key, bool) else str(key)


def _key_text_of(loader: _CardLoader, node: yaml.Node) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise yaml.constructor.ConstructorError(None, None, "found unhashable key", node.start_mark)
    return node.value if node.tag == _STR_TAG else _key_text(loader.construct_object(node, deep=True))


def _node_json(loader: _CardLoader, node: yaml.Node, budget: list[int], depth: int = 0) -> Any:
    """A composed YAML node → JSON-safe value, in one pass for the common tags (strings, lists,
    plain mappings); anything else goes through the safe constructor, then `_json_safe`."""
    budget[0] -= 1
    if budget[0] < 0 or depth > _MAX_DEPTH:
        raise _TooComplex("front matter too large or too deeply nested")
    tag = node.tag
    if tag == _STR_TAG and isinstance(node, yaml.ScalarNode):
        return node.value
    if tag == _SEQ_TAG and isinstance(node, yaml.SequenceNode):
        return [_node_json(loader, item, budget, depth + 1) for item in node.value]
    if (
        tag == _MAP_TAG
        and isinstance(node, yaml.MappingNode)
        and all(k.tag != _MERGE_TAG for k, _ in node.value)
    ):
        return {_key_text_of(loader, k): _node_json(loader, v, budget, depth + 1) for k, v in node.value}
    return _json_safe(loader.construct_object(node, deep=True), budget, depth)


def _load_json(yaml_text: str) -> Any:
    """The single YAML document as a JSON-safe value (None for an empty document)."""
    loader = _CardLoader(yaml_text)
    try:
        node = loader.get_single_node()
        return None if node is None else _node_json(loader, node, [_MAX_NODES])
    finally:
        loader.dispose()


def load_front_matter(yaml_text: str) -> tuple[dict[str, Any] | None, str | None]:
    """(mapping, None) on success, (None, error) otherwise. An empty block is an empty mapping."""
    try:
        data = _load_json(yaml_text)
    except yaml.YAMLError as exc:
        return None, f"invalid YAML: {_first_line(exc)}"
    except _TooComplex as exc:
        return None, str(exc)
    except RecursionError:
        return None, "front matter too deeply nested"
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. an impossible date
        return None, f"invalid YAML: {_first_line(exc)}"
    if data is None:
        return {}, None
    if not isinstance(data, dict):
        return None, f"front matter is not a mapping (got {type(data).__name__})"
    return data, None


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return " ".join(line.strip() for line in lines[:3])[:300] if lines else type(exc).__name__
