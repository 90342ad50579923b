"""Read helpers for the crawler: what is already stored, so it can skip work. No writes here."""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

# IN (...) lists stay far below SQLite's variable limit, whatever the build.
IN_CHUNK = 500


@dataclass
class CardState:
    sha: str | None  # model sha the stored card was fetched at
    etag: str | None  # for If-None-Match
    status: str  # 'ok' | 'missing' | 'error'
    http_status: int | None = None  # of the last attempt; None when no response came back
    fetched_at: str | None = None  # when the last attempt was made
    too_large: bool = False  # an 'error' abandoned over the download cap (stored as truncated)
    # For an 'ok' or 'missing' card kept after a later fetch failed: that failed attempt.
    last_failure: FailedAttempt | None = None


@dataclass(frozen=True)
class FailedAttempt:
    """A failed card fetch that left the stored card in place (table card_fetch_errors)."""

    sha: str | None
    http_status: int | None
    attempted_at: str
    too_large: bool = False


def card_states(conn: sqlite3.Connection, model_ids: list[str]) -> dict[str, CardState]:
    """Stored card state by model id; models without a `cards` row are absent from the result."""
    rows = select_in(
        conn,
        "SELECT c.model_id, c.sha, c.etag, c.status, c.http_status, c.fetched_at, c.truncated, "
        "e.sha, e.http_status, e.attempted_at, e.too_large "
        "FROM cards c LEFT JOIN card_fetch_errors e ON e.model_id = c.model_id WHERE c.model_id IN ",
        model_ids,
    )
    return {
        model_id: CardState(
            sha, etag, status, http_status, fetched_at, status == "error" and bool(truncated),
            FailedAttempt(failed_sha, failed_status, failed_at, bool(failed_large)) if failed_at else None,
        )
        for (model_id, sha, etag, status, http_status, fetched_at, truncated,
             failed_sha, failed_status, failed_at, failed_large) in rows
    }


def select_in(conn: sqlite3.Connection, sql_prefix: str, values: list[str]) -> Iterator[tuple]:
    """Rows of `sql_prefix + "(?, ?, ...)"` over `values` (repeats dropped), one query per IN_CHUNK
    values: `select_in(conn, "SELECT model_id, sha FROM models WHERE model_id IN ", ids)`."""
    unique = list(dict.fromkeys(values))
    for start in range(0, len(unique), IN_CHUNK):
        chunk = unique[start : start + IN_CHUNK]
        # fetchall: a generator abandoned mid-chunk then holds no cursor of a connection that may close.
        yield from conn.execute(sql_prefix + f"({', '.join('?' * len(chunk))})", chunk).fetchall()


@dataclass
class ArchivedPage:
    """One archived response from `raw_responses`, decompressed."""

    id: int
    run_id: int | None
    url: str
    status: int
    fetched_at: str
    kind: str
    body: bytes


def iter_archived_pages(conn: sqlite3.Connection, kind: str | None = None) -> Iterator[ArchivedPage]:
    """Archived responses in the order they were stored, optionally of one kind ('listing', 'model_info').

    One body in memory at a time, and no statement left open between pages, so the caller may write
    through the same connection while iterating (as `Writer.reingest_archive` does).
    """
    for page_id in archived_page_ids(conn, kind):
        page = read_archived_page(conn, page_id)
        if page is not None:
            yield page


def archived_page_ids(conn: sqlite3.Connection, kind: str | None = None) -> list[int]:
    if kind is None:
        rows = conn.execute("SELECT id FROM raw_responses ORDER BY id")
    else:
        rows = conn.execute("SELECT id FROM raw_responses WHERE kind = ? ORDER BY id", (kind,))
    return [row[0] for row in rows]


def read_archived_page(conn: sqlite3.Connection, page_id: int) -> ArchivedPage | None:
    row = conn.execute(
        "SELECT id, run_id, url, status, fetched_at, kind, body_zlib FROM raw_responses WHERE id = ?",
        (page_id,),
    ).fetchone()
    if row is None:
        return None
    *columns, body_zlib = row
    return ArchivedPage(*columns, body=zlib.decompress(body_zlib))
