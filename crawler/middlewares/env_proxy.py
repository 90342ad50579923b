"""Scrapy's HttpProxyMiddleware, reading proxy URLs as curl and `huggingface_hub` (httpx) read them.

Scrapy differs on two forms that people write every day, and each broke the crawl:

- `https_proxy=proxy:3128`, without a scheme: Scrapy gives the proxy its variable's scheme (https), and
  it cannot speak TLS to a proxy, so every request to the https Hub failed. curl and httpx take it as
  `http://proxy:3128` and tunnel to the Hub with CONNECT; so does this.
- `http://token@proxy:3128`, a user without a password: Scrapy raised TypeError when the crawler
  started, even for a variable the crawl never uses (`ftp_proxy`). curl and httpx send `token:` as
  the Basic credentials; so does this.

Credentials are encoded as UTF-8, as curl and httpx send them (`HTTPPROXY_AUTH_ENCODING` in
crawler/settings.py): with Scrapy's latin-1 a password outside latin-1 made it drop the proxy silently.

Everything else (no_proxy, credentials kept out of `meta["proxy"]`, per-request proxies) is Scrapy's.
"""

from __future__ import annotations

from urllib.parse import urlunparse
from urllib.request import _parse_proxy  # type: ignore[attr-defined]  # what Scrapy's middleware parses with

from scrapy.downloadermiddlewares.httpproxy import HttpProxyMiddleware

DEFAULT_PROXY_SCHEME = "http"


class EnvProxyMiddleware(HttpProxyMiddleware):
    def _get_proxy(self, url: str, orig_type: str) -> tuple[bytes | None, str]:
        if not url:  # `meta={"proxy": ""}`: Scrapy's way for one request to go without a proxy
            return None, ""
        proxy_type, user, password, hostport = _parse_proxy(url)
        proxy_url = urlunparse((proxy_type or DEFAULT_PROXY_SCHEME, hostport, "", "", "", ""))
        credentials = self._basic_auth_header(user, password or "") if user else None
        return credentials, proxy_url
