"""Send HF_TOKEN as `Authorization: Bearer …`, only to the Hub's own host.

The token is read from the environment when the crawler starts, never from settings (Scrapy logs
overridden settings) and is never logged, stored or printed. Requests to any other host (a CDN after a
redirect, for instance) go without it.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.http import Request
from scrapy.utils.httpobj import urlparse_cached

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class HubAuthMiddleware:
    def __init__(self, endpoint: str, token: str | None) -> None:
        parts = urlsplit(endpoint)
        self._hub_origin = (parts.scheme, parts.netloc.lower())
        self._header = f"Bearer {token}" if token else None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HubAuthMiddleware:
        token = (os.environ.get("HF_TOKEN") or "").strip() or None
        return cls(crawler.settings.get("HF_ENDPOINT"), token)

    def __repr__(self) -> str:
        # Keep the token out of any debug output that prints components.
        return f"HubAuthMiddleware(origin={self._hub_origin!r}, token={'set' if self._header else 'unset'})"

    def process_request(self, request: Request) -> None:
        if self._header is None:
            return
        if self._is_hub(request):
            request.headers.setdefault("Authorization", self._header)
        else:
            request.headers.pop("Authorization", None)

    def _is_hub(self, request: Request) -> bool:
        parts = urlparse_cached(request)
        return (parts.scheme, parts.netloc.lower()) == self._hub_origin
