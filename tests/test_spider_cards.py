"""Card requests and answers (CardFetchMixin), on canned responses, plus the listing's backpressure."""

from __future__ import annotations

import pytest
from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError
from scrapy.http import Request, Response
from scrapy.utils._download_handlers import get_maxsize_msg
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from crawler.items import CardFetched
from crawler.spiders.hub_models import HubModelsSpider

ENDPOINT = "http://hub.test"
SHA = "0123456789abcdef0123456789abcdef01234567"


def make_spider(**settings: object) -> HubModelsSpider:
    crawler = get_crawler(HubModelsSpider, {"HF_ENDPOINT": ENDPOINT, **settings})
    crawler.spider = crawler._create_spider()
    return crawler.spider


def answer(request: Request, status: int, headers: dict | None = None, body: bytes = b"") -> Response:
    return Response(request.url, status=status, headers=headers or {}, body=body, request=request)


def test_card_request_targets_the_listed_commit_with_our_etag():
    spider = make_spider()
    request = spider.card_request("org/name", sha=SHA, etag='"abc"', api={"id": "org/name"})
    assert request.url == f"{ENDPOINT}/org/name/resolve/{SHA}/README.md"
    assert request.headers.get("If-None-Match") == b'"abc"'
    assert request.meta["download_maxsize"] == 8 * 1024 * 1024
    assert spider.cards_in_flight == 1


def test_no_sha_means_the_default_branch_and_no_etag_no_header():
    request = make_spider().card_request("gpt2", sha=None, etag=None)
    assert request.url == f"{ENDPOINT}/gpt2/resolve/main/README.md"
    assert request.headers.get("If-None-Match") is None


@pytest.mark.parametrize(
    ("status", "headers", "outcome"),
    [
        (200, {"ETag": '"e1"'}, "ok"),
        (304, {"ETag": '"e1"'}, "not_modified"),
        (404, {"X-Error-Code": "EntryNotFound"}, "missing"),
        (404, {"X-Error-Code": "RepoNotFound"}, "error"),  # the repo itself is gone: not "no card"
        (401, {}, "error"),
    ],
)
def test_answers_become_card_items(status, headers, outcome):
    spider = make_spider()
    request = spider.card_request("org/name", sha=SHA, etag=None, api={"id": "org/name"})
    [item] = list(spider.parse_card(answer(request, status, headers, b"# card" if status == 200 else b"")))
    assert isinstance(item, CardFetched)
    assert (item.model_id, item.outcome, item.http_status, item.sha) == ("org/name", outcome, status, SHA)
    assert item.api == {"id": "org/name"}
    assert (item.body == b"# card") is (outcome == "ok")
    assert spider.cards_in_flight == 0


def test_a_download_failure_is_an_error_item_not_a_lost_card():
    spider = make_spider()
    request = spider.card_request("org/name", sha=SHA, etag=None)
    failure = Failure(DownloadTimeoutError("took too long"))
    failure.request = request
    [item] = list(spider.card_failed(failure))
    assert (item.outcome, item.http_status) == ("error", None)
    assert "DownloadTimeoutError" in item.reason
    assert item.too_large is False  # a timeout may well succeed next time


def test_a_readme_over_the_download_cap_is_flagged_too_large():
    spider = make_spider()
    request = spider.card_request("org/name", sha=SHA, etag=None)
    # Scrapy's own message, for both an announced and a received size over download_maxsize.
    for expected in (True, False):
        message = get_maxsize_msg(9_000_000, 8_388_608, request, expected=expected)
        failure = Failure(DownloadCancelledError(message))
        failure.request = request
        [item] = list(spider.card_failed(failure))
        assert (item.outcome, item.http_status, item.too_large) == ("error", None, True)
    failure = Failure(DownloadCancelledError("engine stopped"))
    failure.request = request
    [item] = list(spider.card_failed(failure))
    assert item.too_large is False  # cancelled for another reason


def test_the_listing_waits_while_too_many_cards_are_pending():
    spider = make_spider(HUBCRAWL_CARD_BACKLOG=4)
    cards = [spider.card_request(f"org/m{i}", sha=SHA, etag=None) for i in range(4)]
    next_page = Request(f"{ENDPOINT}/api/models?cursor=2")
    assert list(spider.park_or_pass(next_page)) == []  # 4 in flight: park it
    released = [list(spider.parse_card(answer(card, 200))) for card in cards]
    # Released once the backlog has halved (2 left), and only once.
    follow_ups = [output for outputs in released for output in outputs if isinstance(output, Request)]
    assert follow_ups == [next_page]
    assert isinstance(released[1][-1], Request)
    assert spider.parked_request is None
