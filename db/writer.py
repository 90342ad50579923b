"""The single writer of the core tables: runs, models, tags, edges, snapshots, spaces, children, archive.

A `write_page` call archives the raw body and upserts every model on the page together, so a crash
never leaves half a page. By default each page is its own transaction; a `Writer(group_pages=N,
group_seconds=T)` keeps one transaction open over up to N pages or T seconds (each page inside it a
savepoint), because a commit costs about as much as writing a whole listing page. Every other
method, `flush()` and `close()` commit the open group first.

A first crawl (the first page finds the tags table empty) is a bulk load: the secondary indexes of
tags and models (`BULK_LOAD_INDEXES`) are dropped and built once by `finish_run`/`close` (any Writer
that opens re-creates them if a killed crawl left them missing), and page groups run without per-row
foreign key lookups, since every row a page writes refers to a model the same page upserts. Card
writes and every other transaction keep them.

The writer reads the stored state of the page's models in one query and writes with `executemany`,
which is what makes a 100k-model crawl fast.

How a fact from the API meets a stored fact:

- A value the response carries always wins (API values beat card-derived `params` too).
- A None never erases a stored value for fields that responses often simply do not include
  (`sha`, `author`, `lastModified`, `gated`, `downloadsAllTime`, `trendingScore`, `params`, ...):
  a default list item has no `sha`, and an `expand=` body has only the requested keys.
- `pipeline_tag`, `library_name` and the license are omitted by the Hub when unknown, and
  `inference` whenever the model is not warm, so a None clears them, but only from a body that has
  tags (a list item or a full model-info body; the crawl asks for `inference` with the tags);
  an `expand=` subset without tags says nothing about them.
- Tags are rewritten only when the tag set changed (compared by `tags_hash`), and with them the
  edges the tags imply; an empty tag list (an `expand=` subset) leaves tags alone.
- `api.baseModels` edges are replaced by those of a body that carries the `baseModels` key, even
  empty or null (the model lost its base models); a body without the key leaves them alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from pathlib import Path

from db.connection import open_db
from db.reader import iter_archived_pages, select_in
from ingest.edges import SOURCE_API, SOURCE_TAGS
from ingest.model import ModelFacts

# Level 1 compresses a 1000-item listing page about 5:1 in well under half the time of level 6 (7:1),
# and the archive is written for every page.
ARCHIVE_ZLIB_LEVEL = 1
# Page cache for the writer's connection (negative = KiB): the tags index of a 100k-model crawl
# stays in memory instead of being re-read for every page.
WRITER_CACHE_KIB = 64 * 1024
# Page cache while building the indexes at the end of a first crawl (see _restore_indexes).
INDEX_BUILD_CACHE_KIB = 8 * 1024
# Checkpoint the WAL every 16k pages (64 MiB) rather than every 1k: a listing page touches
# thousands of B-tree pages, so the default would checkpoint (and fsync) on almost every page.
WAL_AUTOCHECKPOINT_PAGES = 16_000

# Secondary indexes (as m001_core defines them) dropped while a first crawl fills empty tables and
# built once at the end: maintaining them row by row costs more than building them from the
# finished tables. Primary keys stay: the writer reads by them.
BULK_LOAD_INDEXES = {
    "tags_tag": "tags(tag)",
    "models_pipeline_tag": "models(pipeline_tag)",
    "models_author": "models(author)",
    "models_last_run": "models(last_run_id)",
}

# Columns of crawl_runs that finish_run may set (names go into SQL). `models_removed` is not one:
# mark_removed and mark_unseen_removed count exactly the rows they flag, so they alone own it.
RUN_COUNTERS = frozenset(
    {
        "pages", "models_seen", "models_new", "models_changed", "requests",
        "retries", "http_429", "errors", "cards_fetched", "cards_not_modified", "cards_missing",
    }
)
OWNED_COUNTERS = {"models_removed": "counted by mark_removed and mark_unseen_removed as they flag models"}

_STORED_COLUMNS = (
    "model_id", "hub_oid", "author", "sha", "pipeline_tag", "library_name", "license",
    "license_name", "license_link", "license_source", "params", "params_source", "gated", "private",
    "disabled", "inference", "created_at", "last_modified", "downloads", "downloads_all_time", "likes",
    "trending_score", "spaces_count", "tags_hash",
)
_SELECT_STORED = f"SELECT {', '.join(_STORED_COLUMNS)} FROM models WHERE model_id IN "

# Every models column the writer sets; first_seen is only set on insert.
_UPSERT_COLUMNS = (
    *_STORED_COLUMNS, "facts_source", "fetched_at", "first_seen", "last_seen", "last_run_id", "removed_at",
)
_UPSERT_MODEL = (
    f"INSERT INTO models ({', '.join(_UPSERT_COLUMNS)}) VALUES ({', '.join('?' * len(_UPSERT_COLUMNS))}) "
    "ON CONFLICT(model_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _UPSERT_COLUMNS if c not in ("model_id", "first_seen"))
)
INSERT_SNAPSHOT_SQL = (
    "INSERT OR REPLACE INTO snapshots (model_id, taken_at, run_id, downloads, downloads_all_time, "
    "likes, trending_score) VALUES (?, ?, ?, ?, ?, ?, ?)"
)
INSERT_EDGE_SQL = (
    "INSERT OR IGNORE INTO model_edges (child_id, parent_id, relation, source, fetched_at) "
    "VALUES (?, ?, ?, ?, ?)"
)
# The common case on a re-crawl: nothing but the bookkeeping changed. Binding 5 values instead of 30.
_TOUCH_MODEL = (
    "UPDATE models SET facts_source = ?, fetched_at = ?, last_seen = ?, last_run_id = ?, removed_at = NULL "
    "WHERE model_id = ?"
)

# Fields a None must not erase (see the module docstring), and those a tagged body may clear.
_KEEP_WHEN_ABSENT = (
    "hub_oid", "author", "sha", "gated", "private", "disabled", "created_at",
    "last_modified", "downloads", "downloads_all_time", "likes", "trending_score",
)
# `inference` is "warm or absent" (hf-api.md §2.3): kept, a model that went cold would stay warm.
_CLEARED_BY_TAGGED_BODY = ("pipeline_tag", "library_name", "inference")
_LICENSE_GROUP = ("license", "license_name", "license_link", "license_source")
_SNAPSHOT_METRICS = ("downloads", "downloads_all_time", "likes", "trending_score")
_CHANGE_FIELDS = (
    "sha", "last_modified", "downloads", "downloads_all_time", "likes", "trending_score", "tags_hash",
    "license", "pipeline_tag", "library_name", "gated",
)

# Rows are lists in _STORED_COLUMNS order; these pick fields by position at C speed (this runs per model).
_POSITION = {name: index for index, name in enumerate(_STORED_COLUMNS)}
_FACT_VALUES = attrgetter(*_STORED_COLUMNS[:-2])  # every stored column but spaces_count and tags_hash
_TAGS_HASH, _PARAMS, _PARAMS_SOURCE, _LICENSE = (
    _POSITION[name] for name in ("tags_hash", "params", "params_source", "license")
)
_KEPT_POSITIONS = tuple(_POSITION[name] for name in (*_KEEP_WHEN_ABSENT, "spaces_count", "tags_hash"))
_CLEARED_POSITIONS = tuple(_POSITION[name] for name in _CLEARED_BY_TAGGED_BODY)
_LICENSE_POSITIONS = tuple(_POSITION[name] for name in _LICENSE_GROUP)
_snapshot_metrics = itemgetter(*(_POSITION[name] for name in _SNAPSHOT_METRICS))
_change_fields = itemgetter(*(_POSITION[name] for name in _CHANGE_FIELDS))


@dataclass
class PageStats:
    seen: int
    new: int
    changed: int


@dataclass
class _PageWrites:
    """Rows collected for one page, written with one executemany per statement."""

    models: list[tuple]
    touched: list[tuple]
    snapshots: list[tuple]
    retagged: list[tuple[ModelFacts, bool]]  # (facts, is_new): new models have no rows to delete
    api_edges: list[ModelFacts]
    with_spaces: list[ModelFacts]
    with_children: list[ModelFacts]


# A full listing may flag at most this many models, or this share of the hub, whichever is more, as
# removed in one run (see Writer.mark_unseen_removed): the Hub loses far fewer between two crawls.
REMOVAL_GUARD_MIN = 1000
REMOVAL_GUARD_SHARE = 0.05


class Writer:
    """Owns one sqlite3 connection (`self.conn`) to a migrated database in WAL mode."""

    def __init__(self, db_path: str | Path, *, group_pages: int = 1, group_seconds: float = 0.0):
        """`group_pages`/`group_seconds`: commit `write_page` calls together, at most that many pages
        or that old (whichever comes first). The default commits every page on its own."""
        self.db = open_db(db_path)
        self.conn: sqlite3.Connection = self.db.conn
        self.conn.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
        self.conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}")
        self.group_pages = max(1, group_pages)
        self.group_seconds = group_seconds
        self._grouped_pages = 0  # pages written in the open group transaction
        self._group_started = 0.0
        self._bulk_load: bool | None = None  # a first crawl? decided at the first page
        self._ensure_indexes()  # a first crawl killed before its end leaves them missing

    def close(self) -> None:
        self.flush()
        self._restore_indexes()
        self.conn.close()

    def flush(self) -> None:
        """Commit the pages written since the last commit; nothing happens when none are pending."""
        if self.conn.in_transaction:
            self.conn.commit()
        self._grouped_pages = 0
        if self._bulk_load:
            self.conn.execute("PRAGMA foreign_keys = ON")  # only page groups run without the checks

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self.flush()
        # IMMEDIATE takes the write lock before the page's stored state is read, so nothing can
        # change between the comparison and the write.
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.rollback()
            raise
        self.conn.commit()

    # ---- runs -------------------------------------------------------------------------------

    def start_run(self, kind: str, args: dict, *, full_listing: bool, pid: int, started_at: str) -> int:
        """Record a new run as 'running' and return its run_id."""
        with self._transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO crawl_runs (kind, args, full_listing, started_at, status, pid) "
                "VALUES (?, ?, ?, ?, 'running', ?)",
                (kind, _args_json(args), int(full_listing), started_at, pid),
            )
        return int(cursor.lastrowid)

    def finish_run(
        self, run_id: int, *, status: str, finished_at: str, counters: dict[str, int], message: str | None
    ) -> None:
        """Close a run. `counters` are final totals: they replace the stored values they name
        (any of RUN_COUNTERS; `models_removed` is already counted by the marking methods)."""
        _check_counter_names(counters)
        self._restore_indexes()
        assignments = "".join(f", {name} = ?" for name in counters)
        with self._transaction() as conn:
            conn.execute(
                f"UPDATE crawl_runs SET status = ?, finished_at = ?, message = ?{assignments} "
                "WHERE run_id = ?",
                (status, finished_at, message, *counters.values(), run_id),
            )

    def mark_stale_runs_interrupted(self, at: str) -> int:
        """'running' runs whose process is gone become 'interrupted'. The caller holds the crawl lock."""
        running = self.conn.execute("SELECT run_id, pid FROM crawl_runs WHERE status = 'running'").fetchall()
        stale = [(at, run_id) for run_id, pid in running if not _process_alive(pid)]
        if stale:
            with self._transaction() as conn:
                conn.executemany(
                    "UPDATE crawl_runs SET status = 'interrupted', finished_at = ?, "
                    "message = coalesce(message, 'process ended without finishing the run') "
                    "WHERE run_id = ? AND status = 'running'",
                    stale,
                )
        return len(stale)

    # ---- pages ------------------------------------------------------------------------------

    def write_page(
        self, run_id: int, *, url: str, status: int, kind: str, fetched_at: str, body: bytes,
        facts: list[ModelFacts],
    ) -> PageStats:
        """Archive one response and upsert its models, atomically (alone or in the open group)."""
        with self._grouped_page() as conn:
            conn.execute(
                "INSERT INTO raw_responses (run_id, url, status, fetched_at, kind, body_zlib) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (run_id, url, status, fetched_at, kind, zlib.compress(body, ARCHIVE_ZLIB_LEVEL)),
            )
            return _write_facts(conn, run_id, facts)

    @contextmanager
    def _grouped_page(self) -> Iterator[sqlite3.Connection]:
        """One page inside the group transaction: a savepoint, so a failing page undoes only itself."""
        if not self.conn.in_transaction:
            self._begin_group()
        self.conn.execute("SAVEPOINT page")
        try:
            yield self.conn
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK TO page")
                self.conn.execute("RELEASE page")
            if not self._grouped_pages:
                self.conn.rollback()  # nothing else pending: do not keep holding the write lock
                self.flush()
            raise
        self.conn.execute("RELEASE page")
        self._grouped_pages += 1
        if (self._grouped_pages >= self.group_pages
                or time.monotonic() - self._group_started >= self.group_seconds):
            self.flush()

    def reingest_archive(self, kind: str | None = None) -> tuple[PageStats, list[str]]:
        """Re-normalize every archived 200 response, oldest first, and write the facts again.

        For when normalization rules changed: no request is made and nothing is re-archived.
        Replaying in archive order leaves each model with the facts of its latest response.
        Returns totals over all pages and the normalization problems.
        """
        from ingest.listing import normalize_body

        totals = PageStats(seen=0, new=0, changed=0)
        problems: list[str] = []
        # Replaying old responses is not seeing a model again: what left the hub stays removed.
        removed = dict(
            self.conn.execute("SELECT model_id, removed_at FROM models WHERE removed_at IS NOT NULL")
        )
        for page in iter_archived_pages(self.conn, kind):
            if page.status != 200:
                continue
            facts, page_problems = normalize_body(
                page.body, kind=page.kind, source_url=page.url, fetched_at=page.fetched_at
            )
            problems += page_problems
            with self._transaction() as conn:
                stats = _write_facts(conn, page.run_id, facts)
                conn.executemany(
                    "UPDATE models SET removed_at = ? WHERE model_id = ?",
                    [(removed[f.model_id], f.model_id) for f in facts if f.model_id in removed],
                )
            totals.seen, totals.new, totals.changed = (
                totals.seen + stats.seen, totals.new + stats.new, totals.changed + stats.changed,
            )
        return totals, problems

    def _begin_group(self) -> None:
        if self._bulk_load is None:
            self._bulk_load = self.conn.execute("SELECT 1 FROM tags LIMIT 1").fetchone() is None
        if self._bulk_load:
            # A page's tags, snapshots and edges belong to models the same page upserts (and
            # last_run_id to a committed run): the per-row foreign key lookups prove nothing here.
            # The pragma only changes outside a transaction; flush() turns the checks back on.
            self.conn.execute("PRAGMA foreign_keys = OFF")
        self.conn.execute("BEGIN IMMEDIATE")
        if self._bulk_load:
            for name in BULK_LOAD_INDEXES:
                self.conn.execute(f"DROP INDEX IF EXISTS {name}")
        self._grouped_pages, self._group_started = 0, time.monotonic()

    # ---- bulk load: a first crawl into an empty tags table ----------------------------------

    def _restore_indexes(self) -> None:
        if self._bulk_load:
            self.flush()
            # The sort behind CREATE INDEX may use as much memory as the page cache: build with a
            # small cache, after releasing the big one, so the crawl's peak RSS does not grow.
            self.conn.execute("PRAGMA shrink_memory")
            self.conn.execute(f"PRAGMA cache_size = -{INDEX_BUILD_CACHE_KIB}")
            try:
                self._create_missing_indexes()
            finally:
                self.conn.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
            self._bulk_load = False

    def _create_missing_indexes(self) -> None:
        with self._transaction() as conn:
            for name, target in BULK_LOAD_INDEXES.items():
                conn.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")

    def _ensure_indexes(self) -> None:
        indexes = self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        present = {name for (name,) in indexes}
        if not present.issuperset(BULK_LOAD_INDEXES):
            self._create_missing_indexes()

    # ---- identity and removal ---------------------------------------------------------------

    def record_alias(self, alias_id: str, model_id: str, seen_at: str) -> None:
        """Remember that `alias_id` now redirects to `model_id` (latest redirect wins)."""
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO model_aliases (alias_id, model_id, seen_at) VALUES (?, ?, ?) "
                "ON CONFLICT(alias_id) DO UPDATE SET "
                "model_id = excluded.model_id, seen_at = excluded.seen_at",
                (alias_id, model_id, seen_at),
            )

    def mark_removed(self, model_id: str, at: str, *, run_id: int | None = None) -> bool:
        """Flag a model the Hub no longer serves. Rows are never deleted. True if newly flagged,
        and then counted in the run's `models_removed` when `run_id` is given."""
        with self._transaction() as conn:
            cursor = conn.execute(
                "UPDATE models SET removed_at = ? WHERE model_id = ? AND removed_at IS NULL", (at, model_id)
            )
            _count_removed(conn, run_id, cursor.rowcount)
        return cursor.rowcount == 1

    def mark_unseen_removed(self, run_id: int, at: str, *, max_share: float = REMOVAL_GUARD_SHARE) -> int:
        """After a complete full-listing run: flag models it did not see. Returns how many.

        A model counts as seen if this run wrote it or anything wrote it after the run started
        (a recrawl running alongside may have updated `last_run_id`).

        Raises ValueError, flagging nothing, when the count is implausible for a hub between two crawls:
        a listing cut short (an empty page, a lost `Link` header) ends just like a complete one. It is
        implausible when more models would be flagged than the run saw, or more than REMOVAL_GUARD_MIN
        models and more than `max_share` of the models the hub had.
        """
        row = self.conn.execute(
            "SELECT full_listing, started_at FROM crawl_runs WHERE run_id = ?", (run_id,)
        ).fetchone()
        if row is None:
            raise ValueError(f"no run {run_id}")
        full_listing, started_at = row
        if not full_listing:
            raise ValueError(f"run {run_id} is not a full listing: absence from it proves nothing")
        with self._transaction() as conn:
            seen = conn.execute(
                "SELECT count(*) FROM models WHERE last_run_id IS ? OR last_seen >= ?", (run_id, started_at)
            ).fetchone()[0]
            cursor = conn.execute(
                "UPDATE models SET removed_at = ? WHERE removed_at IS NULL "
                "AND last_run_id IS NOT ? AND last_seen < ?",
                (at, run_id, started_at),
            )
            if problem := _implausible_removal(cursor.rowcount, seen, max_share):
                raise ValueError(f"{problem}; none marked removed")  # the transaction rolls back
            _count_removed(conn, run_id, cursor.rowcount)
        return cursor.rowcount


