"""Default values of hubcrawl's own crawler settings, in one place.

`crawler/settings.py` publishes them (several can be overridden from the environment, and says why
each value is what it is); the middleware, spiders and pipeline fall back to the same values when
they run with bare Scrapy settings (tests, `scrapy shell`).

Import the module (`from crawler import defaults`), not the names: Scrapy's `setmodule` reads every
upper-case name of crawler/settings.py as a setting.
"""

from __future__ import annotations

from db.writer import REMOVAL_GUARD_SHARE

# Retries (crawler.middlewares.backoff_retry).
MAX_RETRIES = 5
BACKOFF_BASE = 1.0
BACKOFF_MAX = 60.0
RATE_LIMIT_MAX_WAIT = 310.0
MAX_RATE_LIMIT_RETRIES = 20
RATE_LIMIT_MARGIN = 1.0

# Model cards (crawler.spiders.cards, crawler.pipelines.sqlite_writer).
CARD_MAXSIZE = 8 * 1024 * 1024
CARD_BACKLOG = 1000
CARD_ERROR_RETRY_DAYS = 7.0

# Removals (crawler.pipelines.sqlite_writer): the writer's own guard, so that both read one value.
MAX_REMOVED_SHARE = REMOVAL_GUARD_SHARE
