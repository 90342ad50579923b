"""Benchmark: `hubcrawl score` over a synthetic hub of 1,000,000 models.

    python bench/bench_score.py                       # build /tmp/bench_score.db (1M models), time scoring
    python bench/bench_score.py --models 200000       # smaller
    python bench/bench_score.py --db /tmp/x.db --reuse  # skip the build when the file exists
    python bench/bench_score.py --repeat 5            # runs per case (default 3; the median is reported)

It prints the vectorized scoring step (read, compute, breakdown JSON + write, and end to end) beside a
baseline measured in the same run: a straightforward per-model implementation of the same formula (one
set of queries per model, math.log, json.dumps, one INSERT per model) on a subsample, extrapolated to
the full size and labelled as such.

Distributions follow the published shape of the Hub (anchors.md §B.5: >70% of models have 0 downloads,
1% of models take 99% of downloads): log-normal tails, a few popular parents with many derivatives,
cards for a third of the models, history and eval results for a fraction.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import sqlite3
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from db import open_db
from scoring.config import ScoringConfig, load_config
from scoring.signals import (
    CARD_TOPICS,
    EVAL_SELF_REPORTED_POINTS,
    EVAL_VERIFIED_POINTS,
    INTEGRATION_TAGS,
    RELATION_SIGNALS,
    SIGNALS,
)
from scoring.store import score_database

AS_OF = "2026-11-01T06:00:00Z"
PREVIOUS = "2026-10-01T06:00:00Z"
TASKS = ["text-generation", "text-classification", "token-classification", "text-to-image",
         "image-classification", "automatic-speech-recognition", "feature-extraction", "sentence-similarity",
         "fill-mask", "translation", "summarization", "object-detection", "image-segmentation",
         "text-to-speech", "question-answering", "zero-shot-classification", "image-to-text",
         "reinforcement-learning", "audio-classification", "text2text-generation"]
LIBRARIES = ["transformers", "diffusers", "sentence-transformers", "peft", "timm", "gguf", "mlx", "onnx",
             "keras", "stable-baselines3"]
LICENSES = ["apache-2.0", "mit", "other", "llama3.1", "cc-by-4.0", "openrail", "gemma", "unknown"]
SECTIONS = ["Model Description", "Uses > Direct Use", "Bias, Risks, and Limitations", "Training Details",
            "Training Details > Training Data", "Evaluation > Results", "How to Get Started", "Citation"]


# --- synthetic database ------------------------------------------------------------------------------------

def build_db(path: Path, n: int, seed: int = 7) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    open_db(path).conn.close()  # migrated schema
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = OFF")  # bulk load only; scoring runs on WAL like production
    conn.execute("PRAGMA synchronous = OFF")
    rng = np.random.default_rng(seed)
    ids = [f"org{i % 50_000:05d}/model-{i:07d}" for i in range(n)]
    ids.sort()
    with conn:
        _insert_models(conn, rng, ids)
        _insert_tags(conn, rng, ids)
        _insert_edges(conn, rng, ids)
        _insert_cards(conn, rng, ids)
        _insert_history(conn, rng, ids)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("ANALYZE")
    conn.close()


def _heavy_tail(rng: np.random.Generator, n: int, zero_share: float, mean: float, sigma: float) -> np.ndarray:
    values = np.rint(rng.lognormal(mean, sigma, n)).astype(np.int64)
    values[rng.random(n) < zero_share] = 0
    return values


def _maybe(rng: np.random.Generator, values: list, n: int, none_share: float) -> list:
    picked = rng.integers(0, len(values), n)
    missing = rng.random(n) < none_share
    return [None if m else values[p] for p, m in zip(picked, missing, strict=True)]


def _insert_models(conn: sqlite3.Connection, rng: np.random.Generator, ids: list[str]) -> None:
    n = len(ids)
    downloads = _heavy_tail(rng, n, 0.7, 4.0, 2.5)
    all_time = downloads + _heavy_tail(rng, n, 0.5, 5.0, 2.5)
    likes = _heavy_tail(rng, n, 0.6, 1.0, 1.5)
    spaces = np.where(rng.random(n) < 0.05, rng.integers(0, 101, n), -1)
    params = np.where(rng.random(n) < 0.3, rng.integers(10**6, 10**11, n), -1)
    tasks = _maybe(rng, TASKS, n, 0.2)
    libraries = _maybe(rng, LIBRARIES, n, 0.3)
    licenses = _maybe(rng, LICENSES, n, 0.4)
    warm = rng.random(n) < 0.01
    rows = (
        (ids[i], ids[i].split("/")[0], tasks[i], libraries[i], licenses[i],
         "custom" if licenses[i] == "other" and i % 2 else None,
         "LICENSE" if licenses[i] == "other" and i % 3 else None,
         None if params[i] < 0 else int(params[i]), None if params[i] < 0 else "safetensors.total",
         "warm" if warm[i] else None, int(downloads[i]), int(all_time[i]), int(likes[i]),
         None if spaces[i] < 0 else int(spaces[i]), AS_OF, AS_OF, AS_OF)
        for i in range(n)
    )
    conn.executemany(
        "INSERT INTO models (model_id, author, pipeline_tag, library_name, license, license_name, "
        "license_link, "
        "params, params_source, inference, downloads, downloads_all_time, likes, spaces_count, fetched_at, "
        "first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def _insert_tags(conn: sqlite3.Connection, rng: np.random.Generator, ids: list[str]) -> None:
    n = len(ids)
    tag_shares = {"safetensors": 0.4, "gguf": 0.05, "onnx": 0.03, "transformers": 0.5, "diffusers": 0.04}
    rows = []
    for tag, share in tag_shares.items():
        rows += [(ids[i], tag) for i in np.flatnonzero(rng.random(n) < share)]
    conn.executemany("INSERT OR IGNORE INTO tags (model_id, tag) VALUES (?, ?)", rows)


def _insert_edges(conn: sqlite3.Connection, rng: np.random.Generator, ids: list[str]) -> None:
    """10% of models derive from a parent; parents are Zipf-popular. 1% of models have API child counts."""
    n = len(ids)
    children = np.flatnonzero(rng.random(n) < 0.1)
    parents = np.minimum(rng.zipf(1.5, len(children)) - 1, n - 1)
    relations = list(RELATION_SIGNALS.values())
    picked = rng.integers(0, len(relations), len(children))
    conn.executemany(
        "INSERT OR IGNORE INTO model_edges VALUES (?, ?, ?, 'tags', ?)",
        ((ids[c], ids[p], relations[r], AS_OF) for c, p, r in zip(children, parents, picked, strict=True)),
    )
    detailed = np.flatnonzero(rng.random(n) < 0.01)
    conn.executemany(
        "INSERT INTO model_children VALUES (?, ?, ?, 'api.childrenModelCount', ?)",
        ((ids[i], rel, int(rng.integers(0, 500)), AS_OF) for i in detailed for rel in relations),
    )


def _insert_cards(conn: sqlite3.Connection, rng: np.random.Generator, ids: list[str]) -> None:
    n = len(ids)
    with_card = np.flatnonzero(rng.random(n) < 0.33)
    conn.executemany(
        "INSERT INTO cards (model_id, status, source_url, fetched_at) VALUES (?, 'ok', ?, ?)",
        ((ids[i], f"https://huggingface.co/{ids[i]}/resolve/main/README.md", AS_OF) for i in with_card),
    )
    counts = rng.integers(1, len(SECTIONS) + 1, len(with_card))
    conn.executemany(
        "INSERT INTO card_sections (model_id, ord, level, heading, path, text, fetched_at) "
        "VALUES (?, ?, 2, ?, ?, '', ?)",
        ((ids[i], k, SECTIONS[k].split(" > ")[-1], SECTIONS[k], AS_OF)
         for i, c in zip(with_card, counts, strict=True) for k in range(c)),
    )
    evaluated = with_card[rng.random(len(with_card)) < 0.06]
    conn.executemany(
        "INSERT INTO eval_results (model_id, source_kind, dataset_id, metric_type, value, verified, "
        "fetched_at)"
        " VALUES (?, 'model-index', ?, 'accuracy', 0.5, ?, ?)",
        ((ids[i], f"bench/set-{k}", int(k == 0 and i % 4 == 0), AS_OF) for i in evaluated for k in range(3)),
    )


def _insert_history(conn: sqlite3.Connection, rng: np.random.Generator, ids: list[str]) -> None:
    """Two snapshots for 30% of models, one for the rest of a further 20%."""
    n = len(ids)
    draw = rng.random(n)
    two, one = np.flatnonzero(draw < 0.3), np.flatnonzero((draw >= 0.3) & (draw < 0.5))
    old = _heavy_tail(rng, n, 0.5, 4.0, 2.5)
    new = np.maximum(old + rng.normal(0, 1, n) * old * 0.3, 0).astype(np.int64)
    rows = [(ids[i], PREVIOUS, int(old[i]), int(old[i] % 50)) for i in two]
    rows += [(ids[i], AS_OF, int(new[i]), int(new[i] % 50)) for i in np.concatenate([two, one])]
    conn.executemany("INSERT INTO snapshots (model_id, taken_at, downloads, likes) VALUES (?, ?, ?, ?)", rows)


# --- baseline: the same formula, one model at a time -------------------------------------------------------

def _transform(value: float, cap: float, kind: str) -> float:
    value = max(value, 0.0)
    if kind == "linear":
        return min(value, cap) / cap
    if kind == "ratio":
        return value / (value + cap)
    return math.log1p(value) / math.log1p(max(value, cap))


def _naive_raw(conn: sqlite3.Connection, model_id: str) -> tuple[dict[str, float | None], str | None]:
    (lic, name, link, params, params_source, library, inference, downloads, all_time, likes, spaces,
     task) = conn.execute(
        "SELECT license, license_name, license_link, params, params_source, library_name, inference, "
        "downloads, downloads_all_time, likes, spaces_count, pipeline_tag FROM models WHERE model_id = ?",
        (model_id,)).fetchone()
    tags = {t for (t,) in conn.execute("SELECT tag FROM tags WHERE model_id = ?", (model_id,))}
    card = conn.execute("SELECT status FROM cards WHERE model_id = ?", (model_id,)).fetchone()
    sections = conn.execute("SELECT path FROM card_sections WHERE model_id = ?", (model_id,))
    paths = [p.lower() for (p,) in sections]
    evals = conn.execute("SELECT verified FROM eval_results WHERE model_id = ?", (model_id,)).fetchall()
    snaps = conn.execute("SELECT downloads, likes FROM snapshots WHERE model_id = ? ORDER BY taken_at DESC "
                         "LIMIT 2", (model_id,)).fetchall()
    raw: dict[str, float | None] = {
        "downloads_30d": downloads, "downloads_all_time": all_time, "likes": likes, "spaces": spaces,
        "params_documented": float(params is not None),
    }
    raw["license_clarity"] = (0.0 if lic in (None, "unknown") else 1.0 if lic != "other"
                              else 0.6 if name and link else 0.3)
    raw["safetensors"] = float(params_source == "safetensors.total" or "safetensors" in tags)
    runtime = {t for t in tags if t in INTEGRATION_TAGS} | ({library} if library else set())
    raw["integrations"] = len(runtime) + (inference == "warm")
    has_card = card is not None and card[0] in ("ok", "missing")
    raw["card_completeness"] = (sum(any(k in p for p in paths for k in kws) for kws in CARD_TOPICS.values())
                                if has_card else None)
    points = sum(EVAL_VERIFIED_POINTS if v == 1 else EVAL_SELF_REPORTED_POINTS for (v,) in evals)
    raw["eval_results"] = points if evals or has_card else None
    for signal, relation in RELATION_SIGNALS.items():
        edges = conn.execute("SELECT count(DISTINCT child_id) FROM model_edges WHERE parent_id = ? AND "
                             "relation = ?", (model_id, relation)).fetchone()[0]
        api = conn.execute("SELECT count FROM model_children WHERE model_id = ? AND relation = ?",
                           (model_id, relation)).fetchone()
        raw[signal] = max(edges, api[0]) if api else edges
    if len(snaps) == 2:
        (new_d, new_l), (old_d, old_l) = snaps
        raw["downloads_growth"] = None if new_d is None or old_d is None else (1 + new_d) / (1 + old_d)
        raw["likes_growth"] = None if new_l is None or old_l is None else (1 + new_l) / (1 + old_l)
    return raw, task


def naive_score_one(conn: sqlite3.Connection, model_id: str, config: ScoringConfig) -> tuple:
    raw, _task = _naive_raw(conn, model_id)
    dimensions, dim_scores = {}, {}
    for dim in config.dimensions:
        present = [s for s in dim.signals if raw.get(s.name) is not None]
        total = sum(s.weight for s in present)
        signals, score = [], None
        for s in dim.signals:
            value = raw.get(s.name)
            t = None if value is None else _transform(float(value), s.cap, s.transform)
            used = s.weight / total if value is not None else 0.0
            signals.append({"name": s.name, "raw": value, "cap": s.cap, "transformed": t, "weight": s.weight,
                            "weight_used": used, "contribution": 100 * (t or 0) * used,
                            "source": SIGNALS[s.name].source,
                            "fetched_at": AS_OF if value is not None else None})
        if total:
            score = sum(x["contribution"] for x in signals)
            dim_scores[dim.name] = score
        dimensions[dim.name] = {"score": score, "signals": signals}
    total = sum(config.overall_weights[d] for d in dim_scores)
    overall = sum(config.overall_weights[d] * v for d, v in dim_scores.items()) / total
    breakdown = {"config_version": config.version, "as_of": AS_OF,
                 "overall": {"score": overall, "weights": config.overall_weights,
                             "weights_used": {d: config.overall_weights[d] / total for d in dim_scores}},
                 "dimensions": dimensions}
    return (model_id, config.version, AS_OF, overall, dim_scores.get("adoption"), dim_scores.get("quality"),
            dim_scores.get("ecosystem"), dim_scores.get("momentum"), None, None, json.dumps(breakdown))


def naive_baseline(path: Path, sample: int, config: ScoringConfig) -> tuple[float, int]:
    """Seconds for `sample` models scored one at a time and written into the emptied scores table, one INSERT
    per model, in one transaction that is then rolled back (the benchmark leaves the table as it was)."""
    conn = sqlite3.connect(path)
    query = "SELECT model_id FROM models WHERE removed_at IS NULL ORDER BY model_id"
    ids = [m for (m,) in conn.execute(query)]
    step = max(1, len(ids) // sample)
    picked = ids[::step][:sample]
    started = time.perf_counter()
    conn.execute("BEGIN")
    conn.execute("DELETE FROM scores")  # as hubcrawl score does
    statement = f"INSERT INTO scores VALUES ({', '.join('?' * 11)})"  # naive_score_one's row, as is
    for model_id in picked:
        conn.execute(statement, naive_score_one(conn, model_id, config))
    seconds = time.perf_counter() - started
    conn.rollback()
    conn.close()
    return seconds, len(picked)


# --- measurement -------------------------------------------------------------------------------------------

def timed_steps(path: Path, config: ScoringConfig) -> dict[str, float]:
    """Time each stage of the vectorized scorer separately (same code as `hubcrawl score`)."""
    from scoring.breakdown import breakdown_columns
    from scoring.compute import compute_scores
    from scoring.inputs import load_inputs

    conn = sqlite3.connect(path)
    started = time.perf_counter()
    inputs = load_inputs(conn)
    loaded = time.perf_counter()
    table = compute_scores(inputs, config)
    computed = time.perf_counter()
    breakdown_columns(table)
    built = time.perf_counter()
    conn.close()
    return {"read inputs (SQL aggregates)": loaded - started, "compute (numpy)": computed - loaded,
            "breakdown fragments": built - computed}


def cpu_seconds() -> float:
    """CPU time of this process and of its children that ended (the scorer's forked helpers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def end_to_end(path: Path) -> tuple[float, float, int]:
    """One `hubcrawl score` run (the same function the command calls): (wall seconds, CPU seconds of
    both processes, models scored). CPU time moves less than wall time when other jobs share the
    machine, and shows how much of the two cores the run uses."""
    started, cpu_started = time.perf_counter(), cpu_seconds()
    summary = score_database(path)
    return time.perf_counter() - started, cpu_seconds() - cpu_started, summary.models


def empty_scores(path: Path) -> None:
    """Untimed: drop every score row, as in a database that was never scored."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DELETE FROM scores")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def move_as_of(path: Path) -> None:
    """Untimed: what a crawl does to the scores' input. The as-of time (the latest fetched_at) is in every
    row, so the next scoring rewrites every row."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE models SET fetched_at = strftime('%Y-%m-%dT%H:%M:%SZ', fetched_at, '+1 day') "
                     "WHERE model_id = (SELECT max(model_id) FROM models)")
    conn.close()


