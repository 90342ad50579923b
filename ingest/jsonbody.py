"""JSON bodies from the Hub, decoded into strings SQLite can store.

JSON may carry a lone UTF-16 surrogate escape (`"\\ud83d"`: a string cut in the middle of an emoji by
a JavaScript `slice`). `json.loads` accepts it, but such a str cannot be encoded as UTF-8, so one
such item would fail the write of its whole page. Lone surrogates become U+FFFD, as a UTF-8 decoder
does with bad bytes; pairs are already joined by `json.loads` and stay whole.

Pure: no I/O.
"""

from __future__ import annotations

import json
import re
from typing import Any

# A `\uD800`-`\uDFFF` escape anywhere in the raw bytes (either case). Rare: the walk runs only then.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def decode_json(body: bytes | str) -> Any:
    """`json.loads(body)` with lone surrogates replaced; ValueError when the body is not JSON."""
    data = json.loads(body)
    raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    if _SURROGATE_ESCAPE.search(raw) is None:
        return data
    return _replace_lone_surrogates(data)


def _replace_lone_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_replace_lone_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_replace_lone_surrogates(k): _replace_lone_surrogates(v) for k, v in value.items()}
    return value
