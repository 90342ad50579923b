"""Read every signal's raw values from the database, as columns (numpy arrays aligned with `model_ids`).

A handful of aggregate queries (GROUP BY in SQLite, not per-model lookups) so that a million models load in
seconds. Only non-removed models are scored; rows are ordered by model_id so that results are deterministic.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from scoring.parallel import Producer
from scoring.signals import (
    EVAL_SELF_REPORTED_POINTS,
    EVAL_VERIFIED_POINTS,
    INTEGRATION_TAGS,
    LICENSE_KNOWN,
    LICENSE_NONE,
    LICENSE_OTHER_BARE,
    LICENSE_OTHER_NAMED_LINKED,
    RELATION_SIGNALS,
    card_topics_of,
)

NO_TIME = -1  # timestamp code of a missing fetched_at
# A column of timestamps as (codes, the distinct strings they index): cheap to send between processes.
EncodedTimes = tuple[np.ndarray, list[str]]


@dataclass
class Timestamps:
    """Interns timestamp strings as small integer codes (arrays of codes are cheap to compare and index)."""

    values: list[str] = field(default_factory=list)
    _codes: dict[str, int] = field(default_factory=dict)

    def code(self, value: str | None) -> int:
        if value is None:
            return NO_TIME
        code = self._codes.get(value)
        if code is None:
            code = self._codes[value] = len(self.values)
            self.values.append(value)
        return code

    def chronological_rank(self) -> np.ndarray:
        """Per code, its rank in time (the strings are ISO-8601 UTC, so they sort chronologically)."""
        rank = np.empty(len(self.values), dtype=np.int64)
        rank[sorted(range(len(self.values)), key=self.values.__getitem__)] = np.arange(len(self.values))
        return rank

    def encode(self, values: Sequence[str | None]) -> np.ndarray:
        # Few distinct times (one per crawl page at most): code each once, then one C-level map.
        codes = {value: self.code(value) for value in set(values)}
        return np.fromiter(map(codes.__getitem__, values), dtype=np.int64, count=len(values))

    def adopt(self, times: EncodedTimes) -> np.ndarray:
        """Codes of another Timestamps (e.g. a child process's), as codes of this one."""
        codes, values = times
        mapping = np.array([*map(self.code, values), NO_TIME], dtype=np.int64)  # NO_TIME (-1) stays
        return mapping[codes]


@dataclass
class ScoringInputs:
    model_ids: list[str]
    tasks: list[str | None]
    as_of: str | None  # max(models.fetched_at): the time the data describes, used as computed_at
    raw: dict[str, np.ndarray]  # signal -> float64 raw values, NaN when missing
    fetched: dict[str, np.ndarray]  # signal -> timestamp codes (NO_TIME when unknown)
    variant: dict[str, np.ndarray]  # signal -> index into SOURCE_VARIANTS[signal] (0 = the default source)
    has_history: np.ndarray  # bool: at least two snapshots
    timestamps: Timestamps
    # models.fetched_at codes: most signals were fetched with the model row, and the stored breakdown
    # writes such times as 0 ("the model's fetched_at") instead of repeating the string. None: unknown.
    model_fetched: np.ndarray | None = None

    @property
    def size(self) -> int:
        return len(self.model_ids)

    def take(self, rows: slice) -> ScoringInputs:
        """The inputs of a contiguous range of models (numpy slices are views: nothing is copied)."""
        return ScoringInputs(
            model_ids=self.model_ids[rows],
            tasks=self.tasks[rows],
            as_of=self.as_of,
            raw={name: values[rows] for name, values in self.raw.items()},
            fetched={name: values[rows] for name, values in self.fetched.items()},
            variant={name: values[rows] for name, values in self.variant.items()},
            has_history=self.has_history[rows],
            timestamps=self.timestamps,
            model_fetched=None if self.model_fetched is None else self.model_fetched[rows],
        )


# Alternative sources of a signal: variant k >= 1 is SOURCE_VARIANTS[name][k - 1]; 0 is SignalSpec.source.
SOURCE_VARIANTS: dict[str, tuple[str, ...]] = {
    name: ("model_children",) for name in RELATION_SIGNALS
}

# Each runtime tag as one bit, so that "library_name or any runtime tag" is a set union (bitwise or).
_TAG_BITS = "CASE {column} " + " ".join(
    f"WHEN '{tag}' THEN {1 << bit}" for bit, tag in enumerate(INTEGRATION_TAGS)) + " ELSE 0 END"

# Graded and presence facts are computed by SQLite while it reads the row (C speed, no Python per model),
# packed into one integer: each column read costs about 0.4 s per million models, one number is cheaper.
LICENSE_GRADES = np.array([LICENSE_NONE, LICENSE_KNOWN, LICENSE_OTHER_NAMED_LINKED, LICENSE_OTHER_BARE])
_LICENSE_CODE = """CASE WHEN license IS NULL OR lower(license) = 'unknown' THEN 0
         WHEN lower(license) != 'other' THEN 1
         WHEN license_name IS NOT NULL AND license_link IS NOT NULL THEN 2
         ELSE 3 END"""
_FLAG_BITS = {"params_documented": 2, "safetensors": 3, "has_library": 4, "warm": 5, "library_bit": 6}
_MODELS_SQL = f"""
SELECT model_id, pipeline_tag, fetched_at, rowid AS model_rowid, downloads, downloads_all_time, likes,
    spaces_count,
    {_LICENSE_CODE}
    + ((params IS NOT NULL) << {_FLAG_BITS["params_documented"]})
    + ((params_source IS 'safetensors.total') << {_FLAG_BITS["safetensors"]})
    + ((library_name IS NOT NULL) << {_FLAG_BITS["has_library"]})
    + ((inference IS 'warm') << {_FLAG_BITS["warm"]})
    + (({_TAG_BITS.format(column="library_name")}) << {_FLAG_BITS["library_bit"]}) AS flags
FROM models WHERE removed_at IS NULL ORDER BY model_id"""


def _unpack_flags(flags: np.ndarray) -> dict[str, np.ndarray]:
    """The facts packed by _MODELS_SQL, as float arrays (library_bit as int64)."""
    packed = flags.astype(np.int64)
    facts = {name: (packed >> bit & 1).astype(float) for name, bit in _FLAG_BITS.items()
             if name != "library_bit"}
    facts["license_clarity"] = LICENSE_GRADES[packed & 3]
    facts["library_bit"] = packed >> _FLAG_BITS["library_bit"]
    return facts


_SAFETENSORS_BIT = 1 << len(INTEGRATION_TAGS)
# One row per matching tag, OR-ed per model in numpy (a GROUP BY in SQL sorts them: twice as slow).
_TAGS_SQL = (
    "SELECT model_id, "
    + _TAG_BITS.format(column="tag").replace(" ELSE 0", f" WHEN 'safetensors' THEN {_SAFETENSORS_BIT} ELSE 0")
    + f" FROM tags WHERE tag IN ({','.join('?' * (len(INTEGRATION_TAGS) + 1))})"
)
_TAGS_PARAMS = (*INTEGRATION_TAGS, "safetensors")
_RELATION_CASE = "CASE relation " + " ".join(
    f"WHEN '{r}' THEN {k}" for k, r in enumerate(RELATION_SIGNALS.values())) + " ELSE -1 END"
_EDGES_SQL = f"""SELECT parent_id, {_RELATION_CASE}, count(DISTINCT child_id), max(fetched_at)
    FROM model_edges WHERE child_id NOT IN (SELECT model_id FROM models WHERE removed_at IS NOT NULL)
    GROUP BY parent_id, relation"""
# Every snapshot in one scan (the two latest per model are picked in numpy: a self-join in SQL took twice as
# long). Only models whose value changed get a snapshot, so there are few per model.
_SNAPSHOTS_SQL = "SELECT model_id, taken_at, downloads, likes FROM snapshots"
_UNIT_SEPARATOR = "\x1f"  # cannot occur in model ids, task names or timestamps

# The aggregates over the tables beside `models`, by name: (sql, parameters, timestamp columns). Column
# 0 is always a model_id. They run together, in a second process when that pays (see load_inputs).
_TOPICS_SQL = """SELECT s.model_id, max(t.t0) + max(t.t1) + max(t.t2) + max(t.t3)
    FROM card_sections s JOIN temp.scoring_path_topics t ON t.path = s.path
    GROUP BY s.model_id"""
SECONDARY_QUERIES: dict[str, tuple[str, tuple, tuple[int, ...]]] = {
    "spaces": ("SELECT model_id, max(fetched_at) FROM model_spaces GROUP BY model_id", (), (1,)),
    "tags": (_TAGS_SQL, _TAGS_PARAMS, ()),
    "edges": (_EDGES_SQL, (), (3,)),
    "children": (f"SELECT model_id, {_RELATION_CASE}, count, fetched_at FROM model_children", (), (3,)),
    "cards": ("SELECT model_id, fetched_at FROM cards WHERE status IN ('ok', 'missing')", (), (1,)),
    "topics": (_TOPICS_SQL, (), ()),
    "evals": ("SELECT model_id, sum(verified IS 1), sum(verified IS NOT 1), max(fetched_at) "
              "FROM eval_results GROUP BY model_id", (), (3,)),
    "snapshots": (_SNAPSHOTS_SQL, (), (1,)),
}
# Read by the first process after `models` while the second reads (and parses) the others, so that both
# take about as long: at a million models `models` takes about 5 s, the rest about 6 s with their parsing.
PARENT_QUERIES = ("cards", "edges", "children", "evals", "spaces")
# Below this many models a second process costs more than it saves.
PARALLEL_MIN_MODELS = 50_000


def read_columns(conn: sqlite3.Connection, sql: str, params: Sequence[object] = (),
                 text: Sequence[int] = ()) -> list:
    """Run `sql` and return its result column by column: a list of strings (None for NULL) for the
    columns listed in `text`, a float64 array (NaN for NULL) for the others.

    Why not fetchall(): a million rows become a million tuples of Python objects. Instead SQLite
    concatenates each column into one string (group_concat, in C) and numpy parses numbers in C. All
    columns come from the same pass over the same rows, so they stay aligned.
    """
    return parse_joined(query_joined(conn, sql, params, text), text)


def query_joined(conn: sqlite3.Connection, sql: str, params: Sequence[object] = (),
                 text: Sequence[int] = ()) -> tuple:
    """The SQLite half of read_columns: (row count, one joined string per column)."""
    parts = [
        f"group_concat(ifnull(q.\"{name}\", ''), char(31))" if k in text
        else f"group_concat(ifnull(q.\"{name}\", 'nan'), ',')"
        for k, name in enumerate(column_names(conn, sql, params))
    ]
    return tuple(conn.execute(f"SELECT count(*), {', '.join(parts)} FROM ({sql}) AS q", params).fetchone())


def column_names(conn: sqlite3.Connection, sql: str, params: Sequence[object] = ()) -> list[str]:
    return [d[0] for d in conn.execute(f"SELECT * FROM ({sql}) LIMIT 0", params).description]


def parse_joined(joined: tuple, text: Sequence[int] = ()) -> list:
    """The Python half of read_columns."""
    count, *values = joined
    columns: list = []
    for k, value in enumerate(values):
        if k in text:
            columns.append([v or None for v in value.split(_UNIT_SEPARATOR)] if count else [])
        else:
            columns.append(np.fromstring(value, dtype=float, sep=",") if count else np.zeros(0))
    return columns


def load_inputs(conn: sqlite3.Connection, *, parallel: bool | None = None) -> ScoringInputs:
    """Read all signals of all non-removed models.

    `parallel`: read most tables beside `models` in a forked second process while this one reads
    `models` (None: when the database is a file with at least PARALLEL_MIN_MODELS models). The
    result is the same either way.
    """
    path = database_file(conn)
    if parallel is None:
        parallel = worth_parallel(conn)
    in_child = [name for name in SECONDARY_QUERIES if name not in PARENT_QUERIES] \
        if parallel and path is not None else []
    if in_child:
        assert not conn.in_transaction, "fork only outside a transaction (see scoring.parallel)"
    producer = Producer(lambda: [secondary_results_at(path, in_child)], fork=bool(in_child))
    with producer:
        columns = read_columns(conn, _MODELS_SQL, text=(0, 1, 2))
        inputs, model_facts = _model_inputs(columns)  # while the other process may still be reading
        results = secondary_results(conn, [name for name in SECONDARY_QUERIES if name not in in_child])
        if in_child:
            (from_child,) = list(producer)
            results.update(from_child)
    loader = _Loader(results, inputs, model_facts.positions, inputs.model_fetched)
    for name in ("downloads_30d", "downloads_all_time", "likes", "license_clarity", "params_documented"):
        loader.set(name, model_facts.raw[name], inputs.model_fetched)
    loader.spaces(model_facts.spaces)
    loader.tag_signals(model_facts.raw["safetensors"], model_facts.raw["has_library"],
                       model_facts.raw["library_bit"], model_facts.raw["warm"])
    loader.derivatives()
    loader.card_signals()
    loader.history()
    return inputs


@dataclass
class _ModelFacts:
    """What the `models` scan gives besides ScoringInputs' own columns."""

    positions: RowidPositions
    spaces: np.ndarray
    raw: dict[str, np.ndarray]  # raw signal values and packed facts (see _unpack_flags), by name


def _model_inputs(columns: list) -> tuple[ScoringInputs, _ModelFacts]:
    """The columns of _MODELS_SQL as ScoringInputs (no signal set yet) and the facts to set them from."""
    model_ids, tasks, fetched_at = columns[0], columns[1], columns[2]
    n = len(model_ids)
    if model_ids != sorted(model_ids):  # the ORDER BY of a subquery is not a guarantee: make sure
        order = sorted(range(n), key=model_ids.__getitem__)
        columns = [[c[i] for i in order] if isinstance(c, list) else c[order] for c in columns]
        model_ids, tasks, fetched_at = columns[0], columns[1], columns[2]
    stamps = Timestamps()
    model_fetched = stamps.encode(fetched_at)
    inputs = ScoringInputs(
        model_ids=list(model_ids),
        tasks=list(tasks),
        as_of=max((t for t in set(fetched_at) if t is not None), default=None),
        raw={},
        fetched={},
        variant={},
        has_history=np.zeros(n, dtype=bool),
        timestamps=stamps,
        model_fetched=model_fetched,
    )
    rowids, downloads, all_time, likes, spaces, flags = columns[3:]
    raw = {"downloads_30d": downloads, "downloads_all_time": all_time, "likes": likes, **_unpack_flags(flags)}
    return inputs, _ModelFacts(RowidPositions(rowids), spaces, raw)


def secondary_results(conn: sqlite3.Connection, names: Sequence[str]) -> dict[str, list]:
    """The queries of SECONDARY_QUERIES named, run and parsed: by name, the result's columns, column 0
    the model rowids (float64, NaN when not a model), its timestamp columns as EncodedTimes and the others
    float64. Leaves no transaction open that it opened (the topics' temp table is written inside one)."""
    had_transaction = conn.in_transaction
    topics = "topics" in names
    if topics:
        _create_path_topics(conn)
    try:
        return {name: _parsed_result(conn, name) for name in names}
    finally:
        if topics:
            conn.execute("DROP TABLE temp.scoring_path_topics")
        if not had_transaction:
            conn.commit()


def _parsed_result(conn: sqlite3.Connection, name: str) -> list:
    sql, params, times = SECONDARY_QUERIES[name]
    columns = read_columns(conn, _keyed_by_rowid(conn, sql, params), params, times)
    stamps = Timestamps()
    return [(stamps.encode(column), stamps.values) if k in times else column
            for k, column in enumerate(columns)]


def secondary_results_at(path: str | None, names: Sequence[str]) -> dict[str, list]:
    """secondary_results over a connection of its own (for a child process)."""
    conn = sqlite3.connect(str(path))
    try:
        return secondary_results(conn, names)
    finally:
        conn.close()


def _create_path_topics(conn: sqlite3.Connection) -> None:
    """Topics covered by each section path. Paths repeat across cards (templates), so each distinct
    path is classified once in Python and SQLite joins the classes back to the sections."""
    paths = [p for (p,) in conn.execute("SELECT DISTINCT path FROM card_sections")]
    conn.execute("DROP TABLE IF EXISTS temp.scoring_path_topics")
    conn.execute(
        "CREATE TEMP TABLE scoring_path_topics (path TEXT PRIMARY KEY, t0 INT, t1 INT, t2 INT, t3 INT)"
    )
    conn.executemany(
        "INSERT INTO temp.scoring_path_topics VALUES (?, ?, ?, ?, ?)",
        ((path, *topics) for path in paths if any(topics := card_topics_of(path))),
    )


def _keyed_by_rowid(conn: sqlite3.Connection, sql: str, params: Sequence[object]) -> str:
    """`sql` with its model_id column (the first) replaced by that model's rowid (NULL when the id is
    not a model, e.g. an uncrawled parent). A number is much cheaper to carry and to look up than an id
    string: SQLite finds it in the primary key index, numpy maps it to a position."""
    names = [f'q."{name}"' for name in column_names(conn, sql, params)]
    return (f"SELECT (SELECT rowid FROM models WHERE model_id = {names[0]}) AS model_rowid, "
            f"{', '.join(names[1:])} FROM ({sql}) AS q")


class RowidPositions:
    """Maps models.rowid values to positions in the scored arrays (-1: not a scored model)."""

    def __init__(self, rowids: np.ndarray) -> None:
        keys = rowids.astype(np.int64)
        self._order = np.argsort(keys, kind="stable")
        self._sorted = keys[self._order]

    def of(self, rowids: np.ndarray) -> np.ndarray:
        if len(self._sorted) == 0:
            return np.full(len(rowids), -1, dtype=np.int64)
        known = ~np.isnan(rowids)
        keys = np.where(known, rowids, -1).astype(np.int64)
        slot = np.minimum(np.searchsorted(self._sorted, keys), len(self._sorted) - 1)
        found = known & (self._sorted[slot] == keys)
        return np.where(found, self._order[slot], -1)


def database_file(conn: sqlite3.Connection) -> str | None:
    """The file behind the connection's main database; None for an in-memory one."""
    for _, name, file in conn.execute("PRAGMA database_list"):
        if name == "main":
            return file or None
    return None


def worth_parallel(conn: sqlite3.Connection) -> bool:
    """A second process pays for a database file of at least PARALLEL_MIN_MODELS models."""
    if database_file(conn) is None:
        return False
    return conn.execute("SELECT count(*) FROM models").fetchone()[0] >= PARALLEL_MIN_MODELS


def _two_latest(group: np.ndarray, rank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the latest and the one before it, for each group with at least two rows (by rank)."""
    order = np.lexsort((rank, group))
    ordered = group[order]
    last = np.flatnonzero(np.append(ordered[1:] != ordered[:-1], True))
    last = last[last > 0]
    last = last[ordered[last - 1] == ordered[last]]
    return order[last], order[last - 1]


class _Loader:
    """Aggregate queries keyed by model_id, scattered into arrays aligned with inputs.model_ids."""

    def __init__(self, results: dict[str, tuple], inputs: ScoringInputs, position: RowidPositions,
                 model_fetched: np.ndarray) -> None:
        self.results, self.inputs, self.position = results, inputs, position
        self.model_fetched = model_fetched

    def set(self, name: str, raw: np.ndarray, fetched: np.ndarray, variant: np.ndarray | None = None) -> None:
        inputs = self.inputs
        inputs.raw[name] = raw
        # A missing raw value has no fetch time: there was nothing fetched.
        inputs.fetched[name] = np.where(np.isnan(raw), NO_TIME, fetched)
        inputs.variant[name] = variant if variant is not None else np.zeros(len(raw), dtype=np.int64)

    def query(self, name: str) -> tuple:
        """The result of SECONDARY_QUERIES[name] as (positions, column arrays...), for rows of scored
        models; its timestamp columns come back as timestamp codes, the others as float64."""
        times = SECONDARY_QUERIES[name][2]
        columns = self.results.pop(name)
        idx = self.position.of(columns[0])
        keep = idx >= 0
        arrays = [
            (self.inputs.timestamps.adopt(column) if k in times else column)[keep]
            for k, column in enumerate(columns[1:], start=1)
        ]
        return (idx[keep], *arrays)

    def spaces(self, spaces_count: np.ndarray) -> None:
        """models.spaces_count (NULL when never fetched); fetched_at of the Space links when we have them."""
        fetched = self.model_fetched.copy()
        idx, times = self.query("spaces")
        fetched[idx] = times
        self.set("spaces", spaces_count, fetched)

    def tag_signals(self, safetensors: np.ndarray, has_library: np.ndarray, library_bit: np.ndarray,
                    warm: np.ndarray) -> None:
        """safetensors (params from safetensors metadata, or the tag) and integrations: distinct
        integrations are {library_name} ∪ runtime tags (a tag equal to the library is the same
        integration, counted once), plus one when inference is 'warm'. One pass over the tags."""
        tag_bits = np.zeros(self.inputs.size, dtype=np.int64)
        idx, bits = self.query("tags")
        np.bitwise_or.at(tag_bits, idx, bits.astype(np.int64))
        has_tag = (tag_bits & _SAFETENSORS_BIT) != 0
        self.set("safetensors", np.where(has_tag, 1.0, safetensors), self.model_fetched)
        tag_bits &= _SAFETENSORS_BIT - 1
        other_library = (has_library == 1) & (library_bit == 0)  # a library without a runtime tag name
        count = np.bitwise_count(tag_bits | library_bit) + other_library + warm
        self.set("integrations", count.astype(float), self.model_fetched)

    def derivatives(self) -> None:
        """Children per relation: distinct children in model_edges, or the API's exact count when larger.

        Edges come from the tags of children we crawled, so they undercount when children were not
        crawled; model_children holds the Hub's own count for models fetched in detail. The larger one
        wins (the API on ties) and its source and fetched_at go into the breakdown. No edge and no count
        means 0 children found (present, not missing). Removed children do not count.
        """
        edges = self.query("edges")
        api = self.query("children")
        for k, name in enumerate(RELATION_SIGNALS):
            edge_count, edge_fetched = self._counts(edges, k)
            api_count, api_fetched = self._counts(api, k)
            use_api = ~np.isnan(api_count) & (np.isnan(edge_count) | (api_count >= edge_count))
            raw = np.where(use_api, api_count, np.nan_to_num(edge_count, nan=0.0))
            fetched = np.where(use_api, api_fetched,
                               np.where(np.isnan(edge_count), self.model_fetched, edge_fetched))
            self.set(name, raw, fetched, use_api.astype(np.int64))

    def _counts(self, result: tuple, relation_code: int) -> tuple[np.ndarray, np.ndarray]:
        """Scatter the (positions, relation codes, counts, times) rows of one relation."""
        idx, relation, counts, times = result
        chosen = relation == relation_code
        count = np.full(self.inputs.size, np.nan)
        fetched = np.full(self.inputs.size, NO_TIME, dtype=np.int64)
        count[idx[chosen]] = counts[chosen]
        fetched[idx[chosen]] = times[chosen]
        return count, fetched

    def card_signals(self) -> None:
        """card_completeness and eval_results: missing until the card was fetched ('ok' or 'missing')."""
        n = self.inputs.size
        card_fetched = np.full(n, NO_TIME, dtype=np.int64)
        idx, times = self.query("cards")
        card_fetched[idx] = times
        has_card = card_fetched != NO_TIME

        completeness = np.where(has_card, 0.0, np.nan)
        idx, topics = self.query("topics")
        idx, topics = idx[has_card[idx]], topics[has_card[idx]]
        completeness[idx] = topics
        self.set("card_completeness", completeness, card_fetched)

        points = np.where(has_card, 0.0, np.nan)
        eval_fetched = card_fetched.copy()
        idx, verified, other, times = self.query("evals")
        points[idx] = verified * EVAL_VERIFIED_POINTS + other * EVAL_SELF_REPORTED_POINTS
        eval_fetched[idx] = times
        self.set("eval_results", points, eval_fetched)

    def history(self) -> None:
        """Growth between the two most recent snapshots: (1 + new) / (1 + old), downloads and likes."""
        n = self.inputs.size
        idx, taken_at, downloads, likes = self.query("snapshots")
        latest, previous = _two_latest(idx, self.inputs.timestamps.chronological_rank()[taken_at])
        idx, taken_at = idx[latest], taken_at[latest]
        new_downloads, old_downloads = downloads[latest], downloads[previous]
        new_likes, old_likes = likes[latest], likes[previous]
        self.inputs.has_history[idx] = True
        fetched = np.full(n, NO_TIME, dtype=np.int64)
        fetched[idx] = taken_at
        for name, new, old in (("downloads_growth", new_downloads, old_downloads),
                               ("likes_growth", new_likes, old_likes)):
            raw = np.full(n, np.nan)
            # NaN (a NULL in either snapshot) propagates: the signal is missing for that model.
            raw[idx] = (1 + np.clip(new, 0, None)) / (1 + np.clip(old, 0, None))
            self.set(name, raw, fetched)
