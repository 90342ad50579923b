"""`hub_model`: refresh one model from `GET /api/models/{id}`.

    scrapy crawl hub_model -a model_id=org/name -s HUBCRAWL_DB=hub.db

A renamed repo answers 307 to its new id: the model is stored under the new id and the old one is
recorded as an alias. 404, or 401 without a token, means the model is gone (or private): it is marked
removed, never deleted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.items import FailedPage, ModelGone, ModelInfo
from crawler.spiders.cards import CardFetchMixin
from crawler.spiders.hub_models import REFUSED_CREDENTIALS_REASON, failed_page_from
from hubcrawl.clock import utc_now_iso
from ingest.jsonbody import decode_json

# Every expand value of the info endpoint (hf-api.md §1.1) except `siblings`: the file list can hold
# thousands of entries per repo and nothing downstream reads it.
MODEL_INFO_EXPAND = (
    "author", "baseModels", "cardData", "childrenModelCount", "config", "createdAt", "disabled",
    "downloads", "downloadsAllTime", "evalResults", "gated", "gguf", "inference",
    "inferenceProviderMapping", "lastModified", "library_name", "likes", "mask_token", "model-index",
    "pipeline_tag", "private", "resourceGroup", "safetensors", "sha", "spaces", "tags",
    "transformersInfo", "trendingScore", "usedStorage", "widgetData",
)
# huggingface_hub's validate_repo_id: an optional namespace, word characters, '-' and '.', neither
# starting nor ending a part with '-' or '.', no '--' or '..', no '.git' suffix, at most 96 characters.
_REPO_ID = re.compile(r"^(\b[\w\-.]+\b/)?\b[\w\-.]+\b$")
REPO_ID_MAX_LENGTH = 96
# The Hub answers 401 to anonymous callers and 404 (RepoNotFound) to authenticated ones.
GONE_STATUSES = (401, 404)


class HubModelSpider(CardFetchMixin, scrapy.Spider):
    name = "hub_model"
    run_kind = "recrawl"
    full_listing = False

    def __init__(self, model_id: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model_id = self._parse_model_id(model_id)

    @staticmethod
    def _parse_model_id(value: str | None) -> str:
        """'org/name' (or a legacy single segment such as 'gpt2'), without stray slashes or spaces.

        An id the Hub cannot have (huggingface_hub's validate_repo_id) is refused here: sent, it
        would come back 401/404 and read as "not on the hub" for what is a typo."""
        model_id = (value or "").strip().strip("/")
        if not _is_hub_repo_id(model_id):
            raise ValueError(
                f"model_id must be a Hub repo id like 'org/name' (letters, digits, '-', '_', '.'; "
                f"at most {REPO_ID_MAX_LENGTH} characters), got {value!r}"
            )
        return model_id

    @property
    def run_args(self) -> dict[str, Any]:
        return {"model_id": self.model_id}

    def model_url(self) -> str:
        endpoint = self.endpoint
        query = urlencode([("expand[]", value) for value in MODEL_INFO_EXPAND])
        return f"{endpoint}/api/models/{quote(self.model_id, safe='/')}?{query}"

    first_request_kind = "model_info"

    def first_request(self) -> scrapy.Request:
        return scrapy.Request(self.model_url(), callback=self.parse, errback=self.request_failed,
                              meta={"handle_httpstatus_list": list(GONE_STATUSES)}, dont_filter=True)

    def parse(self, response: Response) -> Iterator[ModelInfo | ModelGone | FailedPage]:
        fetched_at = utc_now_iso()
        if response.status == 401 and response.request.headers.get("Authorization"):
            # With a token the Hub answers 404 for a missing repo: a 401 means the token was refused,
            # which says nothing about the model. Fail the run; never mark the model removed for it.
            self.crawler.stats.inc_value("hubcrawl/failed_pages")
            yield FailedPage(url=response.url, kind="model_info", status=401, fetched_at=fetched_at,
                             reason=REFUSED_CREDENTIALS_REASON)
            return
        if response.status in GONE_STATUSES:
            self.crawler.stats.inc_value("hubcrawl/models_gone")
            yield ModelGone(model_id=self.model_id, url=response.url, status=response.status,
                            fetched_at=fetched_at)
            return
        try:
            raw = self._parse_body(response.body)
        except ValueError as error:
            self.crawler.stats.inc_value("hubcrawl/failed_pages")
            yield FailedPage(url=response.url, kind="model_info", reason=str(error),
                             status=response.status, fetched_at=fetched_at)
            return
        yield ModelInfo(url=response.url, status=response.status, fetched_at=fetched_at,
                        body=response.body, raw=raw, requested_id=self.model_id,
                        redirected_from=self._parse_redirects(response))

    def request_failed(self, failure: Failure) -> Iterator[FailedPage]:
        self.crawler.stats.inc_value("hubcrawl/failed_pages")
        yield failed_page_from(failure, kind="model_info")

    @staticmethod
    def _parse_body(body: bytes) -> dict:
        data = decode_json(body)
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            raise ValueError("model info body is not a JSON object with an 'id'")
        return data

    @staticmethod
    def _parse_redirects(response: Response) -> list[str]:
        """URLs we were redirected from (307 of a renamed repo), oldest first."""
        return list(response.meta.get("redirect_urls", []))


def _is_hub_repo_id(model_id: str) -> bool:
    return (
        bool(_REPO_ID.match(model_id))
        and len(model_id) <= REPO_ID_MAX_LENGTH
        and "--" not in model_id
        and ".." not in model_id
        and not model_id.endswith(".git")
    )
