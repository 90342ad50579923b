"""Scrapy settings for hubcrawl.

Used by `scrapy crawl ...` from the repo root (scrapy.cfg points here) and by `hubcrawl crawl`/`recrawl`,
which load this module and override a few values (database path, progress, log level).

Never put HF_TOKEN here: Scrapy logs overridden settings. `crawler.middlewares.hub_auth` reads it from
the environment per request instead.
"""

from __future__ import annotations

import math
import os

from scrapy.settings import default_settings

from crawler import defaults
from db.connection import DEFAULT_DB_PATH

# The knobs read from the environment, with their upper bound (None: any number of 0 or more).
_env_knobs: dict[str, float | None] = {}


def _env_number(name: str, default: float, at_most: float | None = None) -> float:
    """Retry and size knobs can come from the environment: tests and cron wrappers tune them per run."""
    _env_knobs[name] = at_most
    value = (os.environ.get(name) or "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    # Name the variable: the bare float() error does not.
    if at_most is not None and not 0 <= number <= at_most:
        raise ValueError(f"{name} must be a number from 0 to {at_most:g}, got {value!r}")
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"{name} must be a number (0 or more), got {value!r}")
    return number


def env_problem() -> str | None:
    """Why a HUBCRAWL_* knob in the environment is unusable now, or None. The module read the
    environment once, at import; this reads it again (for a command that checks before it starts)."""
    for name, at_most in _env_knobs.items():
        try:
            _env_number(name, 0.0, at_most)
        except ValueError as error:
            return str(error)
    return None


BOT_NAME = "hubcrawl"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# An honest user agent that lets the Hub's operators find us.
USER_AGENT = "hubcrawl/0.1.0 (+https://github.com/hubcrawl/hubcrawl)"

# We only call the Hub's JSON API and raw file URLs, which robots.txt does not govern (it is about HTML
# pages for crawlers); fetching it would also cost one request from the API rate-limit bucket.
ROBOTSTXT_OBEY = False
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Card requests would otherwise carry the listing URL as Referer: useless to the Hub, noise to us.
# The middleware stays enabled with a no-referrer policy: disabling it makes RedirectMiddleware log a
# WARNING on every run, which cron would mail.
REFERRER_POLICY = "no-referrer"

# --- where the data comes from and goes -----------------------------------------------------------
HF_ENDPOINT = os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")
HUBCRAWL_DB = DEFAULT_DB_PATH
# The listing asks for this many models per page; the Hub's observed maximum is 1000.
HUBCRAWL_PAGE_SIZE = 1000

# Model cards (README.md) are fetched during the listing crawl for new models and changed shas only.
# `hubcrawl crawl --no-cards` turns them off.
HUBCRAWL_CARDS = True
# The card parser keeps 1 MB of text; we download up to 8 MiB so the served size and truncation are
# still recorded. Larger READMEs are abandoned mid-download and recorded as errors.
HUBCRAWL_CARD_MAXSIZE = int(_env_number("HUBCRAWL_CARD_MAXSIZE", defaults.CARD_MAXSIZE))
# A card that failed for good (401/403 on a gated repo, 404 without EntryNotFound, a README over the
# cap) is asked again only when the model's sha moves or its last attempt is this many days old.
# Transient failures (5xx, 408, 429, no response at all) are asked again on the next crawl.
HUBCRAWL_CARD_ERROR_RETRY_DAYS = _env_number("HUBCRAWL_CARD_ERROR_RETRY_DAYS", defaults.CARD_ERROR_RETRY_DAYS)
# A full listing that would flag more than this share of the hub as removed (and over 1,000 models) is
# refused and fails: more likely a listing cut short than a real loss. Raise it when the hub truly lost them.
HUBCRAWL_MAX_REMOVED_SHARE = _env_number("HUBCRAWL_MAX_REMOVED_SHARE", defaults.MAX_REMOVED_SHARE, at_most=1)
# Card requests in flight before the listing waits for them (each holds its list item in memory).
HUBCRAWL_CARD_BACKLOG = defaults.CARD_BACKLOG

# --- politeness -----------------------------------------------------------------------------------
# Listing pages are sequential by nature (cursor pagination); the concurrency is for card downloads.
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 8
DOWNLOAD_DELAY = 0
# A 1000-model listing page with cardData can take several seconds on the real Hub.
DOWNLOAD_TIMEOUT = 60
# The largest listing page we have seen is a few MB; a card is capped per request (see the spiders).
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024
DOWNLOAD_WARNSIZE = 32 * 1024 * 1024
AUTOTHROTTLE_ENABLED = False

