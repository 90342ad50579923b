"""HF_ENDPOINT that cannot be a hub: a clear reason in the run, not a traceback or a leaked secret."""

from __future__ import annotations

import asyncio

import pytest
from scrapy.utils.test import get_crawler

from crawler.endpoint import checked_endpoint
from crawler.items import FailedPage
from crawler.spiders.hub_model import HubModelSpider
from crawler.spiders.hub_models import HubModelsSpider


def first_outputs(spider_cls, endpoint: str, **args: object) -> list:
    crawler = get_crawler(spider_cls, {"HF_ENDPOINT": endpoint})
    spider = crawler._create_spider(**args)
    crawler.spider = spider

    async def collect() -> list:
        return [output async for output in spider.start()]

    return asyncio.run(collect())


@pytest.mark.parametrize(
    "value", ["https://huggingface.co", "https://huggingface.co/", " http://127.0.0.1:8080 ", "https://hf.example/m"]
)
def test_usable_endpoints_lose_only_the_trailing_slash_and_spaces(value):
    assert checked_endpoint(value) == value.strip().rstrip("/")


@pytest.mark.parametrize("value", ["huggingface.co", "", "http://", "ftp://huggingface.co", "https://hf.co?x=1"])
def test_an_endpoint_that_is_no_http_url_is_refused_by_name(value):
    with pytest.raises(ValueError, match="HF_ENDPOINT must be an http"):
        checked_endpoint(value)


def test_credentials_in_the_endpoint_are_refused_without_repeating_them():
    with pytest.raises(ValueError, match="HF_TOKEN") as refused:
        checked_endpoint("https://user:hf_s3cret@huggingface.co")
    assert "hf_s3cret" not in str(refused.value)


@pytest.mark.parametrize("value", [
    "alice:s3cretpw@huggingface.co",  # no scheme: urlsplit sees no user or password here
    "https://huggingface.co?token=s3cretpw",
    "https://huggingface.co#s3cretpw",
    "hf_s3cretpw",  # a token pasted into the wrong variable
    "https://huggingface.co:s3cretpw",  # not a port: Scrapy's own error would print the value
    "http://[s3cretpw",  # urlsplit itself refuses it
])
def test_a_refused_endpoint_is_never_repeated(value):
    # The reason goes to stderr, the log and crawl_runs.message: whatever was typed may be a secret.
    with pytest.raises(ValueError, match="HF_ENDPOINT") as refused:
        checked_endpoint(value)
    assert "s3cretpw" not in str(refused.value)


@pytest.mark.parametrize(
    ("spider_cls", "args"), [(HubModelsSpider, {}), (HubModelSpider, {"model_id": "org/name"})]
)
def test_a_spider_with_a_bad_endpoint_fails_its_run_with_the_reason(spider_cls, args):
    [output] = first_outputs(spider_cls, "huggingface.co", **args)
    assert isinstance(output, FailedPage)
    assert "HF_ENDPOINT must be an http" in output.reason and "huggingface.co" in output.reason


def test_a_knob_that_is_not_a_number_is_named_in_the_error(monkeypatch):
    """`HUBCRAWL_MAX_RETRIES=five` used to end in "could not convert string to float: 'five'"."""
    from crawler.settings import _env_number

    monkeypatch.setenv("HUBCRAWL_MAX_RETRIES", "five")
    with pytest.raises(ValueError, match=r"HUBCRAWL_MAX_RETRIES must be a number.*'five'"):
        _env_number("HUBCRAWL_MAX_RETRIES", 5)
    monkeypatch.setenv("HUBCRAWL_MAX_RETRIES", " 3 ")
    assert _env_number("HUBCRAWL_MAX_RETRIES", 5) == 3
    monkeypatch.setenv("HUBCRAWL_MAX_RETRIES", "")
    assert _env_number("HUBCRAWL_MAX_RETRIES", 5) == 5


def test_only_the_knobs_read_from_the_environment_are_checked(monkeypatch):
    from crawler.settings import env_problem

    monkeypatch.setenv("HUBCRAWL_PAGE_SIZE", "abc")  # a constant of crawler/settings.py, never read from env
    assert env_problem() is None
    monkeypatch.setenv("HUBCRAWL_BACKOFF_MAX", "soon")
    assert "HUBCRAWL_BACKOFF_MAX" in env_problem()


@pytest.mark.parametrize("value", ["5", "-0.1", "1.5"])
def test_the_removal_share_is_a_fraction(monkeypatch, value):
    # "5" meant as 5% would switch the guard off without a word.
    from crawler.settings import env_problem

    monkeypatch.setenv("HUBCRAWL_MAX_REMOVED_SHARE", value)
    assert "HUBCRAWL_MAX_REMOVED_SHARE must be a number from 0 to 1" in env_problem()
