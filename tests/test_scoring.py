"""Scoring arithmetic and the stored breakdown, on real migrated SQLite files (tests/factories.py).

Expected values are derived from the inputs with the documented formula (docs/scoring.md), computed here
with `math`, independently of the numpy implementation.
"""

from __future__ import annotations

import json
import math

import factories as f
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db.connection import connect
from scoring import inputs as scoring_inputs
from scoring.breakdown import load_breakdown
from scoring.compute import compute_scores, percentile_ranks
from scoring.config import load_config
from scoring.inputs import NO_TIME, ScoringInputs, Timestamps, load_inputs
from scoring.signals import SIGNALS
from scoring.store import score_database, score_rows

CONFIG = load_config()
SIGNAL_CAPS = {s.name: s.cap for d in CONFIG.dimensions for s in d.signals}
SIGNAL_WEIGHTS = {d.name: {s.name: s.weight for s in d.signals} for d in CONFIG.dimensions}
ALL_SIGNALS = sorted({s.name for d in CONFIG.dimensions for s in d.signals})


def openssf(value: float, cap: float) -> float:
    return math.log(1 + value) / math.log(1 + max(value, cap))


def scored(db_path) -> dict[str, dict]:
    """Score the database; return each model's scores row, breakdown expanded (load_breakdown) and the
    stored text kept as row["stored"]."""
    score_database(db_path)
    conn = connect(db_path)
    conn.row_factory = lambda cursor, row: {c[0]: v for c, v in zip(cursor.description, row, strict=True)}
    rows = conn.execute("SELECT * FROM scores ORDER BY model_id").fetchall()
    conn.row_factory = None
    for row in rows:
        row["stored"] = row["breakdown"]
        row["breakdown"] = load_breakdown(conn, row["model_id"])
    conn.close()
    return {row["model_id"]: row for row in rows}


def signal(row: dict, dimension: str, name: str) -> dict:
    return next(s for s in row["breakdown"]["dimensions"][dimension]["signals"] if s["name"] == name)


# --- in-memory inputs for property tests: the real compute code over arbitrary signal values ---------------

def make_inputs(models: list[dict[str, float | None]], history: list[bool] | None = None) -> ScoringInputs:
    n = len(models)
    stamps = Timestamps()
    code = stamps.code(f.FETCHED_AT)
    raw = {name: np.array([np.nan if m.get(name) is None else m[name] for m in models], dtype=float)
           for name in ALL_SIGNALS}
    return ScoringInputs(
        model_ids=[f"org/m{i:04d}" for i in range(n)],
        tasks=["text-generation"] * n,
        as_of=f.FETCHED_AT,
        raw=raw,
        fetched={name: np.where(np.isnan(v), NO_TIME, code) for name, v in raw.items()},
        variant={name: np.zeros(n, dtype=np.int64) for name in ALL_SIGNALS},
        has_history=np.array(history if history is not None else [True] * n, dtype=bool),
        timestamps=stamps,
    )


def signal_value(name: str) -> st.SearchStrategy[float | None]:
    """Plausible raw values, or None (missing); presence facts stay within their graded range."""
    cap = SIGNAL_CAPS[name]
    if cap <= 4:  # graded facts (linear transform) and growth ratios
        values = st.floats(min_value=0, max_value=cap if name.endswith("growth") is False else 50)
    else:
        values = st.integers(min_value=0, max_value=int(cap) * 100).map(float)
    return st.one_of(st.none(), values)


model_signals = st.fixed_dictionaries({name: signal_value(name) for name in ALL_SIGNALS})


@settings(max_examples=60, deadline=None)
@given(st.lists(model_signals, min_size=1, max_size=8), st.lists(st.booleans(), min_size=8, max_size=8))
def test_every_score_is_between_0_and_100(models, history):
    table = compute_scores(make_inputs(models, history[: len(models)]), CONFIG)
    assert np.all((table.overall >= 0) & (table.overall <= 100))
    for dim in table.dimensions:
        present = dim.score[~np.isnan(dim.score)]
        assert np.all((present >= 0) & (present <= 100))
        # A dimension score is NULL exactly when none of its signals is present.
        assert np.array_equal(np.isnan(dim.score), np.isnan(dim.raw).all(axis=1))
    for pct in (table.percentile_global, table.percentile_task):
        assert np.all((pct > 0) & (pct <= 100))


