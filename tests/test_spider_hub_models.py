"""The listing spider's helpers and callbacks, on canned responses (no network)."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import pytest
from scrapy.http import Request, TextResponse
from scrapy.utils.test import get_crawler

from crawler.headers import parse_next_link, parse_rate_limit, parse_retry_after
from crawler.items import FailedPage, ListingPage
from crawler.spiders.hub_models import LISTING_EXPAND, HubModelsSpider

ENDPOINT = "http://hub.test"


def make_spider(**args: object) -> HubModelsSpider:
    crawler = get_crawler(HubModelsSpider, {"HF_ENDPOINT": ENDPOINT, "HUBCRAWL_PAGE_SIZE": 1000})
    crawler.spider = crawler._create_spider(**args)
    return crawler.spider


def listing_response(items: list, *, link: str | None = None, url: str | None = None) -> TextResponse:
    url = url or f"{ENDPOINT}/api/models?limit=1000"
    headers = {"Content-Type": "application/json"}
    if link:
        headers["Link"] = link
    return TextResponse(url, body=json.dumps(items).encode(), headers=headers, request=Request(url))


def query_of(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query)


# --- header parsers ---------------------------------------------------------------------------------
def test_next_link_is_taken_verbatim():
    next_url = "https://huggingface.co/api/models?limit=10&sort=likes&cursor=eyJ9%3D"
    assert parse_next_link(f'<{next_url}>; rel="next"') == next_url


def test_next_link_absent_on_last_page():
    assert parse_next_link(None) is None
    assert parse_next_link("") is None
    assert parse_next_link('<https://h/api/models?cursor=a>; rel="prev"') is None


def test_next_link_among_several_relations():
    header = '<https://h/p?cursor=1>; rel="prev", <https://h/n?cursor=2>; rel="next"'
    assert parse_next_link(header) == "https://h/n?cursor=2"


def test_rate_limit_header():
    limit = parse_rate_limit('"api";r=489;t=189')
    assert (limit.bucket, limit.remaining, limit.reset_seconds) == ("api", 489, 189)
    assert parse_rate_limit(None) is None
    assert parse_rate_limit("garbage") is None


def test_retry_after_seconds_and_date():
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(None) is None
    # An HTTP-date 30 s after the epoch instant we pretend is "now".
    assert parse_retry_after("Thu, 01 Jan 1970 00:01:00 GMT", now_epoch=30.0) == 30.0
    assert parse_retry_after("soon", now_epoch=0.0) is None


# --- arguments and the first request ------------------------------------------------------------------
def test_first_page_asks_every_listing_field_in_pages_of_1000():
    query = query_of(make_spider().first_page_url())
    assert ("limit", "1000") in query
    assert [value for key, value in query if key == "expand[]"] == list(LISTING_EXPAND)
    # The list endpoint refuses these (hf-api.md §1.1); asking would fail the whole listing.
    assert not {"baseModels", "childrenModelCount", "usedStorage"} & set(LISTING_EXPAND)


def test_slice_arguments_reach_the_query():
    spider = make_spider(sort="downloads", author="google", filter="text-generation, gguf", search="gemma",
                         max_models="250")
    query = query_of(spider.first_page_url())
    assert ("sort", "downloads") in query
    assert ("author", "google") in query
    assert ("search", "gemma") in query
    assert [value for key, value in query if key == "filter"] == ["text-generation", "gguf"]
    # No point asking for more than we will keep.
    assert ("limit", "250") in query
    assert not spider.full_listing
    assert spider.run_args == {"sort": "downloads", "max_models": 250, "author": "google",
                               "filter": ["text-generation", "gguf"], "search": "gemma"}


def test_a_full_crawl_walks_an_immutable_sort_key():
    """The cursor is a keyset on (sort value, _id): a model whose trending score or downloads rise past
    the cursor mid-crawl would never be listed, then be marked removed. createdAt never changes."""
    spider = make_spider()
    assert ("sort", "createdAt") in query_of(spider.first_page_url())
    assert spider.full_listing


def test_a_volatile_sort_is_a_slice_that_marks_no_removals():
    spider = make_spider(sort="likes")
    assert not spider.full_listing
    assert spider.run_args == {"sort": "likes"}


@pytest.mark.parametrize("bad", ["0", "-3", "many"])
def test_max_models_must_be_a_positive_number(bad):
    with pytest.raises(ValueError):
        HubModelsSpider._parse_max_models(bad)


# --- parse ----------------------------------------------------------------------------------------------
def test_parse_yields_next_page_before_the_page_item():
    items = [{"_id": "a1", "id": "org/a"}, {"_id": "b2", "id": "org/b"}]
    next_url = f"{ENDPOINT}/api/models?limit=1000&cursor=xyz"
    results = list(make_spider().parse(listing_response(items, link=f'<{next_url}>; rel="next"')))
    assert isinstance(results[0], Request)
    assert results[0].url == next_url
    page = results[1]
    assert isinstance(page, ListingPage)
    assert page.items() == items
    assert page.status == 200
    assert json.loads(page.body) == items


def test_last_page_has_no_follow_up():
    results = list(make_spider().parse(listing_response([{"_id": "a", "id": "o/a"}])))
    assert [type(result) for result in results] == [ListingPage]


def test_max_models_truncates_and_stops_following():
    spider = make_spider(max_models="3")
    link = f'<{ENDPOINT}/api/models?cursor=next>; rel="next"'
    first = list(spider.parse(listing_response([{"id": f"o/m{i}"} for i in range(2)], link=link)))
    assert isinstance(first[0], Request)  # 2 of 3 so far: keep going
    second = list(spider.parse(listing_response([{"id": f"o/n{i}"} for i in range(2)], link=link)))
    assert [type(result) for result in second] == [ListingPage]
    assert [item["id"] for item in second[0].raw_items] == ["o/n0"]


def test_a_body_that_is_not_a_list_is_a_failed_page_when_counting():
    url = f"{ENDPOINT}/api/models"
    response = TextResponse(url, body=b'{"error": "oops"}', request=Request(url))
    spider = make_spider(max_models="10")
    results = list(spider.parse(response))
    assert len(results) == 1
    assert isinstance(results[0], FailedPage)
    assert spider.crawler.stats.get_value("hubcrawl/failed_pages") == 1


def test_without_a_cap_the_page_is_decoded_later_and_still_checked():
    url = f"{ENDPOINT}/api/models"
    [page] = list(make_spider().parse(TextResponse(url, body=b'{"error": "oops"}', request=Request(url))))
    assert page.raw_items is None  # decoding is left to the pipeline's writer thread
    with pytest.raises(ValueError, match="not an array"):
        page.items()


def test_real_list_excerpt_parses(api_samples_dir):
    body = (api_samples_dir / "list__default__2-item-excerpt__2025-11.json").read_bytes()
    expected_ids = [item["id"] for item in json.loads(body)]
    url = f"{ENDPOINT}/api/models"
    results = list(make_spider().parse(TextResponse(url, body=body, request=Request(url))))
    assert [item["id"] for item in results[-1].items()] == expected_ids


# --- failed pages -----------------------------------------------------------------------------------
def http_failure(status: int, *, token: str | None) -> object:
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.python.failure import Failure

    url = f"{ENDPOINT}/api/models?limit=1000"
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = Request(url, headers=headers)
    body = b'{"error":"Invalid username or password."}'
    response = TextResponse(url, body=body, status=status, request=request)
    failure = Failure(HttpError(response, "Ignoring non-200 response"))
    failure.request = request
    return failure


def test_a_401_to_a_request_with_a_token_says_the_token_was_refused_without_showing_it():
    [failed] = list(make_spider().page_failed(http_failure(401, token="hf_refused_secret")))
    assert isinstance(failed, FailedPage) and failed.status == 401
    assert "HF_TOKEN" in failed.reason and "hf_refused_secret" not in failed.reason


def test_other_failures_keep_their_status():
    [anonymous] = list(make_spider().page_failed(http_failure(401, token=None)))
    [server] = list(make_spider().page_failed(http_failure(503, token="hf_x")))
    assert (anonymous.reason, server.reason) == ("HTTP 401", "HTTP 503")