def _implausible_removal(unseen: int, seen: int, max_share: float) -> str | None:
    if unseen > seen:
        return (f"{unseen} models unseen but the listing saw only {seen}: "
                "more likely cut short than the hub emptied")
    if unseen > max(REMOVAL_GUARD_MIN, max_share * (seen + unseen)):
        return (f"{unseen} models unseen, {unseen / (seen + unseen):.0%} of the hub: more likely a listing "
                f"cut short than a hub that lost over {max_share:.0%} of its models "
                "(HUBCRAWL_MAX_REMOVED_SHARE)")
    return None


# ---- planning a page: pure Python over the facts and the stored rows -------------------------


def _write_facts(conn: sqlite3.Connection, run_id: int | None, facts: list[ModelFacts]) -> PageStats:
    unique = list({f.model_id: f for f in facts}.values())  # the last occurrence of an id wins
    stored = _stored_rows(conn, [f.model_id for f in unique])
    writes, stats = _plan_page(unique, stored, run_id)
    _apply_page(conn, writes)
    return stats


def _plan_page(
    facts: list[ModelFacts], stored: dict[str, tuple], run_id: int | None
) -> tuple[_PageWrites, PageStats]:
    writes = _PageWrites([], [], [], [], [], [], [])
    new = changed = 0
    for fact in facts:
        old = stored.get(fact.model_id)
        row = _merged_row(fact, old)
        if old is None:
            new += 1
        elif _change_fields(row) != _change_fields(old):
            changed += 1
        if old is not None and tuple(row) == old:
            writes.touched.append((fact.source_url, fact.fetched_at, fact.fetched_at, run_id, fact.model_id))
        else:
            writes.models.append((*row, fact.source_url, fact.fetched_at, fact.fetched_at, fact.fetched_at,
                                  run_id, None))
        if old is None or _snapshot_metrics(row) != _snapshot_metrics(old):
            writes.snapshots.append((fact.model_id, fact.fetched_at, run_id, *_snapshot_metrics(row)))
        if old is None or row[_TAGS_HASH] != old[_TAGS_HASH]:
            writes.retagged.append((fact, old is None))
        if fact.base_models_known:  # the body's baseModels is the whole current set, even when empty
            writes.api_edges.append(fact)
        if fact.spaces is not None:
            writes.with_spaces.append(fact)
        if fact.children is not None:
            writes.with_children.append(fact)
    return writes, PageStats(seen=len(facts), new=new, changed=changed)