@pytest.mark.parametrize(
    ("name", "dimensions"),
    [
        ("downloads_30d", ["adoption"]),
        ("downloads_all_time", ["adoption"]),
        ("likes", ["adoption"]),
        ("spaces", ["adoption", "ecosystem"]),
        ("finetunes", ["ecosystem"]),
        ("adapters", ["ecosystem"]),
        ("quantized", ["ecosystem"]),
        ("merges", ["ecosystem"]),
    ],
)
@settings(max_examples=40, deadline=None)
@given(base=model_signals, low=st.integers(0, 10**9), extra=st.integers(0, 10**9))
def test_more_of_a_signal_never_lowers_its_dimensions_or_overall(name, dimensions, base, low, extra):
    less = dict(base, **{name: float(low)})
    more = dict(base, **{name: float(low + extra)})
    table = compute_scores(make_inputs([less, more]), CONFIG)
    assert table.overall[1] >= table.overall[0]
    for dim in table.dimensions:
        if dim.config.name in dimensions:
            assert dim.score[1] >= dim.score[0]


def test_transform_is_the_openssf_formula():
    values = [0, 1, 9, 111_143, 10_000_000, 5 * 10**9]
    models = [{"downloads_30d": float(v)} for v in values]
    table = compute_scores(make_inputs(models), CONFIG)
    adoption = next(d for d in table.dimensions if d.config.name == "adoption")
    cap = SIGNAL_CAPS["downloads_30d"]
    for i, v in enumerate(values):
        assert adoption.transformed[i, 0] == pytest.approx(openssf(v, cap), abs=1e-4)
    assert adoption.transformed[-1, 0] == 1.0  # beyond the cap saturates at 1


def test_percentile_ties_share_a_percentile_and_the_best_gets_100():
    values = np.array([10.0, 20.0, 20.0, 30.0])
    assert percentile_ranks(values).tolist() == [25.0, 75.0, 75.0, 100.0]
    groups = np.array([0, 0, 1, -1])
    within = percentile_ranks(values, groups)
    assert within[:3].tolist() == [50.0, 100.0, 100.0]
    assert math.isnan(within[3])


# --- real databases ----------------------------------------------------------------------------------------

def test_missing_signal_drops_out_and_weights_renormalize(db_path):
    db = f.new_db(db_path)
    f.add_model(db, "org/has-spaces", downloads=111_143, downloads_all_time=2_000_000, likes=321)
    f.add_spaces(db, "org/has-spaces", [f"user/space-{i}" for i in range(7)])
    f.add_model(db, "org/no-spaces", downloads=111_143, downloads_all_time=2_000_000, likes=321,
                spaces_count=None)
    db.conn.commit()
    rows = scored(db_path)

    weights = SIGNAL_WEIGHTS["adoption"]
    raw = {"downloads_30d": 111_143, "downloads_all_time": 2_000_000, "likes": 321}
    without = sum(weights[k] * openssf(v, SIGNAL_CAPS[k]) for k, v in raw.items()) / sum(
        weights[k] for k in raw)
    row = rows["org/no-spaces"]
    assert row["adoption"] == pytest.approx(100 * without, abs=1e-3)
    spaces = signal(row, "adoption", "spaces")
    assert spaces["raw"] is None and spaces["transformed"] is None and spaces["fetched_at"] is None
    assert spaces["weight_used"] == 0 and spaces["contribution"] == 0
    assert "not fetched" in spaces["missing"]

    raw_with = {**raw, "spaces": 7}
    with_spaces = sum(weights[k] * openssf(v, SIGNAL_CAPS[k]) for k, v in raw_with.items()) / sum(
        weights.values())
    assert rows["org/has-spaces"]["adoption"] == pytest.approx(100 * with_spaces, abs=1e-3)

    for model in rows.values():
        for dim in model["breakdown"]["dimensions"].values():
            if dim["score"] is None:
                continue
            assert sum(s["weight_used"] for s in dim["signals"]) == pytest.approx(1, abs=1e-3)
            assert sum(s["contribution"] for s in dim["signals"]) == pytest.approx(dim["score"], abs=1e-3)
        overall = model["breakdown"]["overall"]
        assert sum(overall["weights_used"].values()) == pytest.approx(1, abs=1e-3)
        assert overall["score"] == model["overall"]


