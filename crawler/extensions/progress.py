"""Live progress on stderr (pages, models, models/s, errors), for people watching a terminal.

Off unless HUBCRAWL_PROGRESS is true: `hubcrawl crawl` turns it on only when stderr is a tty, so cron
mail stays quiet.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, TextIO

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


def progress_line(*, pages: int, models: int, errors: int, elapsed: float) -> str:
    rate = models / elapsed if elapsed > 0 else 0.0
    return f"{pages:,} pages, {models:,} models, {rate:,.0f} models/s, {errors:,} errors"


class ProgressExtension:
    def __init__(self, crawler: Crawler, interval: float, stream: TextIO) -> None:
        self.crawler = crawler
        self.interval = interval
        self.stream = stream
        self.started = time.monotonic()
        self._loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressExtension:
        if not crawler.settings.getbool("HUBCRAWL_PROGRESS"):
            raise NotConfigured
        extension = cls(crawler, crawler.settings.getfloat("HUBCRAWL_PROGRESS_INTERVAL", 1.0), sys.stderr)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        self.started = time.monotonic()
        self._loop = task.LoopingCall(self.show)
        self._loop.start(self.interval, now=False)

    def spider_closed(self) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        self.show()
        self.stream.write("\n")
        self.stream.flush()

    def show(self) -> None:
        get = self.crawler.stats.get_value
        line = progress_line(pages=get("hubcrawl/pages", 0), models=get("hubcrawl/models_seen", 0),
                             errors=get("hubcrawl/errors", 0), elapsed=time.monotonic() - self.started)
        # \r + erase-to-end-of-line: one line that updates in place.
        self.stream.write(f"\r\x1b[K{line}")
        self.stream.flush()