def _merged_row(fact: ModelFacts, old: tuple | None) -> list:
    """The models row (in _STORED_COLUMNS order) after this fact, following the module docstring's rules."""
    tagged = bool(fact.tags)
    row = [
        *_FACT_VALUES(fact),
        len(fact.spaces) if fact.spaces is not None else None,
        tags_hash(fact.tags) if tagged else None,
    ]
    if old is None:
        return row
    for position in _KEPT_POSITIONS:
        if row[position] is None:
            row[position] = old[position]
    if not tagged:
        for position in _CLEARED_POSITIONS:
            if row[position] is None:
                row[position] = old[position]
        if row[_LICENSE] is None:
            for position in _LICENSE_POSITIONS:
                row[position] = old[position]
    if row[_PARAMS] is None and old[_PARAMS] is not None:
        # The API said nothing about params: keep what we had (card-derived or an earlier API value).
        row[_PARAMS], row[_PARAMS_SOURCE] = old[_PARAMS], old[_PARAMS_SOURCE]
    return row


def tags_hash(tags: Sequence[str]) -> str:
    """Order-insensitive fingerprint of a tag set (tags cannot contain newlines)."""
    return hashlib.blake2b("\n".join(sorted(tags)).encode(), digest_size=12).hexdigest()


# ---- reading and writing ---------------------------------------------------------------------