def test_momentum_needs_two_snapshots(db_path):
    db = f.new_db(db_path)
    f.add_model(db, "org/one-snapshot")
    f.add_snapshot(db, "org/one-snapshot", "2026-11-01T06:00:00Z", downloads=1000, likes=10)
    f.add_model(db, "org/two-snapshots")
    f.add_snapshot(db, "org/two-snapshots", "2026-10-01T06:00:00Z", downloads=1000, likes=10)
    f.add_snapshot(db, "org/two-snapshots", "2026-10-15T06:00:00Z", downloads=3000, likes=10)
    f.add_snapshot(db, "org/two-snapshots", "2026-11-01T06:00:00Z", downloads=4000, likes=10)
    db.conn.commit()
    rows = scored(db_path)

    one = rows["org/one-snapshot"]
    assert one["momentum"] is None
    assert one["breakdown"]["dimensions"]["momentum"] == {
        "score": None, "signals": [], "missing": "needs at least 2 snapshots"}
    assert "momentum" not in one["breakdown"]["overall"]["weights_used"]

    two = rows["org/two-snapshots"]
    # Only the two most recent snapshots count: 3000 -> 4000 downloads, likes flat.
    weights = SIGNAL_WEIGHTS["momentum"]
    downloads_t = (4001 / 3001) / (4001 / 3001 + 1)
    likes_t = 0.5  # no change maps to the midpoint
    expected = 100 * (weights["downloads_growth"] * downloads_t + weights["likes_growth"] * likes_t) / sum(
        weights.values())
    assert two["momentum"] == pytest.approx(expected, abs=1e-3)
    assert signal(two, "momentum", "downloads_growth")["fetched_at"] == "2026-11-01T06:00:00Z"


def test_scoring_twice_gives_byte_identical_rows_and_records_the_config(db_path):
    db = f.new_db(db_path)
    for i in range(5):
        f.add_model(db, f"org/model-{i}", downloads=10**i, fetched_at=f"2026-11-0{i + 1}T06:00:00Z")
    f.add_edge(db, "org/model-1", "org/model-0", "finetune")
    db.conn.commit()

    def dump() -> list[tuple]:
        score_database(db_path)
        conn = connect(db_path)
        rows = conn.execute("SELECT * FROM scores ORDER BY model_id").fetchall()
        conn.close()
        return rows

    first, second = dump(), dump()
    assert first == second and len(first) == 5
    for i, row in enumerate(first):
        assert row[1] == CONFIG.version
        assert row[2] == "2026-11-05T06:00:00Z"  # computed_at: the latest fetched_at, not the wall clock
        assert json.loads(row[10])[0] == f"2026-11-0{i + 1}T06:00:00Z"  # the compact form: the model's own


def test_every_row_takes_the_new_as_of_time_even_when_its_numbers_did_not_change(db_path):
    """The as-of time is a column, not part of the breakdown: a row whose numbers are unchanged must still
    say which data it was computed from, or pages would date it to an older crawl."""
    db = f.new_db(db_path)
    f.add_model(db, "org/quiet", fetched_at="2026-11-01T06:00:00Z")
    f.add_model(db, "org/busy", fetched_at="2026-11-01T06:00:00Z")
    db.conn.commit()
    before = scored(db_path)
    db["models"].update("org/busy", {"fetched_at": "2026-11-02T06:00:00Z"})
    db.conn.commit()
    after = scored(db_path)
    assert after["org/quiet"]["stored"] == before["org/quiet"]["stored"]
    assert {row["computed_at"] for row in after.values()} == {"2026-11-02T06:00:00Z"}
    assert after["org/quiet"]["breakdown"]["as_of"] == "2026-11-02T06:00:00Z"


