"""Write every page the spiders fetch into SQLite through `db.writer.Writer`, and record the run.

One pipeline, one writer. While further pages wait for the writer, pages are committed in groups (up
to `WRITE_GROUP_PAGES` pages, at most `WRITE_GROUP_SECONDS` old); as soon as no page waits, the
group is committed. Each group is one transaction holding its pages' archive rows and models: a
crawl killed at any moment leaves a consistent database, and the next run simply rewrites what it
sees.

The writer lives on a single dedicated thread (sqlite3 connections belong to the thread that opened
them), and a listing page is decoded, normalized and written there, in that order: the reactor
thread only downloads, so the next page arrives while this one is written. (Normalizing on the
reactor thread instead was measured 40% slower: SQLite releases the GIL for every row it steps, and
with another thread busy in Python each row then waits to get it back.)

Stats it keeps (read by the progress extension and copied into `crawl_runs` at the end, except
`models_removed`, which the Writer counts in `crawl_runs` itself as it flags models):
`hubcrawl/pages`, `hubcrawl/models_seen|new|changed|removed`, `hubcrawl/normalize_problems`,
`hubcrawl/errors`, `hubcrawl/cards_fetched|cards_not_modified|cards_missing|card_errors`; and where
the time goes: `hubcrawl/normalize_seconds`, `hubcrawl/write_seconds`.

Cards: after a page is written, the models that need their README (see `_cards_needed`) get a
request through `crawler.engine.crawl`; each answer comes back as a `CardFetched` item and is written
here too, so SQLite keeps a single writer.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scrapy import signals

from crawler import defaults
from crawler.items import CardFetched, FailedPage, ListingPage, ModelGone, ModelInfo
from hubcrawl.clock import utc_now, utc_now_iso

if TYPE_CHECKING:
    from db.reader import CardState

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

# Finish reasons that mean someone stopped the crawl rather than it failing.
INTERRUPTED_REASONS = ("shutdown", "cancelled")
# How many failure lines go into crawl_runs.message.
MESSAGE_MAX_FAILURES = 5
# A commit costs about as much as writing a 1000-model page: commit pages in groups, but never keep
# a group (and the write lock) open for long.
WRITE_GROUP_PAGES = 20
WRITE_GROUP_SECONDS = 2.0
# Card failures worth asking again on the next crawl: the Hub was down, slow or rate limiting. Other
# errors (401/403 gated, 404 without EntryNotFound, a README over the cap) wait for the retry interval.
TRANSIENT_CARD_STATUSES = frozenset({408, 429})
EXPAND_KEYS = frozenset({"expand", "expand[]"})


def readable_url(url: str) -> str:
    """`url` for a one-line message: its expand parameters (18 of them on a listing page) collapse to
    their count, so that the page's sort and cursor stay readable in a cron mail."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(key, value) for key, value in pairs if key not in EXPAND_KEYS]
    expanded = len(pairs) - len(kept)
    if not expanded:
        return url
    query = "&".join(filter(None, [urlencode(kept), f"expand[]=({expanded} fields)"]))
    return urlunsplit(parts._replace(query=query))


class CardNeed(NamedTuple):
    """A card to request: the model, the sha it should describe, our ETag, and its API dict."""

    model_id: str
    sha: str | None
    etag: str | None
    api: dict | None = None
    children: dict[str, int] | None = None


class SqliteWriterPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.db_path = crawler.settings.get("HUBCRAWL_DB")
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hubcrawl-writer")
        self.writer: Any = None
        self.run_id: int | None = None
        self.failures: list[str] = []
        self.notes: list[str] = []
        # Where the writer thread's time goes (decode + normalize, write_page): the benchmark's figures.
        self._normalize_seconds = 0.0
        self._write_seconds = 0.0
        # Pages handed to the writer thread and pages it has written: each counter has one writer.
        self._pages_submitted = 0
        self._pages_written = 0
        # Permanent card errors attempted before this moment are due again (see card_is_due).
        retry_days = crawler.settings.getfloat(
            "HUBCRAWL_CARD_ERROR_RETRY_DAYS", defaults.CARD_ERROR_RETRY_DAYS
        )
        self.card_retry_before = (utc_now() - timedelta(days=retry_days)).strftime("%Y-%m-%dT%H:%M:%SZ")
        # The share of the hub a full listing may flag as removed in one run (Writer.mark_unseen_removed).
        self.max_removed_share = crawler.settings.getfloat(
            "HUBCRAWL_MAX_REMOVED_SHARE", defaults.MAX_REMOVED_SHARE
        )
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SqliteWriterPipeline:
        return cls(crawler)

    @property
    def stats(self) -> Any:
        return self.crawler.stats

    # --- lifecycle ----------------------------------------------------------------------------------
    def open_spider(self) -> None:
        spider = self.crawler.spider
        self.run_id = self._on_thread(
            self._start_run, spider.run_kind, spider.run_args, bool(spider.full_listing)
        ).result()
        self.stats.set_value("hubcrawl/run_id", self.run_id)

    def _start_run(self, kind: str, args: dict, full_listing: bool) -> int:
        from db.writer import Writer

        self.writer = Writer(self.db_path, group_pages=WRITE_GROUP_PAGES, group_seconds=WRITE_GROUP_SECONDS)
        return self.writer.start_run(kind, args, full_listing=full_listing, pid=os.getpid(),
                                     started_at=utc_now_iso())

    def spider_closed(self, reason: str) -> None:
        """After every item is processed (pipelines close first): set the run's counters and status."""
        if self.run_id is None:
            return
        status = self.run_status(reason)
        try:
            self._on_thread(self._finish_run, status, reason).result()
        finally:
            self._thread.shutdown(wait=True)

    def run_status(self, reason: str) -> str:
        if reason in INTERRUPTED_REASONS:
            return "interrupted"
        if reason != "finished" or self.failures or self.stats.get_value("spider_exceptions/count"):
            return "failed"
        return "ok"

    def _finish_run(self, status: str, reason: str) -> None:
        finished_at = utc_now_iso()
        spider = self.crawler.spider
        if status == "ok" and spider.full_listing:
            try:
                removed = self.writer.mark_unseen_removed(self.run_id, finished_at,
                                                          max_share=self.max_removed_share)
            except ValueError as implausible:  # a listing cut short: fail the run so nobody publishes it
                status = "failed"
                self._record_failure(f"listing incomplete, models not marked removed: {implausible}")
            else:
                self.stats.inc_value("hubcrawl/models_removed", removed)
        self.writer.finish_run(self.run_id, status=status, finished_at=finished_at,
                               counters=self.run_counters(), message=self.run_message(status, reason))
        self.writer.close()

    def run_counters(self) -> dict[str, int]:
        get = self.stats.get_value
        exceptions = get("spider_exceptions/count", 0)
        return {
            "pages": get("hubcrawl/pages", 0),
            "models_seen": get("hubcrawl/models_seen", 0),
            "models_new": get("hubcrawl/models_new", 0),
            "models_changed": get("hubcrawl/models_changed", 0),
            "requests": get("downloader/request_count", 0),
            "retries": get("retry/count", 0),
            "http_429": get("hubcrawl/http_429", 0),
            "errors": len(self.failures) + exceptions,
            "cards_fetched": get("hubcrawl/cards_fetched", 0),
            "cards_not_modified": get("hubcrawl/cards_not_modified", 0),
            "cards_missing": get("hubcrawl/cards_missing", 0),
        }

    def run_message(self, status: str, reason: str) -> str | None:
        lines = list(self.failures[:MESSAGE_MAX_FAILURES])
        if len(self.failures) > MESSAGE_MAX_FAILURES:
            lines.append(f"... and {len(self.failures) - MESSAGE_MAX_FAILURES} more failures")
        if status != "ok" and reason != "finished":
            lines.append(f"crawl ended early: {reason}")
        if self.stats.get_value("spider_exceptions/count"):
            lines.append(f"{self.stats.get_value('spider_exceptions/count')} spider exceptions (see the log)")
        if card_errors := self.stats.get_value("hubcrawl/card_errors"):
            lines.append(f"{card_errors} model cards could not be fetched (recorded with status 'error')")
        if problems := self.stats.get_value("hubcrawl/normalize_problems"):
            lines.append(f"{problems} list items could not be normalized (see the log)")
        lines.extend(self.notes)
        return "; ".join(lines) or None

    # --- items --------------------------------------------------------------------------------------
    async def process_item(self, item: Any) -> Any:
        try:
            await self._process(item)
        except Exception as error:  # a write that fails must fail the run, loudly, not vanish
            logger.exception("could not store %s", type(item).__name__)
            url = getattr(item, "url", None)
            self._record_failure(f"storing {readable_url(url) if url else item} failed: {error!r}")
        return item

    async def _process(self, item: Any) -> None:
        if isinstance(item, ListingPage):
            self._pages_submitted += 1
            stats, problems, cards = await self._in_thread(self._store_listing, item)
            self._count_page(stats, problems)
            self._request_cards(cards)
        elif isinstance(item, ModelInfo):
            self._pages_submitted += 1
            stats, model_id, cards = await self._in_thread(self._write_model_info, item)
            self._count_page(stats, [])
            self.stats.set_value("hubcrawl/model_id", model_id)
            if model_id != item.requested_id:
                await self._retire_renamed(item.requested_id, model_id, item.fetched_at)
            self._request_cards(cards)
        elif isinstance(item, CardFetched):
            await self._in_thread(self._store_card, item)
            self._count_card(item)
        elif isinstance(item, ModelGone):
            removed = await self._in_thread(self._mark_removed, item)
            self.stats.inc_value("hubcrawl/models_removed", int(removed))
            outcome = "marked removed" if removed else "not stored as a live model, nothing to mark"
            self.notes.append(f"{item.model_id}: HTTP {item.status} from the hub, {outcome}")
        elif isinstance(item, FailedPage):
            where = f"{item.kind} {readable_url(item.url)}" if item.url else item.kind  # no URL: no request
            self._record_failure(f"{where} failed: {item.reason}")

    def _store_listing(self, item: ListingPage) -> tuple[Any, list[str], list[CardNeed]]:
        """On the writer thread: decode, normalize, write; then which of its models need their card.
        ValueError if the body is not a list."""
        try:
            return self._normalize_and_write(item)
        finally:
            self._page_written()

    def _normalize_and_write(self, item: ListingPage) -> tuple[Any, list[str], list[CardNeed]]:
        from ingest.listing import normalize_page

        started = time.perf_counter()
        raw_items = item.items()
        facts, problems = normalize_page(raw_items, source_url=item.url, fetched_at=item.fetched_at)
        item.raw_items = None  # free the decoded items before the write
        normalized = time.perf_counter()
        stats = self.writer.write_page(self.run_id, url=item.url, status=item.status, kind="listing",
                                       fetched_at=item.fetched_at, body=item.body, facts=facts)
        self._normalize_seconds += normalized - started
        self._write_seconds += time.perf_counter() - normalized
        cards = self._cards_needed(facts, raw_items) if self.cards_enabled else []
        return stats, problems, cards

    def _cards_needed(self, facts: list, raw_items: list) -> list[CardNeed]:
        """New models, models whose sha moved, and failed cards that are due (see card_is_due).
        An unchanged model costs no card request."""
        from db.reader import card_states

        states = card_states(self.writer.conn, [fact.model_id for fact in facts])
        needed = []
        for fact in facts:
            state = states.get(fact.model_id)
            if card_is_due(state, fact.sha, self.card_retry_before):
                needed.append(CardNeed(fact.model_id, fact.sha, state.etag if state else None))
        if needed:
            raw_by_id = {raw.get("id"): raw for raw in raw_items if isinstance(raw, dict)}
            needed = [need._replace(api=raw_by_id.get(need.model_id)) for need in needed]
        return needed

    def _request_cards(self, cards: list[CardNeed]) -> None:
        spider = self.crawler.spider
        for card in cards:
            self.crawler.engine.crawl(spider.card_request(
                card.model_id, sha=card.sha, etag=card.etag, api=card.api, children=card.children))

    async def _retire_renamed(self, old_id: str, new_id: str, at: str) -> None:
        """A 307 brought us from `old_id` to `new_id`: the Hub has no model by the old name any more
        (the next full crawl would conclude the same). Its row is kept, marked removed, so the model
        is not listed twice meanwhile; the alias says where it went."""
        retired = await self._in_thread(self._mark_id_removed, old_id, at)
        self.stats.inc_value("hubcrawl/models_removed", int(retired))
        if retired:
            self.notes.append(f"{old_id} was renamed to {new_id} on the hub: the old row is marked removed")

    def _mark_removed(self, item: ModelGone) -> bool:
        return self._mark_id_removed(item.model_id, item.fetched_at)

    def _mark_id_removed(self, model_id: str, at: str) -> bool:
        return self.writer.mark_removed(model_id, at, run_id=self.run_id)

    def _store_card(self, item: CardFetched) -> None:
        """On the writer thread: a 304 only confirms the stored card; anything else replaces it."""
        from db.card_writer import mark_card_not_modified, write_card
        from ingest.cards import build_card_result

        self.writer.flush()  # the card's transaction must not swallow the open group of pages
        if item.outcome == "not_modified":
            mark_card_not_modified(self.writer.conn, item.model_id, sha=item.sha, fetched_at=item.fetched_at)
            return
        result = build_card_result(
            item.model_id, status=item.outcome, body=item.body, http_status=item.http_status,
            etag=item.etag, sha=item.sha, source_url=item.url, fetched_at=item.fetched_at,
            api=item.api, children=item.children, too_large=item.too_large,
        )
        write_card(self.writer.conn, result)

    def _count_card(self, item: CardFetched) -> None:
        name = {"ok": "cards_fetched", "not_modified": "cards_not_modified", "missing": "cards_missing"}
        self.stats.inc_value(f"hubcrawl/{name.get(item.outcome, 'card_errors')}")
        if item.outcome == "error":
            logger.warning("card of %s not fetched (%s): recorded as an error", item.model_id, item.reason)

    @property
    def cards_enabled(self) -> bool:
        return self.crawler.settings.getbool("HUBCRAWL_CARDS", True)

    def _write_model_info(self, item: ModelInfo) -> tuple[Any, str, list[CardNeed]]:
        try:
            return self._write_model_info_page(item)
        finally:
            self._page_written()

    def _write_model_info_page(self, item: ModelInfo) -> tuple[Any, str, list[CardNeed]]:
        from ingest.listing import normalize_model

        facts = normalize_model(item.raw, source_url=item.url, fetched_at=item.fetched_at)
        stats = self.writer.write_page(self.run_id, url=item.url, status=item.status, kind="model_info",
                                       fetched_at=item.fetched_at, body=item.body, facts=[facts])
        if facts.model_id != item.requested_id:
            # A 307 brought us here: the id we asked for is now an alias of the canonical one.
            self.writer.record_alias(item.requested_id, facts.model_id, item.fetched_at)
        cards = []
        if self.cards_enabled:
            # A recrawl always downloads the card, without If-None-Match: the card result is also where
            # this info body's evalResults and model-tree counts are stored, and a 304 would drop them.
            cards = [CardNeed(facts.model_id, facts.sha, None, card_api_from_info(item.raw), facts.children)]
        return stats, facts.model_id, cards

    def _count_page(self, page_stats: Any, problems: list[str]) -> None:
        self.stats.set_value("hubcrawl/normalize_seconds", round(self._normalize_seconds, 3))
        self.stats.set_value("hubcrawl/write_seconds", round(self._write_seconds, 3))
        self.stats.inc_value("hubcrawl/pages")
        self.stats.inc_value("hubcrawl/models_seen", page_stats.seen)
        self.stats.inc_value("hubcrawl/models_new", page_stats.new)
        self.stats.inc_value("hubcrawl/models_changed", page_stats.changed)
        if problems:
            self.stats.inc_value("hubcrawl/normalize_problems", len(problems))
            for problem in problems[:3]:
                logger.warning("item skipped: %s", problem)

    def _record_failure(self, line: str) -> None:
        self.failures.append(line)
        self.stats.inc_value("hubcrawl/errors")
        logger.error(line)

    def _page_written(self) -> None:
        """On the writer thread, after each page: commit the open group unless more pages wait."""
        self._pages_written += 1
        if self._pages_written >= self._pages_submitted:
            self.writer.flush()

    # --- the writer thread --------------------------------------------------------------------------
    def _on_thread(self, function: Any, *args: Any) -> Any:
        return self._thread.submit(function, *args)

    async def _in_thread(self, function: Any, *args: Any) -> Any:
        return await asyncio.wrap_future(self._on_thread(function, *args))


