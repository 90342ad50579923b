"""Schema, as ordered sqlite-utils migrations. Never edit an applied migration: add a new one.

Conventions, so that people querying the file can rely on them:
- timestamps are UTC ISO-8601 strings ending in "Z" (`2025-03-21T12:14:06Z`);
- every fact carries provenance columns: where it came from (`*_source`, `source_kind`,
  `source_url`), the model `sha` it describes, and when it was fetched (`fetched_at`);
- absent data is NULL, never "", "None" or 0.
"""

from __future__ import annotations

import json

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("hubcrawl")


def _run(db: Database, script: str) -> None:
    """Run `;`-separated statements inside the migration's transaction (no executescript: it commits)."""
    for statement in script.split(";\n"):
        if statement.strip():
            db.execute(statement)


@migrations()
def m001_core(db: Database) -> None:
    _run(
        db,
        """
CREATE TABLE crawl_runs (
    run_id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,                -- 'crawl' (listing) or 'recrawl' (one model)
    args TEXT,                         -- JSON of the slice: sort, limit, author, filter, search, model_id
    full_listing INTEGER NOT NULL DEFAULT 0,  -- 1 when the run covers the whole hub (removals are detected)
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',  -- running | ok | failed | interrupted
    message TEXT,
    pid INTEGER,
    pages INTEGER NOT NULL DEFAULT 0,
    models_seen INTEGER NOT NULL DEFAULT 0,
    models_new INTEGER NOT NULL DEFAULT 0,
    models_changed INTEGER NOT NULL DEFAULT 0,
    models_removed INTEGER NOT NULL DEFAULT 0,
    requests INTEGER NOT NULL DEFAULT 0,
    retries INTEGER NOT NULL DEFAULT 0,
    http_429 INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    cards_fetched INTEGER NOT NULL DEFAULT 0,
    cards_not_modified INTEGER NOT NULL DEFAULT 0,
    cards_missing INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE models (
    model_id TEXT PRIMARY KEY,         -- canonical 'org/name' as the Hub serves it
    hub_oid TEXT,                      -- the Hub's internal _id
    author TEXT,
    sha TEXT,
    pipeline_tag TEXT,
    library_name TEXT,
    license TEXT,                      -- canonical id: SPDX where one exists, else the Hub's id
    license_name TEXT,                 -- for license 'other'
    license_link TEXT,
    license_source TEXT,               -- 'cardData' | 'tags'
    params INTEGER,
    params_source TEXT,                -- 'safetensors.total' | 'gguf.total' | 'card_text' | 'model_name'
    gated TEXT,                        -- 'no' | 'auto' | 'manual'; NULL when the Hub did not say
    private INTEGER,
    disabled INTEGER,
    inference TEXT,
    created_at TEXT,
    last_modified TEXT,
    downloads INTEGER,                 -- rolling 30 days
    downloads_all_time INTEGER,
    likes INTEGER,
    trending_score REAL,
    spaces_count INTEGER,              -- from the info endpoint (capped at 100 by the Hub)
    tags_hash TEXT,                    -- to skip rewriting unchanged tag sets
    facts_source TEXT,                 -- URL of the response the row was last normalized from
    fetched_at TEXT,                   -- when those facts were fetched
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    last_run_id INTEGER REFERENCES crawl_runs(run_id),
    removed_at TEXT                    -- set when the Hub no longer has the model; rows are never deleted
);
CREATE INDEX models_pipeline_tag ON models(pipeline_tag);
CREATE INDEX models_author ON models(author);
CREATE INDEX models_last_run ON models(last_run_id);
CREATE TABLE tags (
    model_id TEXT NOT NULL REFERENCES models(model_id),
    tag TEXT NOT NULL,
    PRIMARY KEY (model_id, tag)
) WITHOUT ROWID;
CREATE INDEX tags_tag ON tags(tag);
CREATE TABLE model_edges (
    child_id TEXT NOT NULL,            -- the derivative
    parent_id TEXT NOT NULL,           -- its base model (may not be crawled yet: no foreign key)
    relation TEXT NOT NULL,            -- finetune | adapter | quantized | merge | unknown
    source TEXT NOT NULL,              -- 'tags' | 'card' | 'api.baseModels'
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (child_id, parent_id, relation, source)
) WITHOUT ROWID;
CREATE INDEX model_edges_parent ON model_edges(parent_id, relation);
CREATE TABLE snapshots (
    model_id TEXT NOT NULL REFERENCES models(model_id),
    taken_at TEXT NOT NULL,
    run_id INTEGER REFERENCES crawl_runs(run_id),
    downloads INTEGER,
    downloads_all_time INTEGER,
    likes INTEGER,
    trending_score REAL,
    PRIMARY KEY (model_id, taken_at)
) WITHOUT ROWID;
CREATE TABLE model_aliases (
    alias_id TEXT PRIMARY KEY,         -- the old id that now redirects
    model_id TEXT NOT NULL,            -- where it redirects to
    seen_at TEXT NOT NULL
);
CREATE TABLE model_spaces (
    model_id TEXT NOT NULL REFERENCES models(model_id),
    space_id TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (model_id, space_id)
) WITHOUT ROWID;
CREATE TABLE model_children (
    model_id TEXT NOT NULL REFERENCES models(model_id),
    relation TEXT NOT NULL,
    count INTEGER NOT NULL,
    source TEXT NOT NULL,              -- 'api.childrenModelCount'
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (model_id, relation)
) WITHOUT ROWID;
CREATE TABLE raw_responses (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES crawl_runs(run_id),
    url TEXT NOT NULL,                 -- never contains a token: tokens travel in headers
    status INTEGER NOT NULL,
    fetched_at TEXT NOT NULL,
    kind TEXT NOT NULL,                -- 'listing' | 'model_info'
    body_zlib BLOB NOT NULL
);
CREATE INDEX raw_responses_run ON raw_responses(run_id)
""",
    )
    _create_overview(db, with_cards=False)


