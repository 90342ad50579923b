"""Cursor pagination the way the Hub does it (hf-api.md §1.4).

The cursor is URL-safe text of base64 over a MongoDB-style range on (sort field, _id), like the real
one; clients must treat it as opaque. The next URL keeps every original query parameter, in order
and repeated ones included, adds `sort=trendingScore` when no sort was sent, then the cursor.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any
from urllib.parse import quote


class BadCursor(ValueError):
    pass


def encode_cursor(sort: str, value: Any, object_id: str) -> str:
    """Everything strictly after (value, _id) in descending order with ascending _id tie-breaks."""
    clauses: list[dict] = [{sort: value, "_id": {"$gt": object_id}}]
    if value is not None:
        clauses += [{sort: {"$lt": value}}, {sort: None}]
    text = json.dumps({"$or": clauses}, separators=(",", ":"))
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def decode_cursor(cursor: str, sort: str) -> tuple[Any, str]:
    """(sort value, _id) of the last item already served. BadCursor if it was not made for `sort`."""
    try:
        first = json.loads(base64.b64decode(cursor, validate=True))["$or"][0]
        return first[sort], first["_id"]["$gt"]
    except (binascii.Error, ValueError, KeyError, IndexError, TypeError) as error:
        raise BadCursor(f"Invalid cursor for sort '{sort}'") from error


def next_link(host: str, path: str, raw_query: str, cursor: str, *, add_sort: str | None) -> str:
    """`Link` header value pointing at the next page on the same host the client used."""
    kept = [part for part in raw_query.split("&") if part and not part.startswith("cursor=")]
    if add_sort is not None:
        kept.append(f"sort={quote(add_sort)}")
    kept.append(f"cursor={quote(cursor, safe='')}")
    return f'<http://{host}{path}?{"&".join(kept)}>; rel="next"'