# --- retries ----------------------------------------------------------------------------------------
# Our middleware replaces Scrapy's RetryMiddleware: it honours Retry-After / RateLimit on 429 and backs
# off exponentially on 5xx and timeouts (Scrapy retries at once: scrapy#3849).
RETRY_ENABLED = True
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
HUBCRAWL_MAX_RETRIES = int(_env_number("HUBCRAWL_MAX_RETRIES", defaults.MAX_RETRIES))
RETRY_TIMES = HUBCRAWL_MAX_RETRIES
# First 5xx/timeout retry waits this many seconds, then 2x, 4x, ... (capped by HUBCRAWL_BACKOFF_MAX):
# 1+2+4+8+16 s rides out a half-minute outage before a page is given up.
HUBCRAWL_BACKOFF_BASE = _env_number("HUBCRAWL_BACKOFF_BASE", defaults.BACKOFF_BASE)
HUBCRAWL_BACKOFF_MAX = _env_number("HUBCRAWL_BACKOFF_MAX", defaults.BACKOFF_MAX)
# The longest we wait on one 429 before retrying, whatever Retry-After says (a 5-minute window at most).
HUBCRAWL_RATE_LIMIT_MAX_WAIT = _env_number("HUBCRAWL_RATE_LIMIT_MAX_WAIT", defaults.RATE_LIMIT_MAX_WAIT)
# 429s are the Hub asking us to wait, not failures: they have their own retry budget.
HUBCRAWL_MAX_RATE_LIMIT_RETRIES = int(
    _env_number("HUBCRAWL_MAX_RATE_LIMIT_RETRIES", defaults.MAX_RATE_LIMIT_RETRIES)
)
# `RateLimit: ...;t=<s>` is whole seconds: wait this much longer before trying again.
HUBCRAWL_RATE_LIMIT_MARGIN = _env_number("HUBCRAWL_RATE_LIMIT_MARGIN", defaults.RATE_LIMIT_MARGIN)
RETRY_GIVE_UP_LOG_LEVEL = "ERROR"

# Scrapy's components that a JSON API crawl does not use: leaving them out keeps startup and each
# request lean. They are filtered out of the `_BASE` defaults rather than set to None in
# DOWNLOADER_MIDDLEWARES/EXTENSIONS, because Scrapy imports every module named there, even to disable
# it: the remote control imports aiohttp and the cookies middleware tldextract (0.25 s of every start).
# Filtering keeps whatever a newer Scrapy adds to the defaults.
UNUSED_DOWNLOADER_MIDDLEWARES = frozenset({
    "scrapy.downloadermiddlewares.retry.RetryMiddleware",  # replaced by BackoffRetryMiddleware
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware",
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware",
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware",
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware",
    "scrapy.downloadermiddlewares.httpproxy.HttpProxyMiddleware",  # replaced by EnvProxyMiddleware
})
UNUSED_EXTENSIONS = frozenset({
    "scrapy.extensions.telnet.TelnetConsole",
    "scrapy.extensions.memdebug.MemoryDebugger",
    "scrapy.extensions.feedexport.FeedExporter",
    "scrapy.extensions.spiderstate.SpiderState",
    "scrapy.extensions.remote_control.RemoteControl",
})
DOWNLOADER_MIDDLEWARES_BASE = {
    path: order for path, order in default_settings.DOWNLOADER_MIDDLEWARES_BASE.items()
    if path not in UNUSED_DOWNLOADER_MIDDLEWARES
}
EXTENSIONS_BASE = {
    path: order for path, order in default_settings.EXTENSIONS_BASE.items() if path not in UNUSED_EXTENSIONS
}

DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.backoff_retry.BackoffRetryMiddleware": 550,
    # After UserAgent (500) and before the download, only for the Hub's host.
    "crawler.middlewares.hub_auth.HubAuthMiddleware": 560,
    # Like curl and huggingface_hub, the crawl honors http_proxy, https_proxy and no_proxy (a cron host
    # behind a proxy has no other way out). Scrapy's own slot for HttpProxyMiddleware.
    "crawler.middlewares.env_proxy.EnvProxyMiddleware": 750,
}
# Proxy user and password bytes as curl and httpx send them (Scrapy's default is latin-1).
HTTPPROXY_AUTH_ENCODING = "utf-8"

ITEM_PIPELINES = {
    "crawler.pipelines.sqlite_writer.SqliteWriterPipeline": 300,
}

EXTENSIONS = {
    "crawler.extensions.progress.ProgressExtension": 500,
}
# Live progress on stderr; `hubcrawl crawl` turns it on when stderr is a terminal.
HUBCRAWL_PROGRESS = False
HUBCRAWL_PROGRESS_INTERVAL = 1.0

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
