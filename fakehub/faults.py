"""Fault injection and real fixed-window quotas for a FakeHub (hf-api.md §3).

Buckets follow the Hub: `api` (/api/...), `resolvers` (any URL with /resolve/), `pages` (the rest).
Windows use the monotonic clock; they say nothing about the wall clock.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

UNLIMITED = 1_000_000  # "effectively unlimited" default quota; still advertised in the headers
DEFAULT_WINDOW = 300


def bucket_of(path: str) -> str:
    if path.startswith("/api/"):
        return "api"
    if "/resolve/" in path:
        return "resolvers"
    return "pages"


def quota_message(bucket: str, quota: int, window: int) -> str:
    """The Hub's 429 wording (hf-api.md §3.3)."""
    period = f"{window // 60} minutes" if window % 60 == 0 else f"{window} seconds"
    return (
        f"We had to rate limit you, you hit the quota of {quota} {bucket} requests per {period} period. "
        "Upgrade to a PRO user or Team/Enterprise organization account (https://hf.co/pricing) to get "
        "higher limits. See https://huggingface.co/docs/hub/rate-limits"
    )


@dataclass(frozen=True)
class RateState:
    """What the RateLimit headers say after counting one request."""

    bucket: str
    remaining: int
    reset_in: int
    quota: int
    window: int
    limited: bool = False  # True: answer 429
    retry_after: int | None = None

    @property
    def headers(self) -> list[tuple[str, str]]:
        headers = [
            ("RateLimit", f'"{self.bucket}";r={self.remaining};t={self.reset_in}'),
            ("RateLimit-Policy", f'"fixed window";"{self.bucket}";q={self.quota};w={self.window}'),
        ]
        if self.retry_after is not None:
            headers.append(("Retry-After", str(self.retry_after)))
        return headers

    @property
    def message(self) -> str:
        return quota_message(self.bucket, self.quota, self.window)


@dataclass
class _Rule:
    remaining: int
    path_prefix: str
    status: int = 500
    retry_after: int = 1


class Faults:
    """Knobs a test turns on a running FakeHub: failures, 429 storms, quotas, latency."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: list[_Rule] = []
        self._storms: list[_Rule] = []
        self._quotas = {"api": UNLIMITED, "resolvers": UNLIMITED, "pages": UNLIMITED}
        self._window = DEFAULT_WINDOW
        self._window_start: dict[str, float] = {}
        self._used: dict[str, int] = {}
        self._delay = 0.0
        self._chunked: list[str] = []

    def stream_chunked(self, path_prefix: str) -> None:
        """Send the bodies of matching paths with `Transfer-Encoding: chunked` and no Content-Length, as a
        CDN may: the client learns the size only while it downloads."""
        with self._lock:
            self._chunked.append(path_prefix)

    def chunked(self, path: str) -> bool:
        with self._lock:
            return any(path.startswith(prefix) for prefix in self._chunked)

    def fail_next(self, n: int, status: int = 500, path_prefix: str = "/api/models") -> None:
        """The next `n` requests whose path starts with `path_prefix` get `status` (a 5xx)."""
        if n > 0:
            with self._lock:
                self._failures.append(_Rule(n, path_prefix, status=status))

    def rate_limit_next(self, n: int, retry_after: int = 1, path_prefix: str = "/") -> None:
        """The next `n` matching requests get 429, `RateLimit: ...;r=0;t=<retry_after>` and Retry-After."""
        if n > 0:
            with self._lock:
                self._storms.append(_Rule(n, path_prefix, retry_after=retry_after))

    def set_quota(
        self, api: int = 500, resolvers: int = 3000, window: int = DEFAULT_WINDOW, pages: int | None = None
    ) -> None:
        """Real fixed-window quotas (the Hub's anonymous plan by default). Restarts every window."""
        with self._lock:
            self._quotas = {
                "api": api,
                "resolvers": resolvers,
                "pages": UNLIMITED if pages is None else pages,
            }
            self._window = window
            self._window_start.clear()
            self._used.clear()

    def delay(self, seconds: float) -> None:
        """Add `seconds` of latency to every response (0 turns it off)."""
        with self._lock:
            self._delay = max(0.0, seconds)

    def reset(self) -> None:
        with self._lock:
            self._failures.clear()
            self._storms.clear()
            self._chunked.clear()
        self.set_quota(UNLIMITED, UNLIMITED, DEFAULT_WINDOW, UNLIMITED)
        self.delay(0)

    # -- used by the server ----------------------------------------------------------------------

    @property
    def delay_seconds(self) -> float:
        return self._delay

    def take_failure(self, path: str) -> int | None:
        with self._lock:
            rule = _take(self._failures, path)
            return rule.status if rule else None

    def count(self, path: str) -> RateState:
        """Count one request against its bucket; say whether it must be refused with 429."""
        bucket = bucket_of(path)
        with self._lock:
            # Read the clock under the lock: a thread holding an older `now` could otherwise see a window
            # that another thread just opened and announce a reset later than the window itself.
            now = time.monotonic()
            quota = self._quotas[bucket]
            start = self._window_start.get(bucket)
            if start is None or now - start >= self._window:
                start, self._window_start[bucket], self._used[bucket] = now, now, 0
            self._used[bucket] += 1
            reset_in = max(1, math.ceil(start + self._window - now))
            storm = _take(self._storms, path)
            if storm is not None:
                return RateState(bucket, 0, storm.retry_after, quota, self._window, True, storm.retry_after)
            remaining = quota - self._used[bucket]
            if remaining < 0:
                return RateState(bucket, 0, reset_in, quota, self._window, True, reset_in)
            return RateState(bucket, remaining, reset_in, quota, self._window)


def _take(rules: list[_Rule], path: str) -> _Rule | None:
    """Use up one shot of the first rule matching `path`."""
    for rule in rules:
        if path.startswith(rule.path_prefix):
            rule.remaining -= 1
            if rule.remaining <= 0:
                rules.remove(rule)
            return rule
    return None