def test_percentiles_within_task_and_globally(db_path):
    db = f.new_db(db_path)
    # Identical except 30-day downloads, so overall follows downloads: t1 > i1 > t2 = t3 > n1.
    f.add_model(db, "org/t1", pipeline_tag="text-generation", downloads=1_000_000)
    f.add_model(db, "org/i1", pipeline_tag="text-to-image", downloads=100_000)
    f.add_model(db, "org/t2", pipeline_tag="text-generation", downloads=1_000)
    f.add_model(db, "org/t3", pipeline_tag="text-generation", downloads=1_000)
    f.add_model(db, "org/n1", pipeline_tag=None, downloads=10)
    db.conn.commit()
    rows = scored(db_path)
    assert rows["org/t1"]["overall"] > rows["org/i1"]["overall"] > rows["org/t2"]["overall"]
    assert rows["org/t2"]["overall"] == rows["org/t3"]["overall"] > rows["org/n1"]["overall"]
    # Global: percent of the 5 models at or below.
    expected_global = {"org/t1": 100, "org/i1": 80, "org/t2": 60, "org/t3": 60, "org/n1": 20}
    assert {m: r["percentile_global"] for m, r in rows.items()} == expected_global
    # Within text-generation (3 models): t1 beats both others; t2 and t3 tie at 2 of 3.
    assert rows["org/t1"]["percentile_task"] == 100
    assert rows["org/t2"]["percentile_task"] == rows["org/t3"]["percentile_task"] == pytest.approx(200 / 3,
                                                                                                   abs=1e-3)
    assert rows["org/i1"]["percentile_task"] == 100  # alone in its task
    assert rows["org/n1"]["percentile_task"] is None  # no task, no peer group


def test_removed_models_are_not_scored_and_lose_stale_scores(db_path):
    db = f.new_db(db_path)
    f.add_model(db, "org/alive")
    f.add_model(db, "org/gone")
    db.conn.commit()
    assert set(scored(db_path)) == {"org/alive", "org/gone"}
    db["models"].update("org/gone", {"removed_at": "2026-11-02T06:00:00Z"})
    db.conn.commit()
    assert set(scored(db_path)) == {"org/alive"}


def test_derivatives_take_the_larger_of_edges_and_api_counts(db_path):
    db = f.new_db(db_path)
    f.add_model(db, "org/base")
    for i in range(3):
        f.add_edge(db, f"fan/tune-{i}", "org/base", "finetune")
    f.add_edge(db, "fan/tune-0", "org/base", "finetune", source="card")  # same child, two sources: once
    f.add_edge(db, "fan/q-0", "org/base", "quantized")
    db["model_children"].insert_all([
        {"model_id": "org/base", "relation": "finetune", "count": 2, "source": "api.childrenModelCount",
         "fetched_at": "2026-10-30T06:00:00Z"},
        {"model_id": "org/base", "relation": "quantized", "count": 40, "source": "api.childrenModelCount",
         "fetched_at": "2026-10-30T06:00:00Z"},
    ])
    db.conn.commit()
    row = scored(db_path)["org/base"]
    finetunes = signal(row, "ecosystem", "finetunes")
    assert finetunes["raw"] == 3 and finetunes["source"].startswith("model_edges")
    quantized = signal(row, "ecosystem", "quantized")
    assert quantized["raw"] == 40 and quantized["source"].startswith("model_children")
    assert quantized["fetched_at"] == "2026-10-30T06:00:00Z"
    assert signal(row, "ecosystem", "adapters")["raw"] == 0


def test_card_completeness_counts_topics_by_keyword(db_path):
    db = f.new_db(db_path)
    f.add_model(db, "org/full")
    f.add_card(db, "org/full", sections=[
        ("Uses > Direct Use", "text"), ("Bias, Risks, and LIMITATIONS", "text"),
        ("Training Details > Training Data", "text"), ("Evaluation > Results", "text")])
    f.add_model(db, "org/partial")
    f.add_card(db, "org/partial", sections=[("Model Description", "text"), ("How to use", "text")])
    f.add_model(db, "org/no-card-on-hub")
    f.add_card(db, "org/no-card-on-hub", status="missing")
    f.add_model(db, "org/card-not-fetched")
    db.conn.commit()
    rows = scored(db_path)
    assert signal(rows["org/full"], "quality", "card_completeness")["raw"] == 4
    assert signal(rows["org/partial"], "quality", "card_completeness")["raw"] == 1
    assert signal(rows["org/no-card-on-hub"], "quality", "card_completeness")["raw"] == 0
    unfetched = signal(rows["org/card-not-fetched"], "quality", "card_completeness")
    assert unfetched["raw"] is None and unfetched["missing"] == SIGNALS["card_completeness"].missing_reason


