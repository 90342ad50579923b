"""SqliteWriterPipeline on its own: real Writer, real SQLite file, items built by hand."""

from __future__ import annotations

import asyncio
import json
import sqlite3

import pytest
from scrapy.utils.test import get_crawler

from crawler.items import FailedPage, ListingPage, ModelGone, ModelInfo
from crawler.pipelines.sqlite_writer import SqliteWriterPipeline, card_is_due
from crawler.spiders.hub_model import HubModelSpider
from crawler.spiders.hub_models import HubModelsSpider
from db.reader import CardState, FailedAttempt
from db.writer import REMOVAL_GUARD_MIN

FETCHED_AT = "2026-11-01T06:00:00Z"
URL = "http://hub.test/api/models?limit=1000"


def open_pipeline(db_path, spider_cls=HubModelsSpider, settings: dict | None = None,
                  **spider_args) -> SqliteWriterPipeline:
    # No engine runs here, so no card requests: the card path is covered by the integration tests.
    settings = {"HUBCRAWL_DB": str(db_path), "HF_ENDPOINT": "http://hub.test", "HUBCRAWL_CARDS": False,
                **(settings or {})}
    crawler = get_crawler(spider_cls, settings)
    crawler.spider = crawler._create_spider(**spider_args)
    pipeline = SqliteWriterPipeline.from_crawler(crawler)
    pipeline.open_spider()
    return pipeline


def feed(pipeline: SqliteWriterPipeline, *items: object) -> None:
    async def process_all() -> None:
        for item in items:
            await pipeline.process_item(item)

    asyncio.run(process_all())


def page_of(ids: list[str], url: str = URL) -> ListingPage:
    raw = [{"_id": f"{n:024x}", "id": model_id, "likes": n, "downloads": 10 * n, "tags": ["license:mit"]}
           for n, model_id in enumerate(ids)]
    return ListingPage(url=url, status=200, fetched_at=FETCHED_AT, body=json.dumps(raw).encode())


def renamed_info(raw: dict) -> ModelInfo:
    """The info body a recrawl of "old/name" gets after the Hub's 307 to "new/name"."""
    return ModelInfo(url="http://hub.test/api/models/new/name", status=200, fetched_at=FETCHED_AT,
                     body=json.dumps(raw).encode(), raw=raw, requested_id="old/name",
                     redirected_from=["http://hub.test/api/models/old/name"])


def run_row(db_path) -> dict:
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        return dict(conn.execute("SELECT * FROM crawl_runs ORDER BY run_id DESC LIMIT 1").fetchone())
    finally:
        conn.close()


def models(db_path) -> dict[str, tuple]:
    conn = sqlite3.connect(db_path)
    try:
        return {row[0]: row[1:] for row in conn.execute("SELECT model_id, likes, removed_at FROM models")}
    finally:
        conn.close()


def test_pages_are_stored_and_the_run_finishes_ok(db_path):
    pipeline = open_pipeline(db_path)
    assert run_row(db_path)["status"] == "running"
    feed(pipeline, page_of(["a/one", "a/two"]), page_of(["a/three"], url=URL + "&cursor=x"))
    pipeline.spider_closed("finished")
    run = run_row(db_path)
    assert (run["status"], run["pages"], run["models_seen"], run["models_new"], run["errors"]) == (
        "ok", 2, 3, 3, 0)
    assert run["full_listing"] == 1
    assert set(models(db_path)) == {"a/one", "a/two", "a/three"}


def test_a_failed_page_fails_the_run_with_its_reason(db_path):
    pipeline = open_pipeline(db_path)
    failed = FailedPage(url=URL + "&cursor=y", kind="listing", reason="HTTP 500", status=500,
                        fetched_at=FETCHED_AT)
    feed(pipeline, page_of(["a/one"]), failed)
    pipeline.spider_closed("finished")
    run = run_row(db_path)
    assert run["status"] == "failed"
    assert run["errors"] == 1
    assert "HTTP 500" in run["message"]
    assert set(models(db_path)) == {"a/one"}


