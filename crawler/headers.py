"""Parsers for the Hub's HTTP headers: pagination `Link`, `RateLimit` and `Retry-After`.

Pure functions on strings, shared by the spiders and the retry middleware.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

# RFC 8288, as the Hub sends it: `<https://huggingface.co/api/models?...&cursor=...>; rel="next"`.
_LINK_PART = re.compile(r'<([^>]+)>\s*;\s*rel\s*=\s*"?([^";,]+)"?')
# draft-ietf-httpapi-ratelimit-headers: `"api";r=489;t=189` (same regex idea as huggingface_hub).
_RATE_LIMIT = re.compile(r'"?(?P<bucket>[\w-]+)"?\s*;\s*r\s*=\s*(?P<r>\d+)\s*;\s*t\s*=\s*(?P<t>\d+)')


@dataclass(frozen=True, slots=True)
class RateLimit:
    bucket: str
    remaining: int
    reset_seconds: int


def parse_next_link(link_header: str | None) -> str | None:
    """The `rel="next"` URL of a Link header, verbatim (the cursor is opaque), or None on the last page."""
    if not link_header:
        return None
    for url, rel in _LINK_PART.findall(link_header):
        if "next" in rel.split():
            return url
    return None


def parse_rate_limit(value: str | None) -> RateLimit | None:
    """`RateLimit: "api";r=0;t=42` → RateLimit('api', 0, 42); None when absent or unreadable."""
    if not value:
        return None
    match = _RATE_LIMIT.search(value)
    if match is None:
        return None
    return RateLimit(match["bucket"], int(match["r"]), int(match["t"]))


def parse_retry_after(value: str | None, *, now_epoch: float | None = None) -> float | None:
    """Seconds to wait from `Retry-After`: delay-seconds, or an HTTP-date when `now_epoch` is given."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    if now_epoch is None:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now_epoch)


def header_text(headers: object, name: str) -> str | None:
    """A header from Scrapy's Headers (bytes values) as str, or None."""
    value = headers.get(name)  # type: ignore[attr-defined]
    if value is None:
        return None
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)