def _create_overview(db: Database, *, with_cards: bool) -> None:
    card_columns = (
        """,
    c.status = 'ok' AS has_card,
    c.parse_error AS card_parse_error,
    (SELECT count(*) FROM eval_results e WHERE e.model_id = m.model_id) AS eval_results,
    (SELECT count(*) FROM capabilities k WHERE k.model_id = m.model_id) AS capabilities"""
        if with_cards
        else ""
    )
    card_join = "LEFT JOIN cards c ON c.model_id = m.model_id" if with_cards else ""
    db.execute("DROP VIEW IF EXISTS model_overview")
    db.execute(
        f"""
CREATE VIEW model_overview AS
SELECT
    m.model_id,
    m.author,
    m.pipeline_tag AS task,
    m.library_name AS library,
    m.license,
    m.license_name,
    m.license_link,
    m.downloads AS downloads_30d,
    m.downloads_all_time,
    m.likes,
    m.trending_score,
    m.params,
    m.params_source,
    m.created_at,
    m.last_modified,
    m.sha,
    m.gated,
    m.spaces_count,
    m.fetched_at,
    m.first_seen,
    m.last_seen,
    m.removed_at IS NOT NULL AS removed,
    m.removed_at{card_columns}
FROM models m
{card_join}"""
    )


