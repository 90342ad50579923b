"""Pages over scores written by the real scoring step: the breakdown contract holds end to end."""

from __future__ import annotations

import json
import re

import pytest
from test_pages_fixture_db import ALPHA, BRAVO, build_pages_db

from db.connection import connect
from pages.data import DIMENSIONS, load_pair
from pages.format import format_score
from pages.page import build_compare_page
from pages.render_html import render_compare_html
from pages.render_json import render_compare_json
from pages.render_md import render_compare_md

store = pytest.importorskip("scoring.store")


@pytest.fixture
def scored_conn(db_path):
    db = build_pages_db(db_path)
    db.execute("DELETE FROM scores")  # replace the hand-written scores with the scorer's own
    db.conn.commit()
    store.score_database(db_path)
    conn = connect(db_path)
    yield conn
    conn.close()


def test_scorer_breakdowns_render_in_every_format(scored_conn):
    page = build_compare_page(load_pair(scored_conn, ALPHA, BRAVO))
    for model in page.models:
        assert model.breakdown is not None
        for dim in model.breakdown.dimensions:
            if dim.score is None:
                continue
            # contributions are dimension points: they add up to the dimension score
            assert sum(s.contribution or 0 for s in dim.signals) == pytest.approx(dim.score, abs=0.01)
            assert format_score(dim.score) == format_score(model.scores[dim.name].value)
    html, md = render_compare_html(page), render_compare_md(page)
    data = json.loads(render_compare_json(page))
    for model_json in data["models"]:
        for name in ("overall", *DIMENSIONS):
            value = model_json[name]
            shown = "—" if value is None else f"{value:.1f}"
            assert shown in html and shown in md
    assert not re.search(r"\b(None|nan|NaN|undefined)\b", md)


def test_site_index_agrees_with_the_scores_table(scored_conn, tmp_path):
    from pages.site import build_site

    build_site(scored_conn, tmp_path / "site", pairs_per_model=1)
    index = json.loads((tmp_path / "site" / "index.json").read_text())
    stored = dict(scored_conn.execute("SELECT model_id, overall FROM scores").fetchall())
    for entry in index["models"]:
        if entry["model_id"] in stored:
            assert f"{entry['overall']:.1f}" == format_score(stored[entry["model_id"]])
            assert entry["rank"] is not None
        else:
            assert entry["overall"] is None


def test_pages_show_the_expanded_breakdown_and_the_pages_wording(scored_conn):
    """The stored row is compact; pages read it expanded, with the same missing wording as the table."""
    from pages.data import NOT_REPORTED, load_model
    from scoring.breakdown import load_breakdown

    stored = scored_conn.execute("SELECT breakdown FROM scores WHERE model_id = ?", (ALPHA,)).fetchone()[0]
    assert isinstance(json.loads(stored), list)  # the compact form, not the contract dict
    expanded = load_breakdown(scored_conn, ALPHA)
    model = load_model(scored_conn, ALPHA)
    assert model.breakdown.config_version == expanded["config_version"]
    for dim in model.breakdown.dimensions:
        signals = expanded["dimensions"][dim.name]["signals"]
        assert [(s.name, s.raw, s.contribution, s.source, s.missing) for s in dim.signals] == [
            (s["name"], s["raw"], s["contribution"], s["source"], s.get("missing")) for s in signals]
        for s in dim.signals:
            if s.name.startswith("downloads_") and s.raw is None:
                assert s.missing == NOT_REPORTED
