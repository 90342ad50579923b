"""The one data layer behind every page: `load_model` and `load_pair` read the database into views
whose values carry their source and fetch date. HTML, Markdown and JSON all render these views,
so two pages (or two formats of one page) can never disagree.

Reads only the database, never the clock.
"""

from __future__ import annotations

import difflib
import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pages.format import (
    hub_url,
    is_missing,
    outdated_scores_note,
    round_score,
    safe_url,
    spaces_capped,
)
from scoring.breakdown import load_breakdown

DIMENSIONS = ("adoption", "quality", "ecosystem", "momentum")

# Why a value is missing, in words a reader can act on.
NOT_SCORED = "not scored yet: run hubcrawl score"
NOT_REPORTED = "not reported by the Hub"
NO_LICENSE = "no license declared in the card or the tags"
NO_PARAMS = "not reported: no safetensors or GGUF metadata and no count in the card"
NO_SPACES = "not fetched yet: Spaces come from the model info endpoint, run hubcrawl recrawl"
NO_DERIVATIVES = (
    "not fetched yet: exact derivative counts come from the model info endpoint, run hubcrawl recrawl"
)
# Derivatives counted from crawled children only: the Hub may know more (its childrenModelCount).
DERIVATIVES_FLOOR_SOURCE = "model_edges (crawled derivatives only: a lower bound)"
DERIVATIVES_FLOOR_NOTE = "a lower bound: only the derivatives crawled so far; recrawl for the Hub's counts"
NO_CARD = "no model card fetched yet: hubcrawl crawl fetches cards unless --no-cards"
NO_TASK_LABEL = "no task"
# An eval result the card gives without naming its dataset or metric (model-index allows both). Words,
# not "—": the line already uses a dash between dataset and metric ("— — accuracy" said nothing).
NO_EVAL_DATASET = "dataset not named"
NO_EVAL_METRIC = "metric not named"

PARAMS_SOURCE_LABELS = {
    "safetensors.total": "safetensors metadata",
    "gguf.total": "GGUF metadata",
    "card_text": "model card text",
    "model_name": "model name",
}


@dataclass(frozen=True)
class Fact:
    """One shown value with its provenance, or None plus the reason it is missing."""

    value: Any
    source: str | None = None  # a `table.column` or a description of where the value came from
    fetched_at: str | None = None
    missing: str | None = None
    source_url: str | None = None

    @property
    def is_missing(self) -> bool:
        return self.value is None


def make_fact(
    value: Any, source: str | None, fetched_at: str | None, missing_reason: str, source_url: str | None = None
) -> Fact:
    if is_missing(value):
        return Fact(None, source, fetched_at, missing_reason, source_url)
    return Fact(value, source, fetched_at, None, source_url)


@dataclass(frozen=True)
class Signal:
    name: str
    raw: Any
    cap: Any
    transformed: float | None
    weight: float | None
    weight_used: float | None
    contribution: float | None
    source: str | None
    fetched_at: str | None
    missing: str | None


@dataclass(frozen=True)
class Dimension:
    name: str
    score: float | None
    signals: list[Signal]
    missing: str | None


@dataclass(frozen=True)
class Breakdown:
    config_version: str | None
    as_of: str | None
    weights: dict[str, float]
    weights_used: dict[str, float]
    dimensions: list[Dimension]


@dataclass(frozen=True)
class Evidence:
    kind: str
    source_url: str | None
    field: str | None
    section: str | None
    quote: str | None
    eval_id: int | None


@dataclass(frozen=True)
class Capability:
    name: str
    description: str
    confidence: str
    fetched_at: str | None
    evidence: list[Evidence]


@dataclass(frozen=True)
class EvalResult:
    eval_id: int
    dataset: str | None
    dataset_config: str | None
    dataset_split: str | None
    metric: str | None
    value: float | None
    value_text: str | None
    verified: bool | None
    source_kind: str
    source_name: str | None
    source_url: str | None
    fetched_at: str | None
    source_is_card: bool = False  # source_url is the card the claim was read from, not source_name's link