def _stored_rows(conn: sqlite3.Connection, model_ids: list[str]) -> dict[str, tuple]:
    """Stored rows (in _STORED_COLUMNS order) of the page's models, by model id."""
    return {values[0]: values for values in select_in(conn, _SELECT_STORED, model_ids)}


def _apply_page(conn: sqlite3.Connection, writes: _PageWrites) -> None:
    conn.executemany(_UPSERT_MODEL, writes.models)
    conn.executemany(_TOUCH_MODEL, writes.touched)
    conn.executemany(INSERT_SNAPSHOT_SQL, writes.snapshots)
    _replace_tags(conn, writes.retagged)
    _replace_edges(conn, writes.retagged, SOURCE_TAGS)
    _replace_edges(conn, [(f, False) for f in writes.api_edges], SOURCE_API)
    _replace_spaces(conn, writes.with_spaces)
    _replace_children(conn, writes.with_children)


def _replace_tags(conn: sqlite3.Connection, retagged: list[tuple[ModelFacts, bool]]) -> None:
    stale = [(f.model_id,) for f, is_new in retagged if not is_new]
    conn.executemany("DELETE FROM tags WHERE model_id = ?", stale)
    # In primary-key order: B-tree inserts then walk the tree forward instead of jumping around.
    rows = sorted((f.model_id, tag) for f, _ in retagged for tag in f.tags)
    conn.executemany("INSERT INTO tags (model_id, tag) VALUES (?, ?)", rows)


