"""Retries that wait: Retry-After / RateLimit on 429, exponential backoff on 5xx and timeouts.

Scrapy's RetryMiddleware retries at once and ignores Retry-After (scrapy#3849). We replace it with a
subclass whose `process_response`/`process_exception` are coroutines that `await asyncio.sleep(wait)`
before handing back the retry request (the asyncio reactor is Scrapy's default).

Why sleep here rather than raise the download slot's delay (scrapy.md §2.3)? A raised slot delay stays
raised for the rest of the crawl unless something lowers it again, slowing every later request; a sleep
delays exactly the request that was told to wait. On a 429 we also pause *new* requests until the
window resets (`process_request` awaits the same deadline), because the Hub's quota is per client, not
per request.

Stats: `retry/count` (every retry, like Scrapy's), `hubcrawl/http_429` (429 responses seen),
`hubcrawl/backoff_seconds` (total time spent waiting).
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response
from scrapy.utils.response import response_status_message

from crawler import defaults
from crawler.headers import header_text, parse_rate_limit, parse_retry_after

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.max_retry_times = settings.getint("HUBCRAWL_MAX_RETRIES", defaults.MAX_RETRIES)
        self.backoff_base = settings.getfloat("HUBCRAWL_BACKOFF_BASE", defaults.BACKOFF_BASE)
        self.backoff_max = settings.getfloat("HUBCRAWL_BACKOFF_MAX", defaults.BACKOFF_MAX)
        self.rate_limit_max_wait = settings.getfloat(
            "HUBCRAWL_RATE_LIMIT_MAX_WAIT", defaults.RATE_LIMIT_MAX_WAIT
        )
        # A 429 is the Hub asking us to wait, not a failure: it gets its own, larger budget.
        self.max_rate_limit_retries = settings.getint(
            "HUBCRAWL_MAX_RATE_LIMIT_RETRIES", defaults.MAX_RATE_LIMIT_RETRIES
        )
        # `t` in RateLimit is whole seconds, rounded down: wait a little past it (huggingface_hub adds 1 s).
        self.rate_limit_margin = settings.getfloat("HUBCRAWL_RATE_LIMIT_MARGIN", defaults.RATE_LIMIT_MARGIN)
        self._paused_until = 0.0  # time.monotonic() before which no new request is sent

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
        return middleware

    # --- hooks --------------------------------------------------------------------------------------
    async def process_request(self, request: Request) -> None:
        await self._wait_for_pause()

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        rate_limit = parse_rate_limit(header_text(response.headers, "RateLimit"))
        if response.status == 429:
            self.crawler.stats.inc_value("hubcrawl/http_429")
        elif rate_limit is not None and rate_limit.remaining == 0:
            # The window is used up: the next request would get a 429, so hold everything now.
            self._pause(min(rate_limit.reset_seconds + self.rate_limit_margin, self.rate_limit_max_wait))
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        if response.status == 429:
            return await self._retry_rate_limited(request, response)
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await self._sleep(self.backoff_delay(request.meta.get("retry_times", 0)))
        return retry

    async def process_exception(self, request: Request, exception: Exception) -> Request | None:
        if request.meta.get("dont_retry") or not isinstance(exception, self.exceptions_to_retry):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await self._sleep(self.backoff_delay(request.meta.get("retry_times", 0)))
        return retry

    # --- waits --------------------------------------------------------------------------------------
    def backoff_delay(self, previous_retries: int) -> float:
        """base, 2·base, 4·base, … capped at HUBCRAWL_BACKOFF_MAX."""
        return min(self.backoff_base * (2**previous_retries), self.backoff_max)

    def rate_limit_delay(self, response: Response, previous_retries: int) -> float:
        """How long a 429 asks us to wait: RateLimit r=0;t=<s> (+ margin), else Retry-After, else our
        backoff; never more than HUBCRAWL_RATE_LIMIT_MAX_WAIT."""
        rate_limit = parse_rate_limit(header_text(response.headers, "RateLimit"))
        if rate_limit is not None and rate_limit.remaining == 0:
            wait = rate_limit.reset_seconds + self.rate_limit_margin
        else:
            retry_after = parse_retry_after(header_text(response.headers, "Retry-After"))
            wait = retry_after if retry_after is not None else self.backoff_delay(previous_retries)
        return min(wait, self.rate_limit_max_wait)

    async def _retry_rate_limited(self, request: Request, response: Response) -> Request | Response:
        done = request.meta.get("rate_limit_retries", 0)
        if done >= self.max_rate_limit_retries:
            self.crawler.stats.inc_value("retry/max_reached")
            return response
        wait = self.rate_limit_delay(response, done)
        self._pause(wait)
        retry = request.copy()
        retry.meta["rate_limit_retries"] = done + 1
        retry.dont_filter = True
        self.crawler.stats.inc_value("retry/count")
        self.crawler.stats.inc_value("retry/reason_count/429 Too Many Requests")
        await self._sleep(wait)
        return retry

    def _pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    async def _wait_for_pause(self) -> None:
        remaining = self._paused_until - time.monotonic()
        if remaining > 0:
            await self._sleep(remaining)

    async def _sleep(self, seconds: float) -> None:
        if seconds <= 0:
            return
        self.crawler.stats.inc_value("hubcrawl/backoff_seconds", seconds)
        await asyncio.sleep(seconds)
