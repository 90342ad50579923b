"""Items the spiders emit. Plain dataclasses: one per HTTP response, so the pipeline does one
transaction per page (fast) and keeps the raw body for the archive."""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.jsonbody import decode_json


@dataclass(slots=True)
class ListingPage:
    """One page of `GET /api/models`: the raw body, and its items when the spider already decoded them.

    The spider decodes a page only when it must count items (`max_models`); otherwise the writer
    thread decodes it, so that the reactor thread stays free to download the next page.
    """

    url: str
    status: int
    fetched_at: str
    body: bytes
    raw_items: list | None = None

    def items(self) -> list:
        """The page's list items; ValueError when the body is not a JSON array."""
        if self.raw_items is None:
            self.raw_items = parse_listing_body(self.body)
        return self.raw_items


def parse_listing_body(body: bytes) -> list:
    """The JSON array of a listing page; ValueError when the body is not one."""
    data = decode_json(body)
    if not isinstance(data, list):
        raise ValueError(f"listing body is a JSON {type(data).__name__}, not an array")
    return data


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


@dataclass(slots=True)
class CardFetched:
    """The answer to one README request. `outcome`: 'ok' (200), 'not_modified' (304 to our ETag),
    'missing' (404 EntryNotFound: the repo has no README), or 'error' (anything else)."""

    model_id: str
    url: str
    outcome: str
    http_status: int | None
    body: bytes | None
    etag: str | None
    sha: str | None
    fetched_at: str
    api: dict | None = None
    children: dict[str, int] | None = None
    reason: str | None = None
    too_large: bool = False  # abandoned mid-download: larger than HUBCRAWL_CARD_MAXSIZE