def test_verified_eval_results_weigh_more_than_self_reported(db_path):
    db = f.new_db(db_path)
    for model_id, verified in (("org/verified", True), ("org/claimed", False)):
        f.add_model(db, model_id)
        f.add_card(db, model_id)
        f.add_eval(db, model_id, dataset="cais/mmlu", metric="accuracy", value=0.7, verified=verified)
    db.conn.commit()
    rows = scored(db_path)
    assert rows["org/verified"]["quality"] > rows["org/claimed"]["quality"]


def test_license_clarity_ranks_known_over_other_over_none(db_path):
    db = f.new_db(db_path)
    f.add_model(db, "org/a-known", license="Apache-2.0")
    f.add_model(db, "org/b-named", license="other", license_name="custom", license_link="LICENSE")
    f.add_model(db, "org/c-bare", license="other", license_name=None, license_link=None)
    f.add_model(db, "org/d-none", license=None)
    db.conn.commit()
    rows = scored(db_path)
    clarity = [signal(rows[m], "quality", "license_clarity")["raw"] for m in sorted(rows)]
    assert clarity == sorted(clarity, reverse=True) and len(set(clarity)) == 4
    assert clarity[-1] == 0


def test_breakdown_follows_the_contract(db_path):
    db = f.new_db(db_path)
    f.add_model(db, "org/m", spaces_count=None)
    db.conn.commit()
    breakdown = scored(db_path)["org/m"]["breakdown"]
    assert list(breakdown) == ["config_version", "as_of", "overall", "dimensions"]
    assert list(breakdown["overall"]) == ["score", "weights", "weights_used"]
    assert list(breakdown["dimensions"]) == ["adoption", "quality", "ecosystem", "momentum"]
    keys = ["name", "raw", "cap", "transformed", "weight", "weight_used", "contribution", "source",
            "fetched_at"]
    for dim in breakdown["dimensions"].values():
        for s in dim["signals"]:
            assert list(s)[:9] == keys
            assert list(s)[9:] == (["missing"] if s["raw"] is None else [])


def test_score_rows_match_the_inputs_model_order(db_path):
    db = f.new_db(db_path)
    for name in ("org/b", "org/a", "org/c"):
        f.add_model(db, name)
    db.conn.commit()
    conn = connect(db_path)
    inputs = load_inputs(conn)
    conn.close()
    rows = list(score_rows(compute_scores(inputs, CONFIG)))
    assert [r[0] for r in rows] == ["org/a", "org/b", "org/c"]


def test_vectorized_scores_agree_with_the_per_model_reference(db_path):
    """bench/bench_score.py holds a straightforward per-model implementation (SQL per model, math.log):
    two independent implementations of docs/scoring.md must agree on every number."""
    import importlib.util
    from pathlib import Path

    bench_path = Path(__file__).resolve().parent.parent / "bench" / "bench_score.py"
    spec = importlib.util.spec_from_file_location("bench_score", bench_path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)

    db = f.new_db(db_path)
    f.add_model(db, "org/base", downloads=2_500_000, likes=900, spaces_count=None,
                tags=["safetensors", "gguf"], params=7_000_000_000, params_source="safetensors.total")
    f.add_card(db, "org/base", sections=[("Uses", "t"), ("Limitations", "t"), ("Evaluation", "t")])
    f.add_eval(db, "org/base", dataset="d1", metric="acc", value=1.0, verified=True)
    f.add_eval(db, "org/base", dataset="d2", metric="acc", value=1.0, verified=False)
    f.add_model(db, "org/tune", downloads=0, likes=0, license="other", license_name="x", license_link=None,
                library_name=None, pipeline_tag=None)
    f.add_edge(db, "org/tune", "org/base", "finetune")
    f.add_spaces(db, "org/tune", ["a/s1", "a/s2", "a/s3"])
    f.add_snapshot(db, "org/tune", "2026-10-01T06:00:00Z", downloads=10, likes=None)
    f.add_snapshot(db, "org/tune", "2026-11-01T06:00:00Z", downloads=30, likes=2)
    db.conn.commit()
    rows = scored(db_path)
    conn = connect(db_path)
    for model_id, row in rows.items():
        reference = json.loads(bench.naive_score_one(conn, model_id, CONFIG)[-1])
        assert row["overall"] == pytest.approx(reference["overall"]["score"], abs=1e-3)
        for name, dim in reference["dimensions"].items():
            stored = row["breakdown"]["dimensions"][name]
            if stored["signals"] == []:  # momentum without history: the reference leaves it all missing
                assert dim["score"] is None
                continue
            assert stored["score"] == pytest.approx(dim["score"], abs=1e-3)
            for mine, theirs in zip(stored["signals"], dim["signals"], strict=True):
                assert mine["name"] == theirs["name"]
                for key in ("raw", "transformed", "weight_used", "contribution"):
                    assert mine[key] == pytest.approx(theirs[key], abs=1e-3), (model_id, mine["name"], key)
    conn.close()