def _replace_edges(conn: sqlite3.Connection, changed: list[tuple[ModelFacts, bool]], source: str) -> None:
    facts = [f for f, _ in changed]
    conn.executemany(
        "DELETE FROM model_edges WHERE child_id = ? AND source = ?",
        [(f.model_id, source) for f, is_new in changed if not is_new],
    )
    conn.executemany(
        INSERT_EDGE_SQL,
        [
            (f.model_id, edge.parent_id, edge.relation, source, f.fetched_at)
            for f in facts
            for edge in f.edges
            if edge.source == source
        ],
    )


def _replace_spaces(conn: sqlite3.Connection, facts: list[ModelFacts]) -> None:
    conn.executemany("DELETE FROM model_spaces WHERE model_id = ?", [(f.model_id,) for f in facts])
    conn.executemany(
        "INSERT INTO model_spaces (model_id, space_id, fetched_at) VALUES (?, ?, ?)",
        [(f.model_id, space, f.fetched_at) for f in facts for space in f.spaces or ()],
    )


def _replace_children(conn: sqlite3.Connection, facts: list[ModelFacts]) -> None:
    conn.executemany("DELETE FROM model_children WHERE model_id = ?", [(f.model_id,) for f in facts])
    conn.executemany(
        "INSERT INTO model_children (model_id, relation, count, source, fetched_at) "
        "VALUES (?, ?, ?, 'api.childrenModelCount', ?)",
        [
            (f.model_id, relation, number, f.fetched_at)
            for f in facts
            for relation, number in (f.children or {}).items()
        ],
    )


# ---- small helpers ---------------------------------------------------------------------------


def _args_json(args: dict) -> str:
    # A token must never reach the database, whatever the caller put in args.
    safe = {key: value for key, value in args.items() if "token" not in key.lower()}
    return json.dumps(safe, sort_keys=True, default=str)


def _count_removed(conn: sqlite3.Connection, run_id: int | None, flagged: int) -> None:
    if run_id is not None and flagged:
        conn.execute(
            "UPDATE crawl_runs SET models_removed = models_removed + ? WHERE run_id = ?", (flagged, run_id)
        )


def _check_counter_names(counters: dict[str, int]) -> None:
    owned = set(counters) & set(OWNED_COUNTERS)
    if owned:
        name = sorted(owned)[0]
        raise ValueError(f"{name} cannot be set by finish_run: it is {OWNED_COUNTERS[name]}")
    unknown = set(counters) - RUN_COUNTERS
    if unknown:
        raise ValueError(f"unknown run counters: {sorted(unknown)}")


def _process_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True
