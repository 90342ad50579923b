"""BackoffRetryMiddleware: what it retries, how long it waits, and what it counts."""

from __future__ import annotations

import asyncio
import os

import pytest
from scrapy import Spider
from scrapy.exceptions import DownloadTimeoutError
from scrapy.http import Request, Response
from scrapy.utils.test import get_crawler

from crawler.middlewares.backoff_retry import BackoffRetryMiddleware

URL = "http://hub.test/api/models"


def make_middleware(**settings: object) -> BackoffRetryMiddleware:
    base = {"HUBCRAWL_BACKOFF_BASE": 0.0, "HUBCRAWL_MAX_RETRIES": 2, "HUBCRAWL_RATE_LIMIT_MARGIN": 0.0}
    crawler = get_crawler(Spider, {**base, **settings})
    crawler.spider = crawler._create_spider("test")
    return BackoffRetryMiddleware.from_crawler(crawler)


def respond(middleware: BackoffRetryMiddleware, request: Request, status: int,
            headers: dict[str, str] | None = None) -> Request | Response:
    response = Response(request.url, status=status, headers=headers or {}, request=request)
    return asyncio.run(middleware.process_response(request, response))


def stat(middleware: BackoffRetryMiddleware, name: str) -> object:
    return middleware.crawler.stats.get_value(name)


def test_backoff_doubles_and_is_capped():
    middleware = make_middleware(HUBCRAWL_BACKOFF_BASE=0.5, HUBCRAWL_BACKOFF_MAX=3.0)
    assert [middleware.backoff_delay(n) for n in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_rate_limit_header_decides_the_wait_when_the_window_is_used_up():
    middleware = make_middleware(HUBCRAWL_RATE_LIMIT_MARGIN=1.0)
    response = Response(URL, status=429, headers={"RateLimit": '"api";r=0;t=42', "Retry-After": "5"})
    assert middleware.rate_limit_delay(response, 0) == 43.0


def test_retry_after_is_used_when_rate_limit_does_not_say_zero():
    middleware = make_middleware()
    response = Response(URL, status=429, headers={"RateLimit": '"api";r=3;t=42', "Retry-After": "5"})
    assert middleware.rate_limit_delay(response, 0) == 5.0


def test_a_huge_retry_after_is_capped():
    middleware = make_middleware(HUBCRAWL_RATE_LIMIT_MAX_WAIT=30.0)
    response = Response(URL, status=429, headers={"Retry-After": "86400"})
    assert middleware.rate_limit_delay(response, 0) == 30.0


def test_429_without_hints_falls_back_to_backoff():
    middleware = make_middleware(HUBCRAWL_BACKOFF_BASE=0.25)
    assert middleware.rate_limit_delay(Response(URL, status=429), 2) == 1.0


def test_429_is_retried_and_counted_outside_the_5xx_budget():
    middleware = make_middleware(HUBCRAWL_MAX_RETRIES=1, HUBCRAWL_MAX_RATE_LIMIT_RETRIES=3)
    request = Request(URL)
    for attempt in range(3):
        request = respond(middleware, request, 429, {"Retry-After": "0"})
        assert isinstance(request, Request), f"429 number {attempt + 1} was not retried"
    assert stat(middleware, "hubcrawl/http_429") == 3
    assert stat(middleware, "retry/count") == 3
    # The rate-limit budget is spent: the fourth 429 is handed on as a response.
    assert isinstance(respond(middleware, request, 429, {"Retry-After": "0"}), Response)
    assert stat(middleware, "hubcrawl/http_429") == 4


def test_5xx_is_retried_until_the_budget_is_spent():
    middleware = make_middleware(HUBCRAWL_MAX_RETRIES=2)
    request = Request(URL)
    request = respond(middleware, request, 503)
    request = respond(middleware, request, 500)
    assert isinstance(request, Request)
    assert request.meta["retry_times"] == 2
    assert isinstance(respond(middleware, request, 502), Response)
    assert stat(middleware, "retry/count") == 2
    assert stat(middleware, "retry/max_reached") == 1


@pytest.mark.parametrize("status", [200, 304, 401, 404])
def test_other_statuses_pass_through(status):
    middleware = make_middleware()
    response = respond(middleware, Request(URL), status)
    assert isinstance(response, Response)
    assert response.status == status


def test_dont_retry_is_respected():
    middleware = make_middleware()
    assert isinstance(respond(middleware, Request(URL, meta={"dont_retry": True}), 500), Response)


def test_timeouts_are_retried_with_a_wait():
    middleware = make_middleware(HUBCRAWL_BACKOFF_BASE=0.01)
    retry = asyncio.run(middleware.process_exception(Request(URL), DownloadTimeoutError("slow")))
    assert isinstance(retry, Request)
    assert stat(middleware, "hubcrawl/backoff_seconds") == pytest.approx(0.01)


def test_unrelated_exceptions_are_not_retried():
    middleware = make_middleware()
    assert asyncio.run(middleware.process_exception(Request(URL), ValueError("bug"))) is None


def test_a_used_up_window_pauses_new_requests():
    middleware = make_middleware(HUBCRAWL_RATE_LIMIT_MARGIN=0.05)
    respond(middleware, Request(URL), 200, {"RateLimit": '"api";r=0;t=0'})
    asyncio.run(middleware.process_request(Request(URL)))
    # The next request waited for the window: the wait shows up in the backoff total.
    assert 0 < stat(middleware, "hubcrawl/backoff_seconds") <= 0.05


def test_without_hubcrawl_settings_the_middleware_uses_the_project_defaults():
    """One source of truth: crawler.settings publishes crawler.defaults, and the middleware falls back
    to the very same values when run with bare Scrapy settings."""
    import crawler.settings as project
    from crawler import defaults

    crawler = get_crawler(Spider, {})
    crawler.spider = crawler._create_spider("test")
    middleware = BackoffRetryMiddleware.from_crawler(crawler)
    knobs = {
        "HUBCRAWL_MAX_RETRIES": (middleware.max_retry_times, defaults.MAX_RETRIES),
        "HUBCRAWL_BACKOFF_BASE": (middleware.backoff_base, defaults.BACKOFF_BASE),
        "HUBCRAWL_BACKOFF_MAX": (middleware.backoff_max, defaults.BACKOFF_MAX),
        "HUBCRAWL_RATE_LIMIT_MAX_WAIT": (middleware.rate_limit_max_wait, defaults.RATE_LIMIT_MAX_WAIT),
        "HUBCRAWL_MAX_RATE_LIMIT_RETRIES": (
            middleware.max_rate_limit_retries, defaults.MAX_RATE_LIMIT_RETRIES
        ),
        "HUBCRAWL_RATE_LIMIT_MARGIN": (middleware.rate_limit_margin, defaults.RATE_LIMIT_MARGIN),
    }
    for name, (used, default) in knobs.items():
        assert used == default, name
        if name not in os.environ:  # the project settings take the environment first
            assert getattr(project, name) == default, name