CASES = {
    "empty `scores` table (first scoring)": empty_scores,
    "data unchanged": lambda path: None,
    "after a crawl (the as-of time moved)": move_as_of,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/bench_score.db"))
    parser.add_argument("--reuse", action="store_true", help="reuse --db if it exists")
    parser.add_argument("--baseline-sample", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each case (the median is reported)")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # progress shows up when redirected to a file
    config = load_config()

    if not (args.reuse and args.db.exists()):
        started = time.perf_counter()
        build_db(args.db, args.models)
        print(f"built {args.db} with {args.models:,} models in {time.perf_counter() - started:.1f} s")
    conn = sqlite3.connect(args.db)
    n = conn.execute("SELECT count(*) FROM models WHERE removed_at IS NULL").fetchone()[0]
    conn.close()

    print("stages of the vectorized scorer (no write):")
    for stage, seconds in timed_steps(args.db, config).items():
        print(f"  {stage:<32} {seconds:7.2f} s")
    # The cases interleave, so that a busy moment of the machine does not land on one case only.
    runs: dict[str, list[float]] = {case: [] for case in CASES}
    cpu: dict[str, list[float]] = {case: [] for case in CASES}
    for _ in range(args.repeat):
        for case, prepare in CASES.items():
            prepare(args.db)
            seconds, cpu_used, _ = end_to_end(args.db)
            runs[case].append(seconds)
            cpu[case].append(cpu_used)
    print(f"hubcrawl score, end to end, {n:,} models ({args.repeat} runs each; median first):")
    medians = {}
    for case, seconds in runs.items():
        medians[case] = statistics.median(seconds)
        shown = ", ".join(f"{s:.2f}" for s in seconds)
        print(f"  {case:<40} {medians[case]:7.2f} s  ({n / medians[case]:,.0f} models/s; runs: {shown}; "
              f"CPU, both processes: {statistics.median(cpu[case]):.2f} s)")
    conn = sqlite3.connect(args.db)
    size = conn.execute("SELECT avg(length(breakdown)) FROM scores").fetchone()[0]
    conn.close()
    print(f"  (breakdown JSON: {size:,.0f} bytes per model on average)")

    seconds, sampled = naive_baseline(args.db, args.baseline_sample, config)
    extrapolated = seconds * n / sampled
    print(f"baseline, per-model pure Python (same formula, same scores table): {sampled:,} models in "
          f"{seconds:.2f} s -> EXTRAPOLATED to {n:,} models: {extrapolated:.1f} s "
          f"({sampled / seconds:,.0f} models/s)")
    worst = max(medians.values())
    print(f"speed-up vs baseline (slowest case): {extrapolated / worst:.1f}x; "
          f"target <= 20 s per 1,000,000 models (median of the slowest case): "
          f"{'met' if worst <= 20 * n / 1_000_000 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