def test_rescoring_updates_changed_values_and_percentiles(db_path):
    db = f.new_db(db_path)
    f.add_model(db, "org/a", downloads=100)
    f.add_model(db, "org/b", downloads=10)
    db.conn.commit()
    before = scored(db_path)
    assert before["org/a"]["percentile_global"] == 100
    # A new, more downloaded model changes the others' percentiles but not their breakdowns...
    f.add_model(db, "org/c", downloads=1_000_000)
    # ...and new downloads change b's breakdown.
    db["models"].update("org/b", {"downloads": 5_000})
    db.conn.commit()
    after = scored(db_path)
    assert after["org/a"]["breakdown"] == before["org/a"]["breakdown"]
    assert after["org/a"]["percentile_global"] == pytest.approx(100 * 1 / 3, abs=1e-3)
    assert after["org/b"]["adoption"] > before["org/b"]["adoption"]
    assert signal(after["org/b"], "adoption", "downloads_30d")["raw"] == 5_000
    assert after["org/c"]["percentile_global"] == 100


def test_integrations_count_each_integration_once(db_path):
    db = f.new_db(db_path)
    # transformers (library and tag: one integration) + gguf + inference warm = 3
    f.add_model(db, "org/served", library_name="transformers", inference="warm",
                tags=["transformers", "gguf"])
    # peft (a library that is not a runtime tag) + onnx = 2
    f.add_model(db, "org/adapter", library_name="peft", tags=["onnx", "safetensors"])
    f.add_model(db, "org/bare", library_name=None)
    db.conn.commit()
    rows = scored(db_path)
    assert signal(rows["org/served"], "ecosystem", "integrations")["raw"] == 3
    assert signal(rows["org/adapter"], "ecosystem", "integrations")["raw"] == 2
    assert signal(rows["org/bare"], "ecosystem", "integrations")["raw"] == 0


def test_a_database_without_models_scores_nothing(db_path):
    f.new_db(db_path).conn.close()
    summary = score_database(db_path)
    assert summary.models == 0 and summary.as_of is None
    assert scored(db_path) == {}


# --- compact storage, expanded on read ---------------------------------------------------------------------

def _varied_db(db_path):
    """Models exercising every kind of breakdown entry: missing signals, API-sourced derivative counts,
    signals fetched at another time than the model row, and momentum with and without history."""
    db = f.new_db(db_path)
    f.add_model(db, "org/base", downloads_all_time=None, spaces_count=None, tags=["safetensors"])
    f.add_card(db, "org/base", sections=[("Uses", "t")])
    db["model_children"].insert_all([{"model_id": "org/base", "relation": "quantized", "count": 40,
                                      "source": "api", "fetched_at": "2026-10-30T06:00:00Z"}])
    f.add_model(db, "org/tune", downloads=None, fetched_at="2026-10-31T06:00:00Z")
    f.add_edge(db, "org/tune", "org/base", "finetune")
    f.add_snapshot(db, "org/tune", "2026-10-01T06:00:00Z", downloads=10, likes=None)
    f.add_snapshot(db, "org/tune", "2026-11-01T06:00:00Z", downloads=30, likes=2)
    db.conn.commit()
    return scored(db_path)