def test_a_failed_listing_page_is_named_without_its_expand_list(db_path):
    # The run message is the one line cron mails: the ~18 expand[] fields would bury the page's cursor.
    fields = ["author", "sha", "createdAt", "lastModified", "downloads", "likes", "tags", "cardData"]
    url = (URL + "".join(f"&expand%5B%5D={field}" for field in fields) + "&sort=createdAt&cursor=eyJhIjoxfQ")
    pipeline = open_pipeline(db_path)
    feed(pipeline, FailedPage(url=url, kind="listing", reason="HTTP 503", status=503, fetched_at=FETCHED_AT))
    pipeline.spider_closed("finished")
    message = run_row(db_path)["message"]
    assert "expand" not in message.replace(f"expand[]=({len(fields)} fields)", "")
    assert f"expand[]=({len(fields)} fields)" in message
    assert "sort=createdAt" in message and "cursor=eyJhIjoxfQ" in message and "HTTP 503" in message


def test_a_body_that_is_not_a_list_is_an_error_not_a_silent_skip(db_path):
    pipeline = open_pipeline(db_path)
    feed(pipeline, ListingPage(url=URL, status=200, fetched_at=FETCHED_AT, body=b'{"error": "x"}'))
    pipeline.spider_closed("finished")
    run = run_row(db_path)
    assert (run["status"], run["errors"]) == ("failed", 1)


def test_bad_items_are_counted_and_the_rest_stored(db_path):
    pipeline = open_pipeline(db_path)
    body = json.dumps([{"_id": "1", "id": "a/good"}, {"_id": "2"}, "junk"]).encode()
    feed(pipeline, ListingPage(url=URL, status=200, fetched_at=FETCHED_AT, body=body))
    pipeline.spider_closed("finished")
    assert set(models(db_path)) == {"a/good"}
    assert pipeline.crawler.stats.get_value("hubcrawl/normalize_problems") == 2
    assert "2 list items could not be normalized" in run_row(db_path)["message"]


def test_a_listing_that_lost_a_large_share_fails_unless_the_share_is_allowed(db_path):
    ids = [f"a/m{n:05d}" for n in range(3 * REMOVAL_GUARD_MIN)]
    kept = ids[: len(ids) - REMOVAL_GUARD_MIN - 1]
    first = open_pipeline(db_path)
    feed(first, page_of(ids))
    first.spider_closed("finished")
    cut_short = open_pipeline(db_path)
    feed(cut_short, page_of(kept))
    cut_short.spider_closed("finished")
    run = run_row(db_path)
    assert run["status"] == "failed" and "HUBCRAWL_MAX_REMOVED_SHARE" in run["message"]
    assert not any(removed for _, removed in models(db_path).values())
    allowed = open_pipeline(db_path, settings={"HUBCRAWL_MAX_REMOVED_SHARE": 0.5})
    feed(allowed, page_of(kept))
    allowed.spider_closed("finished")
    assert run_row(db_path)["status"] == "ok"
    assert sum(1 for _, removed in models(db_path).values() if removed) == REMOVAL_GUARD_MIN + 1


def test_full_listing_marks_unseen_models_removed_only_when_ok(db_path):
    first = open_pipeline(db_path)
    feed(first, page_of(["a/stays", "a/goes"]))
    first.spider_closed("finished")
    interrupted = open_pipeline(db_path)
    feed(interrupted, page_of(["a/stays"]))
    interrupted.spider_closed("shutdown")
    assert run_row(db_path)["status"] == "interrupted"
    assert models(db_path)["a/goes"][1] is None
    complete = open_pipeline(db_path)
    feed(complete, page_of(["a/stays"]))
    complete.spider_closed("finished")
    assert models(db_path)["a/goes"][1] is not None
    assert models(db_path)["a/stays"][1] is None
    assert run_row(db_path)["models_removed"] == 1