def card_api_from_info(raw: dict) -> dict:
    """The info body as the card builder should read it. The recrawl asks for `evalResults` and
    `model-index`, and the Hub omits an expanded field that has no value: absent here means "none"
    (the stored rows go), unlike a list item, which never carries them (the stored rows stay). The same
    holds for the fields only the info endpoint sends (INFO_ENDPOINT_FIELDS)."""
    from ingest.cards.capabilities import INFO_ENDPOINT_FIELDS  # bs4 and lxml: not for a --no-cards crawl

    return {"evalResults": [], "model-index": None, **dict.fromkeys(INFO_ENDPOINT_FIELDS), **raw}


def card_is_due(state: CardState | None, sha: str | None, retry_before: str) -> bool:
    """Whether a listed model needs its card requested: never fetched, its sha moved, or a failed
    fetch that is worth repeating (transient now; permanent once attempted before `retry_before`).
    A good card kept after a failed fetch of a newer sha follows the same rule for that failure."""
    if state is None:
        return True
    if state.status == "error":
        return state.sha != sha or _retry_due(
            state.http_status, state.too_large, state.fetched_at, retry_before)
    if state.sha == sha:
        return False
    failure = state.last_failure
    if failure is None or failure.sha != sha:
        return True
    return _retry_due(failure.http_status, failure.too_large, failure.attempted_at, retry_before)


def _retry_due(http_status: int | None, too_large: bool, attempted_at: str | None, retry_before: str) -> bool:
    return is_transient_card_error(http_status, too_large) or (attempted_at or "") <= retry_before


def is_transient_card_error(http_status: int | None, too_large: bool = False) -> bool:
    """5xx, 408, 429, or no response at all (a timeout, a reset), unless the download was abandoned
    for being over the size cap: that one will be just as large next time."""
    if http_status is None:
        return not too_large
    return http_status >= 500 or http_status in TRANSIENT_CARD_STATUSES
