"""`hubcrawl explain` and the pages print a score the same way: readers check one against the other."""

from __future__ import annotations

import re

import pytest
from factories import add_model, new_db
from test_pages_fixture_db import add_scores

from db.connection import connect
from pages.data import load_model
from pages.page import build_model_page
from scoring.explain import load_score, render_text

MODEL = "acme/half-up"
# 36.65 is stored as the float 36.64999…: a plain f"{:.1f}" prints 36.6, a person rounding by hand 36.7.
# 72.0 and 20.0 are whole numbers: trimming the decimal would print "72" where the table shows "72.0".
SCORES = {"overall": 36.65, "adoption": 50.25, "quality": 72.0, "ecosystem": 10.75, "momentum": None}
PERCENTILES = (20.0, 10.45)


@pytest.fixture
def conn(db_path):
    db = new_db(db_path)
    add_model(db, MODEL)
    add_scores(db, MODEL, SCORES, PERCENTILES)
    connection = connect(db_path)
    yield connection
    connection.close()


def page_cells(conn) -> dict[str, str]:
    """The model page's shown text per row key."""
    page = build_model_page(load_model(conn, MODEL))
    return {row.key: row.cells[0].text for row in page.rows}


def test_explain_rounds_scores_half_up_like_the_pages(conn):
    text = render_text(load_score(conn, MODEL))
    assert re.search(r"^overall score\s+36\.7 / 100$", text, re.M)
    assert page_cells(conn)["overall"] == "36.7"


def test_every_score_reads_the_same_in_explain_and_on_the_model_page(conn):
    text = render_text(load_score(conn, MODEL))
    cells = page_cells(conn)
    for dimension in ("adoption", "quality", "ecosystem"):
        assert re.search(rf"^{dimension}: (\S+)$", text, re.M).group(1) == cells[dimension]
    assert re.search(r"^overall score\s+(\S+) / 100$", text, re.M).group(1) == cells["overall"]
    percentile_in_rank_cell = re.search(r"percentile (\S+)$", cells["rank"]).group(1)
    assert re.search(r"(\S+) within task", text).group(1) == percentile_in_rank_cell