@dataclass(frozen=True)
class Rank:
    position: int  # 1 = highest shown overall score in the task; equal shown scores share a position
    of: int


@dataclass(frozen=True)
class ModelView:
    model_id: str
    slug: str
    hub_url: str
    author: str | None
    removed_at: str | None
    fetched_at: str | None
    facts_source: str | None
    task: Fact
    library: Fact
    scores: dict[str, Fact]  # "overall" plus every dimension, values as stored (renderers round)
    percentile_task: Fact
    percentile_global: Fact
    rank: Fact  # value: Rank
    downloads_30d: Fact
    downloads_all_time: Fact
    likes: Fact
    license: Fact
    license_name: str | None
    license_link: str | None
    params: Fact
    created_at: Fact
    last_modified: Fact
    derivatives: Fact  # value: {relation: count}
    spaces: Fact  # value: count
    space_ids: list[str]
    capabilities_count: Fact
    capabilities: list[Capability]
    evals: list[EvalResult]
    base_models: list[tuple[str, str]]  # (parent_id, relation)
    downloads_history: list[tuple[str, int]]  # (taken_at, downloads 30d), oldest first
    breakdown: Breakdown | None
    card_url: str | None

    @property
    def spaces_capped(self) -> bool:
        """The Spaces count reached the Hub's list limit, so it is a floor (see pages.format)."""
        return spaces_capped(self.spaces.value)

    @property
    def scores_outdated_note(self) -> str | None:
        """Set when the model was fetched again after its scores were computed (see pages.format)."""
        overall = self.scores["overall"]
        return outdated_scores_note(self.model_id, self.fetched_at,
                                    None if overall.is_missing else overall.fetched_at)

    @property
    def scores_outdated(self) -> bool:
        return self.scores_outdated_note is not None


@dataclass(frozen=True)
class PairView:
    a: ModelView
    b: ModelView
    same_task: bool
    caveat: str | None
    as_of: str | None
    slug: str


@dataclass
class RankTable:
    """Positions of every scored, live model within its task, computed once per site build."""

    by_model: dict[str, Rank] = field(default_factory=dict)


class UnknownModelError(LookupError):
    def __init__(self, query: str, suggestions: list[str]):
        super().__init__(query)
        self.query = query
        self.suggestions = suggestions


