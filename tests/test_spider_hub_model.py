"""The model-info spider's helpers and callback, on canned responses (no network)."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import pytest
from scrapy.http import Request, TextResponse
from scrapy.utils.test import get_crawler

from crawler.items import FailedPage, ModelGone, ModelInfo
from crawler.spiders.hub_model import MODEL_INFO_EXPAND, HubModelSpider

ENDPOINT = "http://hub.test"


def make_spider(model_id: str = "org/name") -> HubModelSpider:
    crawler = get_crawler(HubModelSpider, {"HF_ENDPOINT": ENDPOINT})
    crawler.spider = crawler._create_spider(model_id=model_id)
    return crawler.spider


def response(url: str, body: bytes, status: int = 200, meta: dict | None = None) -> TextResponse:
    request = Request(url, meta=meta or {})
    return TextResponse(url, body=body, status=status, request=request)


def test_url_asks_for_the_model_tree_spaces_and_evals():
    url = make_spider("meta-llama/Llama-3.1-8B-Instruct").model_url()
    parts = urlsplit(url)
    assert parts.path == "/api/models/meta-llama/Llama-3.1-8B-Instruct"
    expand = [value for key, value in parse_qsl(parts.query) if key == "expand[]"]
    assert expand == list(MODEL_INFO_EXPAND)
    assert {"baseModels", "childrenModelCount", "spaces", "evalResults", "safetensors"} <= set(expand)
    assert "siblings" not in expand


@pytest.mark.parametrize("value", ["", "a/b/c", " ", "has space/x", None])
def test_model_id_must_be_org_slash_name(value):
    with pytest.raises(ValueError):
        HubModelSpider._parse_model_id(value)


def test_legacy_single_segment_and_stray_slashes_are_accepted():
    assert HubModelSpider._parse_model_id("gpt2") == "gpt2"
    assert HubModelSpider._parse_model_id(" /org/name/ ") == "org/name"


def test_info_body_becomes_a_model_info_item(api_samples_dir):
    body = (api_samples_dir / "model-info__google-bert__bert-base-uncased.json").read_bytes()
    url = f"{ENDPOINT}/api/models/google-bert/bert-base-uncased"
    [item] = list(make_spider("google-bert/bert-base-uncased").parse(response(url, body)))
    assert isinstance(item, ModelInfo)
    assert item.raw["id"] == json.loads(body)["id"]
    assert item.requested_id == "google-bert/bert-base-uncased"
    assert item.redirected_from == []


def test_redirect_history_is_kept_for_the_alias():
    old = f"{ENDPOINT}/api/models/bert-base-uncased"
    new = f"{ENDPOINT}/api/models/google-bert/bert-base-uncased"
    body = json.dumps({"_id": "x", "id": "google-bert/bert-base-uncased"}).encode()
    [item] = list(make_spider("bert-base-uncased").parse(response(new, body, meta={"redirect_urls": [old]})))
    assert item.requested_id == "bert-base-uncased"
    assert item.raw["id"] == "google-bert/bert-base-uncased"
    assert item.redirected_from == [old]


@pytest.mark.parametrize("status", [401, 404])
def test_unknown_or_removed_model_is_gone(status):
    spider = make_spider("org/vanished")
    url = f"{ENDPOINT}/api/models/org/vanished"
    [item] = list(spider.parse(response(url, b'{"error":"Invalid username or password."}', status=status)))
    assert isinstance(item, ModelGone)
    assert (item.model_id, item.status) == ("org/vanished", status)
    assert spider.crawler.stats.get_value("hubcrawl/models_gone") == 1


def test_body_without_id_is_a_failure_not_a_model():
    url = f"{ENDPOINT}/api/models/org/name"
    [item] = list(make_spider().parse(response(url, b"[]")))
    assert isinstance(item, FailedPage)


@pytest.mark.parametrize("value", ["org/na?me", "org/name#readme", "org/..", "..", "org/a..b", "-org/name",
                                   "org/name.", "org/" + "n" * 97, "org/na%2Fme", "org/name@main"])
def test_a_model_id_the_hub_cannot_have_is_refused_before_any_request(value):
    """Otherwise the request goes out, the Hub answers 401/404 and the user reads "not on the hub,
    marked removed" for what was a typo. The rule is huggingface_hub's validate_repo_id."""
    with pytest.raises(ValueError, match="org/name"):
        HubModelSpider._parse_model_id(value)


@pytest.mark.parametrize("value", ["gpt2", "google-bert/bert-base-uncased", "Qwen/Qwen2.5-0.5B-Instruct",
                                   "timm/convnext_base.fb_in22k_ft_in1k", "org_1/x.y-z"])
def test_real_hub_ids_are_accepted(value):
    assert HubModelSpider._parse_model_id(value) == value