@migrations()
def m002_cards(db: Database) -> None:
    _run(
        db,
        """
CREATE TABLE cards (
    model_id TEXT PRIMARY KEY REFERENCES models(model_id),
    status TEXT NOT NULL,              -- 'ok' | 'missing' (404 EntryNotFound) | 'error'
    sha TEXT,                          -- model sha the card was fetched at
    etag TEXT,                         -- for If-None-Match
    source_url TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    http_status INTEGER,
    size_bytes INTEGER,                -- size as served, before any cap
    truncated INTEGER NOT NULL DEFAULT 0,
    decode_replaced INTEGER NOT NULL DEFAULT 0,
    text_zlib BLOB,                    -- the (possibly capped) text, zlib-compressed UTF-8
    parse_error TEXT,                  -- NULL when the front matter parsed cleanly
    front_matter TEXT                  -- JSON of the parsed YAML front matter
);
CREATE TABLE card_metadata (
    model_id TEXT PRIMARY KEY REFERENCES models(model_id),
    license TEXT,
    license_name TEXT,
    license_link TEXT,
    base_models TEXT,                  -- JSON list
    base_model_relation TEXT,
    datasets TEXT,                     -- JSON list
    languages TEXT,                    -- JSON list
    pipeline_tag TEXT,
    library_name TEXT,
    tags TEXT,                         -- JSON list
    gating TEXT,                       -- JSON of extra_gated_* fields
    params_claim INTEGER,              -- parameter count claimed in prose
    params_claim_source TEXT,          -- 'card_text' | 'model_name'
    params_claim_evidence TEXT,        -- the sentence (or name) it came from
    sha TEXT,
    fetched_at TEXT NOT NULL
);
CREATE TABLE fact_conflicts (
    model_id TEXT NOT NULL REFERENCES models(model_id),
    field TEXT NOT NULL,               -- e.g. 'license'
    values_by_source TEXT NOT NULL,    -- JSON {source: value}
    sha TEXT,
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (model_id, field)
) WITHOUT ROWID;
CREATE TABLE eval_results (
    eval_id INTEGER PRIMARY KEY,
    model_id TEXT NOT NULL REFERENCES models(model_id),
    source_kind TEXT NOT NULL,         -- 'model-index' | 'evalResults'
    task_type TEXT,
    task_name TEXT,
    dataset_id TEXT,
    dataset_name TEXT,
    dataset_config TEXT,
    dataset_split TEXT,
    metric_type TEXT,
    metric_name TEXT,
    value REAL,                        -- numeric value when it is a number
    value_text TEXT,                   -- the value as written
    verified INTEGER,                  -- 1 verified by the Hub, 0 self-reported, NULL unknown
    source_name TEXT,
    source_url TEXT,                   -- the claim's own source when given, else the card URL
    sha TEXT,
    fetched_at TEXT NOT NULL
);
CREATE INDEX eval_results_model ON eval_results(model_id);
CREATE TABLE card_links (
    model_id TEXT NOT NULL REFERENCES models(model_id),
    kind TEXT NOT NULL,                -- 'github' | 'arxiv' | 'paper' | 'project' | 'space'
    url TEXT NOT NULL,
    target TEXT,                       -- arXiv id, owner/repo, space id
    sha TEXT,
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (model_id, kind, url)
) WITHOUT ROWID;
CREATE TABLE card_sections (
    model_id TEXT NOT NULL REFERENCES models(model_id),
    ord INTEGER NOT NULL,              -- document order
    level INTEGER NOT NULL,            -- heading level, 0 for text before the first heading
    heading TEXT,
    path TEXT NOT NULL,                -- 'Uses > Direct Use'
    text TEXT NOT NULL,                -- readable text, HTML stripped
    sha TEXT,
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (model_id, ord)
) WITHOUT ROWID;
CREATE TABLE capabilities (
    capability_id INTEGER PRIMARY KEY,
    model_id TEXT NOT NULL REFERENCES models(model_id),
    name TEXT NOT NULL,
    description TEXT NOT NULL,         -- assembled from facts, never generated prose
    confidence TEXT NOT NULL,          -- 'high' | 'medium' | 'low'
    sha TEXT,
    fetched_at TEXT NOT NULL
);
CREATE INDEX capabilities_model ON capabilities(model_id);
CREATE TABLE capability_evidence (
    capability_id INTEGER NOT NULL REFERENCES capabilities(capability_id) ON DELETE CASCADE,
    -- 'api_field' | 'card_section' | 'eval_result' | 'model_tree' | 'inference'
    kind TEXT NOT NULL,
    source_url TEXT,
    field TEXT,                        -- API field or front-matter key
    section TEXT,                      -- card section path
    quote TEXT,                        -- quoted span or value
    eval_id INTEGER REFERENCES eval_results(eval_id) ON DELETE CASCADE
);
CREATE INDEX capability_evidence_cap ON capability_evidence(capability_id)
""",
    )
    _create_overview(db, with_cards=True)


@migrations()
def m003_scores(db: Database) -> None:
    _run(
        db,
        """
CREATE TABLE scores (
    model_id TEXT PRIMARY KEY REFERENCES models(model_id),
    config_version TEXT NOT NULL,
    computed_at TEXT NOT NULL,
    overall REAL NOT NULL,             -- 0-100
    adoption REAL,                     -- 0-100; NULL when no signal of the dimension exists
    quality REAL,
    ecosystem REAL,
    momentum REAL,                     -- NULL until there is history
    percentile_global REAL,
    percentile_task REAL,
    breakdown TEXT NOT NULL            -- JSON: each signal's raw, transformed, weight, contribution, source
)
""",
    )