def test_a_slice_never_marks_removals(db_path):
    first = open_pipeline(db_path)
    feed(first, page_of(["a/one", "b/two"]))
    first.spider_closed("finished")
    sliced = open_pipeline(db_path, author="a")
    feed(sliced, page_of(["a/one"]))
    sliced.spider_closed("finished")
    assert run_row(db_path)["full_listing"] == 0
    assert all(removed_at is None for _, removed_at in models(db_path).values())


def test_model_info_after_a_redirect_records_the_alias(db_path):
    pipeline = open_pipeline(db_path, HubModelSpider, model_id="old/name")
    raw = {"_id": "abc", "id": "new/name", "likes": 5, "spaces": ["s/one"]}
    feed(pipeline, renamed_info(raw))
    pipeline.spider_closed("finished")
    conn = sqlite3.connect(db_path)
    aliases = conn.execute("SELECT alias_id, model_id FROM model_aliases").fetchall()
    conn.close()
    assert aliases == [("old/name", "new/name")]
    assert pipeline.crawler.stats.get_value("hubcrawl/model_id") == "new/name"
    assert run_row(db_path)["kind"] == "recrawl"


@pytest.mark.parametrize("known", [True, False])
def test_a_gone_model_is_marked_removed_and_the_run_still_ok(db_path, known):
    if known:
        first = open_pipeline(db_path)
        feed(first, page_of(["a/gone"]))
        first.spider_closed("finished")
    pipeline = open_pipeline(db_path, HubModelSpider, model_id="a/gone")
    feed(pipeline, ModelGone(model_id="a/gone", url="http://hub.test/api/models/a/gone", status=401,
                             fetched_at=FETCHED_AT))
    pipeline.spider_closed("finished")
    run = run_row(db_path)
    assert run["status"] == "ok"
    assert "a/gone" in run["message"]
    stored = models(db_path)
    if known:
        assert stored["a/gone"][1] == FETCHED_AT
    else:
        assert stored == {}
    assert run["models_removed"] == int(known)
    # The message says what happened to the database: nothing to mark when the model was never stored.
    assert ("marked removed" in run["message"]) == known


# --- which cards a listing page asks for -------------------------------------------------------------
SHA, OTHER_SHA = "a" * 40, "b" * 40
LAST_WEEK, YESTERDAY = "2026-10-25T06:00:00Z", "2026-10-31T06:00:00Z"
RETRY_BEFORE = "2026-10-28T06:00:00Z"  # errors attempted before this are due again


def error_state(http_status: int | None, *, too_large: bool = False) -> CardState:
    return CardState(SHA, None, "error", http_status, YESTERDAY, too_large)


@pytest.mark.parametrize("http_status", [500, 502, 503, 408, 429, None])
def test_a_transient_card_error_is_due_on_the_next_crawl(http_status):
    assert card_is_due(error_state(http_status), SHA, RETRY_BEFORE)


@pytest.mark.parametrize("state", [error_state(401), error_state(403), error_state(404),
                                   error_state(None, too_large=True)])
def test_a_permanent_card_error_waits_for_the_retry_interval_or_a_new_sha(state):
    assert not card_is_due(state, SHA, RETRY_BEFORE)
    assert card_is_due(state, OTHER_SHA, RETRY_BEFORE)
    old = CardState(state.sha, None, "error", state.http_status, LAST_WEEK, state.too_large)
    assert card_is_due(old, SHA, RETRY_BEFORE)


def test_good_and_missing_cards_are_due_only_when_the_sha_moves():
    for status in ("ok", "missing"):
        state = CardState(SHA, '"etag"', status, 200 if status == "ok" else 404, LAST_WEEK)
        assert not card_is_due(state, SHA, RETRY_BEFORE)
        assert card_is_due(state, OTHER_SHA, RETRY_BEFORE)
    assert card_is_due(None, SHA, RETRY_BEFORE)