def test_stored_breakdown_is_compact_and_expands_to_the_contract(db_path):
    rows = _varied_db(db_path)
    for row in rows.values():
        expanded = json.dumps(row["breakdown"], separators=(",", ":"))
        assert len(row["stored"]) * 3 < len(expanded)  # names, caps, weights and wording are not repeated
        assert row["breakdown"]["config_version"] == CONFIG.version
        assert row["breakdown"]["overall"]["score"] == row["overall"]
        for name, dim in row["breakdown"]["dimensions"].items():
            assert dim["score"] == row[name]
    base, tune = rows["org/base"], rows["org/tune"]
    assert signal(base, "adoption", "downloads_all_time")["missing"] == "not reported by the Hub"
    assert signal(base, "ecosystem", "quantized")["source"] == "model_children"
    assert signal(base, "ecosystem", "quantized")["fetched_at"] == "2026-10-30T06:00:00Z"
    assert signal(tune, "adoption", "downloads_30d")["fetched_at"] is None
    assert signal(tune, "adoption", "likes")["fetched_at"] == "2026-10-31T06:00:00Z"
    assert signal(tune, "momentum", "likes_growth")["missing"] == SIGNALS["likes_growth"].missing_reason
    assert base["breakdown"]["dimensions"]["momentum"]["missing"] == "needs at least 2 snapshots"


def test_stored_signals_take_the_shortest_form_that_keeps_every_number(db_path):
    rows = _varied_db(db_path)
    base_fetched, dimensions = json.loads(rows["org/base"]["stored"])
    adoption, quality, ecosystem, momentum = dimensions
    assert base_fetched == f.FETCHED_AT
    assert adoption[1] == "hub"  # downloads_all_time missing: its reason's code alone
    assert ecosystem[1] == 0  # no adapter found: a bare number (transformed 0, contribution 0)
    assert ecosystem[2][3:] == ["2026-10-30T06:00:00Z", 1]  # quantized: its own fetch time and source
    assert momentum == []  # no history: nothing to show
    assert all(isinstance(v, list) and len(v) == 3 for v in (adoption[0], quality[0]))


def _stored_before_m008(row: dict) -> str:
    """The breakdown as scorers before migration m008 stored it (docs/scoring.md of that time), built from
    its expanded form: config version, as-of time and weights used inside every row."""
    breakdown = row["breakdown"]
    model_fetched = json.loads(row["stored"])[0]
    used = breakdown["overall"]["weights_used"]
    dimensions = []
    for dim in breakdown["dimensions"].values():
        signals = []
        for s in dim["signals"]:
            sources = [SIGNALS[s["name"]].source, *scoring_inputs.SOURCE_VARIANTS.get(s["name"], ())]
            fetched = 0 if s["fetched_at"] == model_fetched and s["raw"] is not None else s["fetched_at"]
            values = [s["raw"], s["transformed"], s["weight_used"], s["contribution"], fetched]
            variant = sources.index(s["source"])
            if s["raw"] is None:
                values.append(SIGNALS[s["name"]].missing)
            if variant:
                values += [None, variant] if s["raw"] is not None else [variant]
            signals.append(values)
        dimensions.append(signals)
    return json.dumps([breakdown["config_version"], breakdown["as_of"], model_fetched,
                       [used.get(d.name) for d in CONFIG.dimensions], dimensions], separators=(",", ":"))


def test_rows_stored_before_m008_are_rewritten_in_the_new_shape_byte_for_byte(db_path):
    from db import open_db

    rows = _varied_db(db_path)
    conn = connect(db_path)
    with conn:
        for model_id, row in rows.items():
            old = _stored_before_m008(row)
            assert len(old) > len(row["stored"]) * 1.5
            conn.execute("UPDATE scores SET breakdown = ? WHERE model_id = ?", (old, model_id))
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm008_breakdown_without_weights_used'")
    for model_id, row in rows.items():  # commands that read without migrating (pages) still see them
        assert load_breakdown(conn, model_id) == row["breakdown"]
    conn.close()
    open_db(db_path).conn.close()  # applies m008 again
    conn = connect(db_path)
    for model_id, row in rows.items():
        stored = conn.execute("SELECT breakdown FROM scores WHERE model_id = ?", (model_id,)).fetchone()[0]
        assert stored == row["stored"]
        assert load_breakdown(conn, model_id) == row["breakdown"]
    assert conn.execute("SELECT count(*) FROM score_signals").fetchone()[0] > 0
    conn.close()