@migrations()
def m005_score_configs(db: Database) -> None:
    """What every stored breakdown of a config version shares, stored once (scores.breakdown keeps only
    per-model values, see scoring/breakdown.py), and a view that joins them back: one row per model and
    signal, for tracing a score in SQL (docs/scoring.md)."""
    _run(
        db,
        """
CREATE TABLE score_configs (
    config_version TEXT PRIMARY KEY,
    -- JSON: version, overall_weights, dimensions[{name, signals[{name, cap, weight, transform,
    -- sources[], missing}]}], missing_reasons{code: wording}
    definition TEXT NOT NULL
);
CREATE VIEW score_signals AS
SELECT s.model_id,
       s.config_version,
       json_extract(c.definition, '$.dimensions[' || d.key || '].name') AS dimension,
       json_extract(c.definition, '$.dimensions[' || d.key || '].signals[' || sig.key || '].name') AS signal,
       json_extract(sig.value, '$[0]') AS raw,
       json_extract(c.definition, '$.dimensions[' || d.key || '].signals[' || sig.key || '].cap') AS cap,
       json_extract(sig.value, '$[1]') AS transformed,
       json_extract(c.definition, '$.dimensions[' || d.key || '].signals[' || sig.key || '].weight')
           AS weight,
       json_extract(sig.value, '$[2]') AS weight_used,
       json_extract(sig.value, '$[3]') AS contribution,
       json_extract(c.definition, '$.dimensions[' || d.key || '].signals[' || sig.key || '].sources['
                    || ifnull(json_extract(sig.value, '$[6]'), 0) || ']') AS source,
       CASE json_type(sig.value, '$[4]') WHEN 'integer' THEN json_extract(s.breakdown, '$[2]')
            WHEN 'text' THEN json_extract(sig.value, '$[4]') END AS fetched_at,
       json_extract(c.definition, '$.missing_reasons.' || json_extract(sig.value, '$[5]')) AS missing
FROM scores s
JOIN score_configs c ON c.config_version = s.config_version,
     json_each(s.breakdown, '$[4]') AS d,
     json_each(d.value) AS sig
""",
    )


@migrations()
def m006_card_fetch_errors(db: Database) -> None:
    """The last failed fetch of a card whose good version was kept: without it, a model whose newer
    README keeps failing (gated, over the size cap) would look due on every crawl (its stored card
    still describes the old sha)."""
    _run(
        db,
        """
CREATE TABLE card_fetch_errors (
    model_id TEXT PRIMARY KEY REFERENCES models(model_id),
    sha TEXT,                          -- the model sha the failed fetch was for
    http_status INTEGER,               -- NULL when no response came back
    too_large INTEGER NOT NULL DEFAULT 0,  -- abandoned over the download size cap
    attempted_at TEXT NOT NULL
)
""",
    )


@migrations()
def m007_card_section_paths(db: Database) -> None:
    """Section paths by model, without the section texts: scoring reads every card's headings (card
    completeness), and a scan of `card_sections` itself would read every section's text as well."""
    db.execute("CREATE INDEX card_sections_paths ON card_sections(model_id, path)")


@migrations()
def m008_breakdown_without_weights_used(db: Database) -> None:
    """A third as many bytes per `scores.breakdown` (a million rows are rewritten on every scoring): the
    config version and the as-of time leave the row (they are columns), and so do the weights used, which
    depend only on which signals are present: `score_configs.definition` keeps them once per pattern. A
    signal at zero is a bare number and a missing one its reason's code. Stored rows are rewritten in the
    new shape and their weights used move to the definition, nothing recomputed; a row of a shape we never
    wrote is left as it is. The view reads the new shape with the same columns (docs/scoring.md)."""
    db.execute("DROP VIEW IF EXISTS score_signals")
    _compact_stored_breakdowns(db)
    _run(
        db,
        """
CREATE VIEW score_signals AS
SELECT s.model_id,
       s.config_version,
       json_extract(c.definition, '$.dimensions[' || d.key || '].name') AS dimension,
       json_extract(c.definition, '$.dimensions[' || d.key || '].signals[' || sig.key || '].name') AS signal,
       CASE sig.type WHEN 'array' THEN json_extract(sig.value, '$[0]') WHEN 'text' THEN NULL
            ELSE sig.value END AS raw,
       json_extract(c.definition, '$.dimensions[' || d.key || '].signals[' || sig.key || '].cap') AS cap,
       CASE sig.type WHEN 'array' THEN json_extract(sig.value, '$[1]') WHEN 'text' THEN NULL
            ELSE 0.0 END AS transformed,
       json_extract(c.definition, '$.dimensions[' || d.key || '].signals[' || sig.key || '].weight')
           AS weight,
       CASE WHEN sig.type = 'text' THEN 0.0 ELSE json_extract(c.definition,
           '$.weights_used[' || d.key || ']."'
           || (SELECT sum(1 << present.key) FROM json_each(d.value) AS present WHERE present.type != 'text')
           || '"[' || sig.key || ']') END AS weight_used,
       CASE sig.type WHEN 'array' THEN json_extract(sig.value, '$[2]') ELSE 0.0 END AS contribution,
       json_extract(c.definition, '$.dimensions[' || d.key || '].signals[' || sig.key || '].sources['
                    || CASE sig.type WHEN 'array' THEN ifnull(json_extract(sig.value, '$[4]'), 0) ELSE 0 END
                    || ']') AS source,
       CASE WHEN sig.type = 'text' THEN NULL
            WHEN sig.type != 'array' OR ifnull(json_type(sig.value, '$[3]'), 'integer') = 'integer'
                THEN json_extract(s.breakdown, '$[0]')
            ELSE json_extract(sig.value, '$[3]') END AS fetched_at,
       CASE WHEN sig.type = 'text' THEN json_extract(c.definition, '$.missing_reasons.' || sig.value)
            END AS missing
FROM scores s
JOIN score_configs c ON c.config_version = s.config_version,
     json_each(s.breakdown, '$[1]') AS d,
     json_each(d.value) AS sig
WHERE json_valid(s.breakdown)
""",
    )


