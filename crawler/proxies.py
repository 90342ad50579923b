"""Proxies from the environment (`http_proxy`, `https_proxy`, `no_proxy`, any case), as the crawl uses them.

The crawl reaches the Hub through the proxy these variables name, as curl and `huggingface_hub` do (see
`crawler.middlewares.env_proxy`). Two helpers live here because more than one stage needs them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the demo imports this module with every command: no Twisted for them
    from twisted.python.failure import Failure


def without_proxies(environ: Mapping[str, str]) -> dict[str, str]:
    """`environ` minus its `*_proxy` variables: for a crawl of a hub on this machine."""
    return {name: value for name, value in environ.items() if not name.lower().endswith("_proxy")}


def failure_reason(failure: Failure) -> str:
    """`Type: message` of a failed request, naming the proxy it went through, if any: a dead proxy fails
    just like a dead hub. Scrapy keeps no credentials in `meta["proxy"]`."""
    reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"
    request = getattr(failure, "request", None)
    if request is not None and (proxy := request.meta.get("proxy")):
        reason += f" (through the proxy {proxy} that *_proxy in the environment names)"
    return reason