@contextmanager
def read_snapshot(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One read transaction: every query inside sees the same database state (WAL snapshot), so pages
    built while a crawl is writing cannot straddle its commits and disagree with each other."""
    if conn.in_transaction:  # the caller already holds a transaction: reuse it
        yield conn
        return
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        conn.rollback()  # nothing was written; just end the read transaction


# ---------------------------------------------------------------- ids and slugs


def model_slug(model_id: str) -> str:
    """The canonical slug used in URLs: 'org/name' -> 'org--name'. Every '/' goes (Hub ids have one), so
    an id such as 'a/../../x' names a file inside its folder, never a path out of it."""
    return model_id.replace("/", "--")


def pair_key(a: str, b: str) -> tuple[str, str]:
    """A pair in canonical order (alphabetical by slug), so each pair has exactly one URL."""
    first, second = sorted((a, b), key=lambda m: (model_slug(m).casefold(), model_slug(m)))
    return first, second


def pair_slug(a: str, b: str) -> str:
    first, second = pair_key(a, b)
    return f"{model_slug(first)}-vs-{model_slug(second)}"


def resolve_model_id(conn: sqlite3.Connection, text: str) -> str:
    """The stored id for `org/name`, `org--name` (any case) or a redirected alias; else UnknownModelError."""
    candidates = [text]
    if "/" not in text and "--" in text:
        candidates.append(text.replace("--", "/", 1))
    # Exact matches use the primary keys; the case-insensitive fallback scans, so it runs only if they miss.
    # In each, a live model comes first, then an alias (a renamed model's old row is kept, marked removed),
    # then a removed model.
    lookups = [
        sql.format(collate=collate)
        for collate in ("", " COLLATE NOCASE")
        for sql in (
            "SELECT model_id FROM models WHERE model_id = ?{collate} AND removed_at IS NULL "
            "ORDER BY model_id LIMIT 1",
            "SELECT model_id FROM model_aliases WHERE alias_id = ?{collate} ORDER BY model_id LIMIT 1",
            "SELECT model_id FROM models WHERE model_id = ?{collate} ORDER BY model_id LIMIT 1",
        )
    ]
    for sql in lookups:
        for candidate in candidates:
            row = conn.execute(sql, (candidate,)).fetchone()
            if row:
                return _follow_renames(conn, row[0])
    raise UnknownModelError(text, suggest_model_ids(conn, candidates[-1]))


def _follow_renames(conn: sqlite3.Connection, model_id: str) -> str:
    """From an id that is not a live model, along the aliases (a model renamed twice) to the live one;
    the last id reached when the chain ends elsewhere (or loops)."""
    seen = {model_id}
    while not conn.execute("SELECT 1 FROM models WHERE model_id = ? AND removed_at IS NULL",
                           (model_id,)).fetchone():
        row = conn.execute("SELECT model_id FROM model_aliases WHERE alias_id = ?", (model_id,)).fetchone()
        if row is None or row[0] in seen:
            break
        model_id = row[0]
        seen.add(model_id)
    return model_id


def suggest_model_ids(conn: sqlite3.Connection, text: str, limit: int = 3) -> list[str]:
    """Close ids, searched among a cheap pre-filter (same author or name fragment) rather than every row."""
    author, _, name = text.rpartition("/")
    fragment = (name or text)[:8]
    rows = conn.execute(
        "SELECT model_id FROM models WHERE author = ? COLLATE NOCASE OR model_id LIKE ? LIMIT 2000",
        (author, f"%{fragment}%"),
    ).fetchall()
    pool = [r[0] for r in rows]
    matches = difflib.get_close_matches(text.casefold(), [p.casefold() for p in pool], n=limit, cutoff=0.6)
    by_folded = {p.casefold(): p for p in pool}
    return [by_folded[m] for m in matches]


# ---------------------------------------------------------------- ranks


_SCORED_LIVE_SQL = """
SELECT s.model_id, m.pipeline_tag, s.overall FROM scores s JOIN models m ON m.model_id = s.model_id
WHERE m.removed_at IS NULL"""


ScoreRow = tuple[str, str | None, float]  # (model_id, task, overall)


def scored_live_models(
    conn: sqlite3.Connection,
    *,
    task: str | None = None,
    one_task: bool = False,
    declared_task_only: bool = False,
) -> list[ScoreRow]:
    """(model_id, task, overall) of every scored model still on the Hub: what ranks and suggested pairs
    are computed from. `one_task=True` keeps only `task` (None: models without one);
    `declared_task_only` drops the models without a task."""
    sql, params = _SCORED_LIVE_SQL, ()
    if one_task:
        sql, params = sql + " AND m.pipeline_tag IS ?", (task,)
    elif declared_task_only:
        sql += " AND m.pipeline_tag IS NOT NULL"
    return conn.execute(sql, params).fetchall()


def shown_scores_by_task(rows: list[ScoreRow]) -> dict[str | None, list[tuple[str, Any]]]:
    """(model_id, task, overall) rows grouped by task as (model_id, overall at its shown precision)."""
    by_task: dict[str | None, list[tuple[str, Any]]] = {}
    for model_id, task, overall in rows:
        by_task.setdefault(task, []).append((model_id, round_score(overall)))
    return by_task


def _rank_rows(rows: list[ScoreRow]) -> dict[str, Rank]:
    """Rank by the *shown* (rounded) overall score, so the index never lists 63.4 above 63.4."""
    ranks: dict[str, Rank] = {}
    for members in shown_scores_by_task(rows).values():
        shown = sorted((s for _, s in members if s is not None), reverse=True)
        first_position: dict[Any, int] = {}
        for index, score in enumerate(shown):
            first_position.setdefault(score, index + 1)
        for model_id, score in members:
            if score is not None:
                ranks[model_id] = Rank(position=first_position[score], of=len(shown))
    return ranks


def load_rank_table(conn: sqlite3.Connection) -> RankTable:
    return RankTable(_rank_rows(scored_live_models(conn)))


def _ranks_in_task(conn: sqlite3.Connection, task: str | None) -> dict[str, Rank]:
    return _rank_rows(scored_live_models(conn, task=task, one_task=True))


# ---------------------------------------------------------------- loading one model


def _row(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> dict[str, Any] | None:
    cursor = conn.execute(sql, params)
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([c[0] for c in cursor.description], row, strict=True))


def _rows(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, params)
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _parse_signal(raw: dict[str, Any]) -> Signal:
    return Signal(
        name=str(raw.get("name") or "signal"),
        raw=raw.get("raw"),
        cap=raw.get("cap"),
        transformed=raw.get("transformed"),
        weight=raw.get("weight"),
        weight_used=raw.get("weight_used"),
        contribution=raw.get("contribution"),
        source=raw.get("source"),
        fetched_at=raw.get("fetched_at"),
        missing=raw.get("missing"),
    )


def parse_breakdown(text: str | dict[str, Any] | None) -> Breakdown | None:
    """A breakdown in the contract shape (docs/pages.md), as a dict (what scoring.breakdown.load_breakdown
    returns) or JSON text; None when absent or unreadable."""
    if not text:
        return None
    try:
        data = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    overall = data.get("overall") or {}
    stored_dims = data.get("dimensions") or {}
    dimensions = []
    for name in DIMENSIONS:
        dim = stored_dims.get(name) or {}
        dimensions.append(
            Dimension(
                name=name,
                score=dim.get("score"),
                signals=[_parse_signal(s) for s in dim.get("signals") or [] if isinstance(s, dict)],
                missing=dim.get("missing"),
            )
        )
    return Breakdown(
        config_version=data.get("config_version"),
        as_of=data.get("as_of"),
        weights=dict(overall.get("weights") or {}),
        weights_used=dict(overall.get("weights_used") or {}),
        dimensions=dimensions,
    )


def _score_facts(score_row: dict[str, Any] | None, breakdown: Breakdown | None) -> dict[str, Fact]:
    if score_row is None:
        return {name: Fact(None, "scores", None, NOT_SCORED) for name in ("overall", *DIMENSIONS)}
    computed_at = score_row["computed_at"]
    facts = {"overall": make_fact(score_row["overall"], "scores.overall", computed_at, NOT_SCORED)}
    reasons = {d.name: d.missing for d in breakdown.dimensions} if breakdown else {}
    for name in DIMENSIONS:
        reason = reasons.get(name) or "no signal of this dimension is available"
        facts[name] = make_fact(score_row[name], f"scores.{name}", computed_at, reason)
    return facts


def info_fetched(model: dict[str, Any]) -> bool:
    """Whether the per-model info endpoint has been read (only it gives Spaces; its URL names the model)."""
    return model["spaces_count"] is not None or "/api/models/" in (model["facts_source"] or "")


def _derivatives(conn: sqlite3.Connection, model_id: str, model: dict[str, Any]) -> Fact:
    """Exact counts from the info endpoint when fetched, else a lower bound from crawled children."""
    children = _rows(
        conn, "SELECT relation, count, source, fetched_at FROM model_children WHERE model_id = ?", (model_id,)
    )
    if children:
        counts = {r["relation"]: r["count"] for r in children}
        return Fact(counts, "model_children (api.childrenModelCount)", max(r["fetched_at"] for r in children))
    edges = _rows(
        conn,
        "SELECT relation, count(DISTINCT child_id) AS n, max(fetched_at) AS fetched_at "
        "FROM model_edges WHERE parent_id = ? GROUP BY relation",
        (model_id,),
    )
    if edges:
        counts = {r["relation"]: r["n"] for r in edges}
        return Fact(counts, DERIVATIVES_FLOOR_SOURCE, max(r["fetched_at"] for r in edges))
    if info_fetched(model):  # the info endpoint omits childrenModelCount when there are none
        return Fact({}, "model info endpoint (no childrenModelCount reported)", model["fetched_at"])
    return Fact(None, "model_children", None, NO_DERIVATIVES)


def _spaces(conn: sqlite3.Connection, model_id: str, model: dict[str, Any]) -> tuple[Fact, list[str]]:
    rows = _rows(
        conn,
        "SELECT space_id, fetched_at FROM model_spaces WHERE model_id = ? ORDER BY space_id",
        (model_id,),
    )
    space_ids = [r["space_id"] for r in rows]
    if model["spaces_count"] is not None:
        return Fact(model["spaces_count"], "models.spaces_count", model["fetched_at"]), space_ids
    if rows:
        return Fact(len(rows), "model_spaces", max(r["fetched_at"] for r in rows)), space_ids
    return Fact(None, "models.spaces_count", None, NO_SPACES), space_ids


def _capabilities(
    conn: sqlite3.Connection, model_id: str, eval_sources: dict[int, str | None]
) -> list[Capability]:
    """Capabilities with their evidence; evidence citing an eval result without a link of its own
    links to that result's source, so a benchmark claim is never shown unsourced."""
    caps = _rows(
        conn,
        "SELECT capability_id, name, description, confidence, fetched_at FROM capabilities "
        "WHERE model_id = ? ORDER BY capability_id",
        (model_id,),
    )
    evidence = _rows(
        conn,
        "SELECT e.capability_id, e.kind, e.source_url, e.field, e.section, e.quote, e.eval_id "
        "FROM capability_evidence e JOIN capabilities c ON c.capability_id = e.capability_id "
        "WHERE c.model_id = ? ORDER BY e.rowid",
        (model_id,),
    )
    by_cap: dict[int, list[Evidence]] = {}
    for e in evidence:
        by_cap.setdefault(e["capability_id"], []).append(
            Evidence(
                e["kind"],
                # a javascript:/data: link is dropped from every format
                safe_url(e["source_url"]) or eval_sources.get(e["eval_id"]),
                _text(e["field"]),
                _text(e["section"]),
                _text(e["quote"]),
                e["eval_id"],
            )
        )
    return [
        Capability(
            c["name"], c["description"], c["confidence"], c["fetched_at"], by_cap.get(c["capability_id"], [])
        )
        for c in caps
    ]


def _text(value: Any) -> Any:
    """Card-derived optional values: a stray "None"/"nan"/"" (or NaN) becomes a real None."""
    return None if is_missing(value) else value


def _evals(conn: sqlite3.Connection, model_id: str) -> list[EvalResult]:
    rows = _rows(
        conn,
        "SELECT e.*, c.source_url AS card_source FROM eval_results e "
        "LEFT JOIN cards c ON c.model_id = e.model_id WHERE e.model_id = ? ORDER BY e.eval_id",
        (model_id,),
    )
    return [_eval_result(r) for r in rows]


def _eval_result(r: dict[str, Any]) -> EvalResult:
    # An eval claim is never shown without a source: without a linkable one of its own (none, or a
    # javascript:/data:/relative URL that every format drops), it links to the card it came from.
    own_source = safe_url(r["source_url"])
    return EvalResult(
        eval_id=r["eval_id"],
        dataset=_text(r["dataset_name"]) or _text(r["dataset_id"]),
        dataset_config=_text(r["dataset_config"]),
        dataset_split=_text(r["dataset_split"]),
        metric=_text(r["metric_name"]) or _text(r["metric_type"]),
        value=_text(r["value"]),
        value_text=_text(r["value_text"]),
        verified=None if r["verified"] is None else bool(r["verified"]),
        source_kind=r["source_kind"],
        source_name=_text(r["source_name"]),
        source_url=own_source or _text(r["card_source"]),
        fetched_at=r["fetched_at"],
        source_is_card=own_source is None and not is_missing(r["card_source"]),
    )


def _capabilities_count(
    conn: sqlite3.Connection, model_id: str, capabilities: list[Capability], card: dict[str, Any] | None
) -> Fact:
    if not capabilities and card is None:
        return Fact(None, "capabilities", None, NO_CARD)
    fetched = max(
        (c.fetched_at for c in capabilities if c.fetched_at), default=card["fetched_at"] if card else None
    )
    return Fact(len(capabilities), "capabilities", fetched)


def _license(model: dict[str, Any]) -> Fact:
    source = f"models.license ({model['license_source']})" if model["license_source"] else "models.license"
    return make_fact(model["license"], source, model["fetched_at"], NO_LICENSE)


_REPO_FILE = re.compile(r"(?:\./)?([\w][\w.\-]*(?:/[\w][\w.\-]*)*)")
# What a repo file holding license terms is named like: LICENSE, MODEL_LICENSE, COPYING, NOTICE (upper case,
# by convention), or any document file (license.txt, USE_POLICY.md). A bare word ("MIT", "apache-2.0",
# "llama3.1", "licensed") names a license, not a file.
_LICENSE_FILE_NAME = re.compile(
    r"[\w.\-]*(?:LICEN[CS]E|COPYING|NOTICE)[\w.\-]*|[\w.\-]+\.(?i:md|txt|pdf|rst|html?)"
)


def license_url(model_id: str, declared: str | None) -> str | None:
    """Where the license text is: an http(s) link as declared, or a file of the model's own repo
    (cards often say `license_link: LICENSE.md`) on the Hub. Anything else is dropped."""
    if is_missing(declared):
        return None
    match = _REPO_FILE.fullmatch(declared.strip())
    path = match.group(1) if match else ""
    first, _, rest = path.partition("/")
    looks_like_a_host = "." in first and rest  # "www.apache.org/licenses/…": no scheme, not ours
    looks_like_a_file = bool(_LICENSE_FILE_NAME.fullmatch(path.rpartition("/")[2]))
    if path and ".." not in path and not looks_like_a_host and looks_like_a_file:
        return f"{hub_url(model_id)}/blob/main/{path}"
    return safe_url(declared)


def _params(model: dict[str, Any]) -> Fact:
    label = PARAMS_SOURCE_LABELS.get(model["params_source"] or "", model["params_source"])
    return make_fact(model["params"], label, model["fetched_at"], NO_PARAMS)


def load_model(conn: sqlite3.Connection, model_id: str, *, ranks: RankTable | None = None) -> ModelView:
    """Everything shown about one model. `model_id` must be stored (see resolve_model_id)."""
    model = _row(conn, "SELECT * FROM models WHERE model_id = ?", (model_id,))
    if model is None:
        raise UnknownModelError(model_id, suggest_model_ids(conn, model_id))
    fetched_at, api = model["fetched_at"], model["facts_source"]
    score_row = _row(conn, "SELECT * FROM scores WHERE model_id = ?", (model_id,))
    # scores.breakdown is stored compactly: scoring expands it into the contract shape.
    breakdown = parse_breakdown(load_breakdown(conn, model_id)) if score_row else None
    card = _row(conn, "SELECT status, source_url, fetched_at FROM cards WHERE model_id = ?", (model_id,))
    evals = _evals(conn, model_id)
    capabilities = _capabilities(conn, model_id, {e.eval_id: e.source_url for e in evals})
    derivatives = _derivatives(conn, model_id, model)
    spaces, space_ids = _spaces(conn, model_id, model)
    rank_map = ranks.by_model if ranks is not None else _ranks_in_task(conn, model["pipeline_tag"])
    computed_at = score_row["computed_at"] if score_row else None
    history = conn.execute(
        "SELECT taken_at, downloads FROM snapshots WHERE model_id = ? AND downloads IS NOT NULL "
        "ORDER BY taken_at",
        (model_id,),
    ).fetchall()
    parents = conn.execute(
        "SELECT DISTINCT parent_id, relation FROM model_edges WHERE child_id = ? "
        "ORDER BY parent_id, relation",
        (model_id,),
    ).fetchall()
    rank_reason = f"removed from the Hub on {model['removed_at'][:10]}" if model["removed_at"] else NOT_SCORED
    return ModelView(
        model_id=model_id,
        slug=model_slug(model_id),
        hub_url=hub_url(model_id),
        author=model["author"] or (model_id.split("/")[0] if "/" in model_id else None),
        removed_at=model["removed_at"],
        fetched_at=fetched_at,
        facts_source=api,
        task=make_fact(model["pipeline_tag"], "models.pipeline_tag", fetched_at, NOT_REPORTED, api),
        library=make_fact(model["library_name"], "models.library_name", fetched_at, NOT_REPORTED, api),
        scores=_score_facts(score_row, breakdown),
        percentile_task=make_fact(
            score_row["percentile_task"] if score_row else None,
            "scores.percentile_task",
            computed_at,
            NOT_SCORED,
        ),
        percentile_global=make_fact(
            score_row["percentile_global"] if score_row else None,
            "scores.percentile_global",
            computed_at,
            NOT_SCORED,
        ),
        rank=make_fact(rank_map.get(model_id), "scores.overall within the task", computed_at, rank_reason),
        downloads_30d=make_fact(model["downloads"], "models.downloads", fetched_at, NOT_REPORTED, api),
        downloads_all_time=make_fact(
            model["downloads_all_time"],
            "models.downloads_all_time",
            fetched_at,
            NOT_REPORTED,  # the listing asks for downloadsAllTime too: a gap is the Hub's
            api,
        ),
        likes=make_fact(model["likes"], "models.likes", fetched_at, NOT_REPORTED, api),
        license=_license(model),
        license_name=None if is_missing(model["license_name"]) else model["license_name"],
        license_link=license_url(model_id, model["license_link"]),  # http(s) only, in every format
        params=_params(model),
        created_at=make_fact(model["created_at"], "models.created_at", fetched_at, NOT_REPORTED, api),
        last_modified=make_fact(
            model["last_modified"], "models.last_modified", fetched_at, NOT_REPORTED, api
        ),
        derivatives=derivatives,
        spaces=spaces,
        space_ids=space_ids,
        capabilities_count=_capabilities_count(conn, model_id, capabilities, card),
        capabilities=capabilities,
        evals=evals,
        base_models=[(p, r) for p, r in parents],
        downloads_history=[(t, d) for t, d in history],
        breakdown=breakdown,
        card_url=card["source_url"] if card and card["status"] == "ok" else None,
    )


# ---------------------------------------------------------------- pairs


def cross_task_caveat(a: ModelView, b: ModelView) -> str | None:
    """The warning shown when two models do different jobs; None when their tasks match."""
    if a.task.value is None or b.task.value is None:
        unknown = " and ".join(m.model_id for m in (a, b) if m.task.value is None)
        return (
            f"The Hub declares no task for {unknown}, so these models may do different jobs; "
            "compare their capabilities below before treating one as a substitute for the other."
        )
    if a.task.value == b.task.value:
        return None
    task_a = a.task.value or NO_TASK_LABEL
    task_b = b.task.value or NO_TASK_LABEL
    return (
        f"These models do different jobs: {a.model_id} is {task_a}, {b.model_id} is {task_b}. "
        "Their scores are ranked within different tasks, so a higher number does not make one a "
        "substitute for the other."
    )


def latest(*timestamps: str | None) -> str | None:
    present = [t for t in timestamps if t]
    return max(present) if present else None


def load_pair(conn: sqlite3.Connection, a: str, b: str, *, ranks: RankTable | None = None) -> PairView:
    """Two models side by side, always in canonical (slug) order."""
    first, second = pair_key(a, b)
    view_a = load_model(conn, first, ranks=ranks)
    view_b = load_model(conn, second, ranks=ranks)
    caveat = cross_task_caveat(view_a, view_b)
    return PairView(
        a=view_a,
        b=view_b,
        same_task=caveat is None,
        caveat=caveat,
        as_of=latest(view_a.fetched_at, view_b.fetched_at),
        slug=pair_slug(first, second),
    )
