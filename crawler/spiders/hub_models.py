"""`hub_models`: the Hub's model listing, page by page, into SQLite.

    scrapy crawl hub_models -s HUBCRAWL_DB=hub.db [-a sort=downloads] [-a max_models=5000]
        [-a author=google] [-a filter=text-generation,gguf] [-a search=llama]

Without slice arguments (author, filter, search, max_models) the run covers the whole hub, and models
missing from it are marked removed at the end of a successful run.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.headers import header_text, parse_next_link
from crawler.items import FailedPage, ListingPage, parse_listing_body
from crawler.proxies import failure_reason
from crawler.spiders.cards import CardFetchMixin
from hubcrawl.clock import utc_now_iso

# Everything the normalizer reads from a list item (hf-api.md §1.1). `baseModels`,
# `childrenModelCount` and `usedStorage` are refused by the list endpoint; the model spider gets them.
LISTING_EXPAND = (
    "author", "sha", "createdAt", "lastModified", "downloads", "downloadsAllTime", "likes",
    "trendingScore", "tags", "pipeline_tag", "library_name", "gated", "private", "disabled",
    "cardData", "safetensors", "gguf", "inference",
)
# Arguments that restrict the listing to part of the hub.
SLICE_ARGS = ("author", "filter", "search", "max_models")
# The cursor is a keyset on (sort value, _id). A full crawl walks createdAt, which never changes, so no
# existing model can move past the cursor mid-crawl (and then be marked removed). Any other sort key
# (trendingScore by default on the Hub, downloads, likes...) makes the crawl a slice: no removals.
FULL_LISTING_SORT = "createdAt"
REFUSED_CREDENTIALS_REASON = "the Hub refused the credentials in HF_TOKEN (HTTP 401)"


class HubModelsSpider(CardFetchMixin, scrapy.Spider):
    name = "hub_models"
    run_kind = "crawl"

    def __init__(self, sort: str | None = None, max_models: str | int | None = None,
                 author: str | None = None, filter: str | list[str] | None = None,  # the Hub's name for it
                 search: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sort = sort or None
        self.max_models = self._parse_max_models(max_models)
        self.author = author or None
        self.filters = self._parse_filters(filter)
        self.search = search or None
        self.models_emitted = 0

    # --- arguments ----------------------------------------------------------------------------------
    @staticmethod
    def _parse_max_models(value: str | int | None) -> int | None:
        if value is None or value == "":
            return None
        number = int(value)
        if number < 1:
            raise ValueError(f"max_models must be at least 1, got {value!r}")
        return number

    @staticmethod
    def _parse_filters(value: str | list[str] | None) -> list[str]:
        """`-a filter=a,b` (comma-separated) or a list from the CLI → ['a', 'b']."""
        if not value:
            return []
        parts = value if isinstance(value, list) else value.split(",")
        return [part.strip() for part in parts if part.strip()]

    @property
    def run_args(self) -> dict[str, Any]:
        """The slice as recorded in crawl_runs.args (None values left out)."""
        args = {"sort": self.sort, "max_models": self.max_models, "author": self.author,
                "filter": self.filters or None, "search": self.search}
        return {key: value for key, value in args.items() if value is not None}

    @property
    def full_listing(self) -> bool:
        sliced = self.author or self.filters or self.search or self.max_models
        return not sliced and self.sort in (None, FULL_LISTING_SORT)

    # --- requests -----------------------------------------------------------------------------------
    def first_page_url(self) -> str:
        endpoint = self.endpoint
        page_size = self.settings.getint("HUBCRAWL_PAGE_SIZE")
        if self.max_models is not None:
            page_size = min(page_size, self.max_models)
        params: list[tuple[str, str | int]] = [("limit", page_size)]
        params.append(("sort", self.sort or FULL_LISTING_SORT))
        if self.author:
            params.append(("author", self.author))
        if self.search:
            params.append(("search", self.search))
        params.extend(("filter", tag) for tag in self.filters)
        params.extend(("expand[]", value) for value in LISTING_EXPAND)
        return f"{endpoint}/api/models?{urlencode(params)}"

    def page_request(self, url: str) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse, errback=self.page_failed, dont_filter=True)

    first_request_kind = "listing"

    def first_request(self) -> scrapy.Request:
        return self.page_request(self.first_page_url())

    # --- responses ----------------------------------------------------------------------------------
    def parse(self, response: Response) -> Iterator[scrapy.Request | ListingPage | FailedPage]:
        fetched_at = utc_now_iso()
        raw_items = None
        if self.max_models is not None:
            # Only a capped crawl needs to count items here; otherwise the pipeline decodes the body
            # on its writer thread.
            try:
                raw_items = self._take_within_limit(self._parse_items(response.body))
            except ValueError as error:
                self.crawler.stats.inc_value("hubcrawl/failed_pages")
                yield FailedPage(url=response.url, kind="listing", reason=str(error), status=response.status,
                                 fetched_at=fetched_at)
                return
        next_url = self._parse_next_link(response)
        # Ask for the next page first, so its download overlaps with writing this one.
        if next_url and not self._limit_reached():
            yield from self.park_or_pass(self.page_request(next_url))
        yield ListingPage(url=response.url, status=response.status, fetched_at=fetched_at,
                          body=response.body, raw_items=raw_items)

    def page_failed(self, failure: Failure) -> Iterator[FailedPage]:
        """Errback: the page failed after every retry. The crawl cannot go on past it (no cursor)."""
        self.crawler.stats.inc_value("hubcrawl/failed_pages")
        yield failed_page_from(failure, kind="listing")

    # --- helpers ------------------------------------------------------------------------------------
    @staticmethod
    def _parse_items(body: bytes) -> list:
        """The JSON array of a listing page; ValueError when the body is not one."""
        return parse_listing_body(body)

    @staticmethod
    def _parse_next_link(response: Response) -> str | None:
        return parse_next_link(header_text(response.headers, "Link"))

    def _take_within_limit(self, raw_items: list) -> list:
        assert self.max_models is not None
        raw_items = raw_items[: max(0, self.max_models - self.models_emitted)]
        self.models_emitted += len(raw_items)
        return raw_items

    def _limit_reached(self) -> bool:
        return self.max_models is not None and self.models_emitted >= self.max_models


def failed_page_from(failure: Failure, *, kind: str) -> FailedPage:
    """A FailedPage from an errback's failure: HTTP status when there was a response, else the exception."""
    request = getattr(failure, "request", None)
    response = getattr(failure.value, "response", None)
    status = response.status if response is not None else None
    url = response.url if response is not None else (request.url if request is not None else "")
    if status == 401 and request is not None and request.headers.get("Authorization"):
        # With a token the Hub answers 404 for what it will not show: a 401 means the token itself.
        reason = REFUSED_CREDENTIALS_REASON
    elif status is not None:
        reason = f"HTTP {status}"
    else:
        reason = failure_reason(failure)
    return FailedPage(url=url, kind=kind, reason=reason, status=status, fetched_at=utc_now_iso())
