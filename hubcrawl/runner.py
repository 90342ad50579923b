"""Run a hubcrawl spider in this process, with the project settings plus a few overrides.

The CLI commands use this instead of `scrapy crawl` so that they can hold the crawl lock around the
run and turn its outcome into an exit status.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from scrapy.crawler import AsyncCrawlerProcess
from scrapy.settings import Settings

# Extensions a one-model recrawl does not need; leaving them out keeps its startup short.
LEAN_EXTENSIONS = {
    "scrapy.extensions.logstats.LogStats": None,
    "scrapy.extensions.memusage.MemoryUsage": None,
    "scrapy.extensions.closespider.CloseSpider": None,
    "scrapy.extensions.throttle.AutoThrottle": None,
    "crawler.extensions.progress.ProgressExtension": None,
}


@dataclass(frozen=True, slots=True)
class CrawlOutcome:
    stats: dict[str, Any]

    @property
    def run_id(self) -> int | None:
        return self.stats.get("hubcrawl/run_id")

    @property
    def finish_reason(self) -> str | None:
        return self.stats.get("finish_reason")


def settings_problem() -> str | None:
    """Why the crawl settings cannot load (a malformed HUBCRAWL_* environment variable), or None:
    checked before a command takes the lock or creates the database."""
    try:
        from crawler.settings import env_problem
    except ValueError as error:  # raised while the module reads the environment at import
        return str(error)
    return env_problem()


def crawl_settings(db_path: str, *, verbose: bool = False, progress: bool = False, lean: bool = False,
                   overrides: dict[str, Any] | None = None) -> Settings:
    """crawler.settings (whatever the working directory) plus our command-line choices."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("HUBCRAWL_DB", str(db_path), priority="cmdline")
    settings.set("LOG_LEVEL", "INFO" if verbose else "WARNING", priority="cmdline")
    settings.set("HUBCRAWL_PROGRESS", progress, priority="cmdline")
    if lean:
        extensions = dict(settings.getdict("EXTENSIONS"))
        extensions.update(LEAN_EXTENSIONS)
        settings.set("EXTENSIONS", extensions, priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def run_spider(spider_name: str, settings: Settings, **spider_args: Any) -> CrawlOutcome:
    """Run one spider to completion (blocking) and return its final stats."""
    process = AsyncCrawlerProcess(settings)
    crawler = process.create_crawler(spider_name)
    process.crawl(crawler, **spider_args)
    process.start()
    try:
        stats = dict(crawler.stats.get_stats())
    except RuntimeError:  # the crawl never started (Scrapy logged why)
        stats = {}
    return CrawlOutcome(stats=stats)


def mark_stale_runs_interrupted(db_path: str) -> int:
    """Runs left 'running' by a process that died (kill -9, power loss). Call while holding the lock."""
    from db.writer import Writer
    from hubcrawl.clock import utc_now_iso

    writer = Writer(db_path)
    try:
        return writer.mark_stale_runs_interrupted(utc_now_iso())
    finally:
        writer.close()


def read_run(db_path: str, run_id: int) -> dict[str, Any] | None:
    """The crawl_runs row of a finished run, as a dict."""
    from db.connection import connect

    conn = connect(db_path)
    try:
        conn.row_factory = sqlite3.Row
        row = conn.execute("SELECT * FROM crawl_runs WHERE run_id = ?", (run_id,)).fetchone()
        return dict(row) if row is not None else None
    finally:
        conn.close()
