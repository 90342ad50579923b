"""How scores are stored since migration m008: weights used kept once per pattern in the config's
definition, read the same by `load_breakdown` and the `score_signals` view; old and odd rows survive."""

from __future__ import annotations

import json

import factories as f
import numpy as np

from db import open_db
from db.connection import connect
from scoring.breakdown import load_breakdown
from scoring.store import score_database

# Weights whose shares sit on a rounding tie at 4 decimals: 1/32 = 0.03125, and 0.71/1.6 = 0.44375 (as a
# float, just off the tie). Python's round(), SQLite's round() and numpy's disagree on such values.
TIED = """
version: "tied.1"
overall_weights: {adoption: 1, quality: 31}
dimensions:
  adoption:
    signals:
      downloads_30d: {weight: 1, cap: 1000}
      likes:         {weight: 31, cap: 100}
  quality:
    signals:
      license_clarity:   {weight: 0.71, cap: 1, transform: linear}
      params_documented: {weight: 0.89, cap: 1, transform: linear}
"""
M008 = "m008_breakdown_without_weights_used"


def scored_with_tied_weights(db_path, tmp_path):
    config = tmp_path / "tied.yaml"
    config.write_text(TIED)
    db = f.new_db(db_path)
    f.add_model(db, "org/a", downloads=500, likes=20)
    db.conn.commit()
    score_database(db_path, config)
    return connect(db_path)


def expanded_signals(conn, model_id: str) -> dict[str, dict]:
    dims = load_breakdown(conn, model_id)["dimensions"]
    return {s["name"]: s for dim in dims.values() for s in dim["signals"]}


def scorer_rounding(weights: list[float]) -> list[float]:
    """How the scorer rounds every stored float (numpy, half to even after scaling)."""
    shares = np.array(weights) / np.array(weights).sum()
    return [float(v) for v in np.round(shares, 4)]


def test_view_and_load_breakdown_print_the_same_weights_used_at_rounding_ties(db_path, tmp_path):
    conn = scored_with_tied_weights(db_path, tmp_path)
    view = dict(conn.execute("SELECT signal, weight_used FROM score_signals WHERE model_id = 'org/a'"))
    expanded = expanded_signals(conn, "org/a")
    assert view == {name: s["weight_used"] for name, s in expanded.items()}
    assert [view["downloads_30d"], view["likes"]] == scorer_rounding([1, 31])
    assert [view["license_clarity"], view["params_documented"]] == scorer_rounding([0.71, 0.89])
    overall = load_breakdown(conn, "org/a")["overall"]["weights_used"]
    assert [overall["adoption"], overall["quality"]] == scorer_rounding([1, 31])
    conn.close()


def test_the_definition_keeps_the_weights_used_by_each_pattern_that_occurs(db_path, tmp_path):
    conn = scored_with_tied_weights(db_path, tmp_path)
    definition = json.loads(conn.execute("SELECT definition FROM score_configs").fetchone()[0])
    conn.close()
    # One model, every signal present: pattern 0b11 in each dimension and overall.
    assert definition["weights_used"] == [{"3": scorer_rounding([1, 31])},
                                          {"3": scorer_rounding([0.71, 0.89])}]
    assert definition["overall_weights_used"] == {"3": scorer_rounding([1, 31])}


def _before_m008(conn, model_id: str, text: str) -> None:
    with conn:
        conn.execute("UPDATE scores SET breakdown = ? WHERE model_id = ?", (text, model_id))
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = ?", (M008,))


def test_m008_carries_the_stored_weights_used_over_instead_of_recomputing_them(db_path, tmp_path):
    conn = scored_with_tied_weights(db_path, tmp_path)
    fetched = json.loads(conn.execute("SELECT breakdown FROM scores").fetchone()[0])[0]
    # As the scorer stored it before m008, with weights used that today's arithmetic would not give.
    old = json.dumps(["tied.1", "2026-11-01T06:00:00Z", fetched, [0.03, 0.97],
                      [[[500, 0.9, 0.02, 1.8, 0], [20, 0.66, 0.98, 64.68, 0]],
                       [[1.0, 1.0, 0.45, 45.0, 0], [0, 0.0, 0.55, 0.0, 0]]]], separators=(",", ":"))
    _before_m008(conn, "org/a", old)
    conn.close()
    open_db(db_path).conn.close()
    conn = connect(db_path)
    signals = expanded_signals(conn, "org/a")
    assert [signals[name]["weight_used"] for name in signals] == [0.02, 0.98, 0.45, 0.55]
    assert signals["likes"]["contribution"] == 64.68 and signals["params_documented"]["raw"] == 0
    assert load_breakdown(conn, "org/a")["overall"]["weights_used"] == {"adoption": 0.03, "quality": 0.97}
    view = dict(conn.execute("SELECT signal, weight_used FROM score_signals WHERE model_id = 'org/a'"))
    assert list(view.values()) == [0.02, 0.98, 0.45, 0.55]
    conn.close()


def scored_pair(db_path, first: str, second: str):
    """Two models scored with the shipped config; a connection to their database."""
    db = f.new_db(db_path)
    f.add_model(db, first)
    f.add_model(db, second)
    db.conn.commit()
    score_database(db_path)
    return connect(db_path)


def test_a_row_of_a_shape_we_never_wrote_is_left_alone_and_shows_no_breakdown(db_path):
    conn = scored_pair(db_path, "org/odd", "org/fine")
    _before_m008(conn, "org/odd", "[1,2,3,4,5]")
    assert load_breakdown(conn, "org/odd") is None  # a database not migrated yet (pages, compare)
    conn.close()
    open_db(db_path).conn.close()  # m008 must not fail on it: every command opens through it
    conn = connect(db_path)
    stored = conn.execute("SELECT breakdown FROM scores WHERE model_id = 'org/odd'").fetchone()[0]
    assert stored == "[1,2,3,4,5]"
    assert load_breakdown(conn, "org/odd") is None
    assert load_breakdown(conn, "org/fine") is not None
    conn.close()


def test_an_unreadable_breakdown_does_not_break_the_view_for_other_models(db_path):
    conn = scored_pair(db_path, "org/broken", "org/fine")
    with conn:
        conn.execute("UPDATE scores SET breakdown = 'not json' WHERE model_id = 'org/broken'")
    models = {m for (m,) in conn.execute("SELECT DISTINCT model_id FROM score_signals")}
    assert models == {"org/fine"}
    conn.close()


def test_a_config_version_with_quotes_is_stored_as_written(db_path, tmp_path):
    """The version and the as-of time are written into the upsert statement as SQL literals."""
    config = tmp_path / "quoted.yaml"
    config.write_text(TIED.replace('version: "tied.1"', """version: "it's 'v1'; --" """))
    db = f.new_db(db_path)
    f.add_model(db, "org/a", downloads=500, likes=20)
    db.conn.commit()
    score_database(db_path, config)
    score_database(db_path, config)  # and compared as such: nothing to rewrite
    conn = connect(db_path)
    assert conn.execute("SELECT config_version, computed_at FROM scores").fetchall() == [
        ("it's 'v1'; --", f.FETCHED_AT)]
    assert load_breakdown(conn, "org/a")["config_version"] == "it's 'v1'; --"
    conn.close()