# Weights used by pattern of present signals, per config version: (per dimension, overall).
_WeightTables = dict[str, tuple[list[dict[str, list[float]]], dict[str, list[float]]]]


def _compact_stored_breakdowns(db: Database) -> None:
    """Rewrite rows stored before m008 in the new shape; their weights used go to their definition."""
    tables: _WeightTables = {}
    updates = []
    stored = db.execute("SELECT rowid, config_version, breakdown FROM scores WHERE json_valid(breakdown) "
                        "AND json_type(breakdown) = 'array' AND json_array_length(breakdown) = 5")
    for rowid, version, text in stored.fetchall():
        try:
            compact = compact_breakdown(text)
            dimensions, overall = _weights_used_before_m008(text)
        except (TypeError, ValueError, KeyError, IndexError, AttributeError):
            continue  # not a shape we wrote: left as it is (load_breakdown shows no breakdown for it)
        updates.append((compact, rowid))
        per_dimension, per_overall = tables.setdefault(version, ([], {}))
        per_dimension.extend({} for _ in range(len(dimensions) - len(per_dimension)))
        for table, (pattern, weights) in zip(per_dimension, dimensions, strict=False):
            if pattern is not None:
                table.setdefault(pattern, weights)
        per_overall.setdefault(*overall)
    db.conn.executemany("UPDATE scores SET breakdown = ? WHERE rowid = ?", updates)
    for version, (per_dimension, per_overall) in tables.items():
        row = db.execute("SELECT definition FROM score_configs WHERE config_version = ?",
                         [version]).fetchone()
        if row is None:
            continue
        definition = json.loads(row[0])
        definition["weights_used"] = per_dimension
        definition["overall_weights_used"] = per_overall
        db.execute("UPDATE score_configs SET definition = ? WHERE config_version = ?",
                   [json.dumps(definition, separators=(",", ":"), ensure_ascii=False), version])


def compact_breakdown(text: str) -> str:
    """A breakdown stored before m008, `[version, as_of, model_fetched_at, [overall weights used],
    [[[raw, transformed, weight_used, contribution, fetched, (missing code), (source index)]]]]`, in the
    shape the scorer now writes (scoring/breakdown.py), byte for byte."""
    _, _, model_fetched, _, dimensions = json.loads(text)
    return json.dumps([model_fetched, [[_compact_signal(values) for values in signals]
                                       for signals in dimensions]], separators=(",", ":"))


def _weights_used_before_m008(text: str) -> tuple[list[tuple[str | None, list[float]]],
                                                  tuple[str, list[float]]]:
    """The (pattern, weights used) of each dimension (pattern None: no signal shown) and of the overall
    score, as a breakdown stored before m008 holds them. Pattern bit j: signal (dimension) j present."""
    _, _, _, overall, dimensions = json.loads(text)
    per_dimension = []
    for signals in dimensions:
        present = [len(values) < 6 or values[5] is None for values in signals]  # item 5: missing code
        pattern = str(sum(1 << j for j, here in enumerate(present) if here)) if signals else None
        per_dimension.append((pattern, [float(values[2]) for values in signals]))
    overall_pattern = str(sum(1 << j for j, used in enumerate(overall) if used is not None))
    return per_dimension, (overall_pattern, [0.0 if used is None else float(used) for used in overall])


def _compact_signal(values: list) -> str | float | list:
    raw, transformed, _, contribution, fetched, *rest = values
    missing = rest[0] if rest else None
    source = rest[1] if len(rest) > 1 else 0
    if missing is not None:
        return missing
    if fetched == 0 and not source and transformed == 0 and contribution == 0:
        return raw
    return [raw, transformed, contribution, *([fetched] if fetched != 0 or source else []),
            *([source] if source else [])]
