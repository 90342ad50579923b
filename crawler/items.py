"""Items the spiders emit. Plain dataclasses: one per HTTP response, so the pipeline does one
transaction per page (fast) and keeps the raw body for the archive."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class ListingPage:
    """One page of `GET /api/models`: the raw body plus its decoded items."""

    url: str
    status: int
    fetched_at: str
    body: bytes
    raw_items: list = field(default_factory=list)


@dataclass(slots=True)
class ModelInfo:
    """One `GET /api/models/{id}` answer. `requested_id` differs from the body's id after a 307 (rename)."""

    url: str
    status: int
    fetched_at: str
    body: bytes
    raw: dict
    requested_id: str
    redirected_from: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ModelGone:
    """The Hub answered 401/404 for a model: it was removed, made private, or never existed."""

    model_id: str
    url: str
    status: int
    fetched_at: str


@dataclass(slots=True)
class FailedPage:
    """A request that still failed after every retry: recorded as an error, never silently skipped."""

    url: str
    kind: str
    reason: str
    status: int | None
    fetched_at: str
