"""Model card (README.md) requests, shared by both spiders.

The pipeline decides which models need their card (new models, a changed sha, or a card that failed
last time) after it has written their facts, then asks the spider for the request:

    request = spider.card_request(model_id, sha=..., etag=..., api=raw_item)
    crawler.engine.crawl(request)

`GET {HF_ENDPOINT}/{id}/resolve/{sha}/README.md` with `If-None-Match` when we hold an ETag. Every answer
becomes a `CardFetched` item, failures included, so the pipeline records it and the crawl goes on.

Backpressure: the listing must not run far ahead of its card downloads (each pending request holds
its list item). Once HUBCRAWL_CARD_BACKLOG cards are in flight the listing spider parks its next page,
and the card callbacks release it when the backlog has halved.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from urllib.parse import quote

import scrapy
from scrapy.exceptions import DownloadCancelledError
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler import defaults
from crawler.endpoint import checked_endpoint
from crawler.headers import header_text
from crawler.items import CardFetched, FailedPage
from crawler.proxies import failure_reason
from hubcrawl.clock import utc_now_iso

# Statuses the card callback handles itself (everything else goes to the errback after retries).
CARD_STATUSES = [304, 401, 403, 404]


class CardFetchMixin:
    """Mixed into a scrapy.Spider: builds card requests and turns their answers into items."""

    cards_in_flight: int = 0
    parked_request: scrapy.Request | None = None

    @property
    def cards_enabled(self) -> bool:
        return self.settings.getbool("HUBCRAWL_CARDS", True)  # type: ignore[attr-defined]

    @property
    def card_backlog(self) -> int:
        return self.settings.getint("HUBCRAWL_CARD_BACKLOG", defaults.CARD_BACKLOG)  # type: ignore[attr-defined]

    @property
    def card_maxsize(self) -> int:
        """Bytes of README downloaded at most (HUBCRAWL_CARD_MAXSIZE; see crawler/settings.py)."""
        return self.settings.getint("HUBCRAWL_CARD_MAXSIZE", defaults.CARD_MAXSIZE)  # type: ignore[attr-defined]

    @property
    def endpoint(self) -> str:
        """HF_ENDPOINT, checked (crawler.endpoint): ValueError with the reason when it is unusable."""
        return checked_endpoint(self.settings.get("HF_ENDPOINT"))  # type: ignore[attr-defined]

    # FailedPage.kind of the first request, when HF_ENDPOINT makes it impossible (set by each spider).
    first_request_kind: str = "page"

    def first_request(self) -> scrapy.Request:
        """The spider's first request (raises ValueError when HF_ENDPOINT is unusable)."""
        raise NotImplementedError

    async def start(self) -> AsyncIterator[scrapy.Request | FailedPage]:
        try:
            request = self.first_request()
        except ValueError as unusable:  # HF_ENDPOINT: the run fails with the reason, no traceback
            yield self.unusable_endpoint(self.first_request_kind, unusable)
            return
        yield request

    def unusable_endpoint(self, kind: str, error: ValueError) -> FailedPage:
        """The run's first item when HF_ENDPOINT cannot be requested: it fails with the reason."""
        self.crawler.stats.inc_value("hubcrawl/failed_pages")  # type: ignore[attr-defined]
        return FailedPage(url="", kind=kind, reason=str(error), status=None, fetched_at=utc_now_iso())

    def card_url(self, model_id: str, sha: str | None) -> str:
        endpoint = self.endpoint
        revision = quote(sha or "main", safe="")
        return f"{endpoint}/{quote(model_id, safe='/')}/resolve/{revision}/README.md"

    def card_request(self, model_id: str, *, sha: str | None, etag: str | None, api: dict | None = None,
                     children: dict[str, int] | None = None) -> scrapy.Request:
        headers = {"If-None-Match": etag} if etag else {}
        self.cards_in_flight += 1
        return scrapy.Request(
            self.card_url(model_id, sha),
            headers=headers,
            callback=self.parse_card,
            errback=self.card_failed,
            dont_filter=True,
            # Listing pages (priority 0) go first: the crawl's progress never waits for cards.
            priority=-1,
            meta={
                "handle_httpstatus_list": CARD_STATUSES,
                "download_maxsize": self.card_maxsize,
                "card": {"model_id": model_id, "sha": sha, "api": api, "children": children},
            },
        )

    def parse_card(self, response: Response) -> Iterator[CardFetched | scrapy.Request]:
        card = response.meta["card"]
        outcome = self._parse_card_outcome(response)
        yield CardFetched(
            model_id=card["model_id"], url=response.url, outcome=outcome, http_status=response.status,
            body=response.body if outcome == "ok" else None,
            etag=header_text(response.headers, "ETag") if outcome in ("ok", "not_modified") else None,
            sha=card["sha"], fetched_at=utc_now_iso(), api=card["api"], children=card["children"],
            reason=None if outcome != "error" else f"HTTP {response.status}",
        )
        yield from self._card_done()

    def card_failed(self, failure: Failure) -> Iterator[CardFetched | scrapy.Request]:
        request = failure.request  # type: ignore[attr-defined]
        card = request.meta["card"]
        response = getattr(failure.value, "response", None)
        yield CardFetched(
            model_id=card["model_id"], url=request.url, outcome="error",
            http_status=response.status if response is not None else None, body=None, etag=None,
            sha=card["sha"], fetched_at=utc_now_iso(), api=card["api"], children=card["children"],
            reason=failure_reason(failure),
            too_large=_over_download_cap(failure, crawling=bool(getattr(self.crawler, "crawling", False))),
        )
        yield from self._card_done()

    @staticmethod
    def _parse_card_outcome(response: Response) -> str:
        if response.status == 200:
            return "ok"
        if response.status == 304:
            return "not_modified"
        # A missing README is 404 + X-Error-Code: EntryNotFound; a 404 without it is a missing repo.
        if response.status == 404 and header_text(response.headers, "X-Error-Code") == "EntryNotFound":
            return "missing"
        return "error"

    def park_or_pass(self, request: scrapy.Request) -> Iterator[scrapy.Request]:
        """Send the next listing page now, or hold it while too many cards are pending."""
        if self.cards_in_flight >= self.card_backlog:
            self.parked_request = request
            return
        yield request

    def _card_done(self) -> Iterator[scrapy.Request]:
        self.cards_in_flight -= 1
        if self.parked_request is not None and self.cards_in_flight <= self.card_backlog // 2:
            request, self.parked_request = self.parked_request, None
            yield request


def _over_download_cap(failure: Failure, *, crawling: bool) -> bool:
    """Scrapy cancels a download over `download_maxsize`. When the size was announced (Content-Length),
    the message names the max size; when it is only found part-way (a chunked body), the message is
    empty. Another cancellation while the crawl keeps running has no other cause: card requests set no
    other limit. A crawl that is stopping cancels downloads too, and those are not over any cap."""
    if not failure.check(DownloadCancelledError):
        return False
    return "max size" in failure.getErrorMessage() or crawling