@pytest.mark.parametrize(("http_status", "too_large", "waits"), [(403, False, True), (None, True, True),
                                                                  (503, False, False), (None, False, False)])
def test_a_good_card_kept_after_a_failed_new_sha_follows_the_failure_rule(http_status, too_large, waits):
    failure = FailedAttempt(OTHER_SHA, http_status, YESTERDAY, too_large)
    state = CardState(SHA, '"etag"', "ok", 200, LAST_WEEK, last_failure=failure)
    assert card_is_due(state, OTHER_SHA, RETRY_BEFORE) is not waits  # the sha that failed
    assert card_is_due(state, "c" * 40, RETRY_BEFORE)  # a newer sha than the failed one: ask
    assert not card_is_due(state, SHA, RETRY_BEFORE)  # back at the stored card's sha
    old = CardState(SHA, '"etag"', "ok", 200, LAST_WEEK,
                    last_failure=FailedAttempt(OTHER_SHA, http_status, LAST_WEEK, too_large))
    assert card_is_due(old, OTHER_SHA, RETRY_BEFORE)  # the retry interval has passed


def test_an_info_body_that_omits_eval_results_says_there_are_none():
    """The recrawl asks for evalResults and model-index; the Hub omits an expanded field that has no
    value (hf-api.md §2.3). The card is then built as "none" rather than "not asked", so rows of
    eval results the repo deleted do not linger."""
    from crawler.pipelines.sqlite_writer import card_api_from_info
    from crawler.spiders.hub_model import MODEL_INFO_EXPAND
    from ingest.cards import build_card_result

    assert {"evalResults", "model-index"} <= set(MODEL_INFO_EXPAND)
    raw = {"_id": "abc", "id": "org/name", "tags": []}
    result = build_card_result("org/name", status="missing", body=None, http_status=404, etag=None,
                               sha=None, source_url="u", fetched_at=FETCHED_AT, api=card_api_from_info(raw))
    assert result.api_eval_results_known and result.api_model_index_known
    assert "evalResults" not in raw  # the archived body is left as served
    served = {**raw, "evalResults": [{"data": {"value": 1}}]}
    assert card_api_from_info(served)["evalResults"] == served["evalResults"]


def test_an_empty_full_listing_fails_the_run_instead_of_removing_every_model(db_path):
    first = open_pipeline(db_path)
    feed(first, page_of(["a/one", "a/two", "a/three"]))
    first.spider_closed("finished")
    empty = open_pipeline(db_path)
    feed(empty, ListingPage(url=URL, status=200, fetched_at=FETCHED_AT, body=b"[]"))
    empty.spider_closed("finished")
    run = run_row(db_path)
    assert run["status"] == "failed"
    assert "not marked removed" in run["message"] and run["models_removed"] == 0
    assert all(removed_at is None for _, removed_at in models(db_path).values())


def test_a_recrawl_that_follows_a_rename_retires_the_old_row(db_path):
    """The old id now redirects: the Hub no longer has a model by that name, as the next full crawl
    would conclude. Left live, the same model would be listed, scored and paired twice until then."""
    listing = open_pipeline(db_path)
    feed(listing, page_of(["old/name", "other/model"]))
    listing.spider_closed("finished")
    recrawl = open_pipeline(db_path, HubModelSpider, model_id="old/name")
    raw = {"_id": "abc", "id": "new/name", "likes": 5, "tags": ["license:mit"]}
    feed(recrawl, renamed_info(raw))
    recrawl.spider_closed("finished")
    stored = models(db_path)
    assert stored["old/name"][1] is not None and stored["new/name"][1] is None
    assert stored["other/model"][1] is None
    run = run_row(db_path)
    assert (run["status"], run["models_removed"]) == ("ok", 1)
    assert "renamed" in run["message"] and "new/name" in run["message"]