def test_the_wording_of_a_missing_download_count_matches_the_pages_table():
    from pages.data import NOT_REPORTED

    assert SIGNALS["downloads_all_time"].missing_reason == NOT_REPORTED
    assert SIGNALS["downloads_30d"].missing_reason == NOT_REPORTED


def test_score_signals_view_traces_every_signal_in_sql(db_path):
    rows = _varied_db(db_path)
    conn = connect(db_path)
    conn.row_factory = lambda cursor, row: {c[0]: v for c, v in zip(cursor.description, row, strict=True)}
    view = conn.execute("SELECT * FROM score_signals").fetchall()
    conn.close()
    expected = [
        {"model_id": model_id, "config_version": row["breakdown"]["config_version"], "dimension": dim_name,
         "signal": s["name"], "raw": s["raw"], "cap": s["cap"], "transformed": s["transformed"],
         "weight": s["weight"], "weight_used": s["weight_used"], "contribution": s["contribution"],
         "source": s["source"], "fetched_at": s["fetched_at"], "missing": s.get("missing")}
        for model_id, row in rows.items()
        for dim_name, dim in row["breakdown"]["dimensions"].items()
        for s in dim["signals"]
    ]
    key = lambda r: (r["model_id"], r["dimension"], r["signal"])  # noqa: E731
    assert sorted(view, key=key) == sorted(expected, key=key)
    # One row per model and shown signal: momentum only for the model with history.
    shown = sum(len(d.signals) for d in CONFIG.dimensions)
    assert len(view) == 2 * shown - len(CONFIG.dimensions[-1].signals)


def test_load_breakdown_none_when_not_scored_and_batch_agrees(db_path):
    from scoring.breakdown import load_breakdowns

    rows = _varied_db(db_path)
    conn = connect(db_path)
    assert load_breakdown(conn, "org/never-scored") is None
    batch = load_breakdowns(conn, ["org/base", "org/tune", "org/never-scored"])
    assert batch == {m: r["breakdown"] for m, r in rows.items()}
    with conn:
        conn.execute("UPDATE scores SET breakdown = 'not json' WHERE model_id = 'org/base'")
    assert load_breakdown(conn, "org/base") is None  # unreadable: no breakdown rather than a wrong one
    conn.close()


def test_the_config_is_stored_once_per_version(db_path):
    _varied_db(db_path)
    score_database(db_path)
    conn = connect(db_path)
    stored = conn.execute("SELECT config_version, definition FROM score_configs").fetchall()
    conn.close()
    assert [v for v, _ in stored] == [CONFIG.version]
    definition = json.loads(stored[0][1])
    assert [d["name"] for d in definition["dimensions"]] == [d.name for d in CONFIG.dimensions]
    assert definition["dimensions"][0]["signals"][0]["weight"] == CONFIG.dimensions[0].signals[0].weight


def test_scores_that_display_alike_share_a_percentile():
    """Pages show one decimal; a percentile must not separate 63.44 from 63.41 (both "63.4")."""
    from scoring.compute import percentile_ranks

    tied = percentile_ranks(np.array([63.44, 63.41, 40.0]), np.array([0, 0, 0]))
    assert tied[0] == tied[1] == 100.0
    half_up = percentile_ranks(np.array([63.45, 63.54]))
    assert half_up[0] == half_up[1]  # both show "63.5"


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=1_000_000))
def test_percentile_precision_is_the_pages_rounding(stored):
    from pages.format import round_score
    from scoring.compute import shown_keys

    value = round(stored / 10_000, 4)
    assert int(shown_keys(np.array([value]))[0]) == int(round_score(value) * 10)


def test_reading_card_topics_never_reads_section_texts(db_path):
    # Card completeness needs each card's heading paths only: the scan must use an index that holds the
    # paths, not the table, whose rows carry every section's text (about 1 KB each on the real Hub).
    f.new_db(db_path).conn.close()
    conn = connect(db_path)
    try:
        scoring_inputs._create_path_topics(conn)
        for sql in (scoring_inputs._TOPICS_SQL, "SELECT DISTINCT path FROM card_sections"):
            plan = " | ".join(row[-1] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
            assert "COVERING INDEX card_sections_paths" in plan, plan
    finally:
        conn.close()
