"""`hubcrawl explain` and the pages print a score the same way: readers check one against the other."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from factories import add_model, new_db
from test_pages_fixture_db import add_scores

from db.connection import connect
from pages.data import load_model
from pages.page import build_model_page
from pages.render_html import render_model_html
from pages.render_md import render_model_md
from scoring.explain import load_score, render_text

MODEL = "acme/half-up"
# 36.65 is stored as the float 36.64999…: a plain f"{:.1f}" prints 36.6, a person rounding by hand 36.7.
# 72.0 and 20.0 are whole numbers: trimming the decimal would print "72" where the table shows "72.0".
# Ecosystem's two signal contributions (60/40 in the fixture) have four decimals: 6.4481 and 4.2987.
SCORES = {"overall": 36.65, "adoption": 50.25, "quality": 72.0, "ecosystem": 10.7468, "momentum": None}
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


def md_breakdown_rows(conn) -> dict[str, list[str]]:
    """The model page's Markdown breakdown: signal -> [raw, transformed, weight used, contribution]."""
    markdown = render_model_md(build_model_page(load_model(conn, MODEL)))
    rows = {}
    for line in markdown.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 7 and cells[1].endswith("_main"):
            rows[cells[1]] = cells[2:6]
    return rows


def test_each_signal_reads_the_same_in_explain_and_in_the_page_breakdown(conn):
    text = render_text(load_score(conn, MODEL))
    page_rows = md_breakdown_rows(conn)
    assert set(page_rows) == {"adoption_main", "quality_main", "ecosystem_main"}
    for signal, shown_on_page in page_rows.items():
        columns = re.split(r"\s{2,}", re.search(rf"^  {signal} .*$", text, re.M).group(0).strip())
        # explain: signal, raw, cap, transformed, weight, weight used, contribution, source, fetched_at
        assert [columns[1], columns[3], columns[5], columns[6]] == shown_on_page


def test_dimension_weights_read_the_same_in_explain_and_in_the_page_breakdown(conn):
    """The scorer stores weights_used at four decimals (4/9 = 0.4444); both must print the same figure."""
    conn.execute(
        "UPDATE scores SET breakdown = json_set(breakdown, '$.overall.weights_used.adoption', 0.4444,"
        " '$.overall.weights_used.quality', 0.3333, '$.overall.weights_used.ecosystem', 0.2222)"
        " WHERE model_id = ?",
        (MODEL,),
    )
    text = render_text(load_score(conn, MODEL))
    html = render_model_html(build_model_page(load_model(conn, MODEL)))
    note = BeautifulSoup(html, "html.parser").find(string=re.compile("weighted by"))
    used_part = note.find_parent("p").get_text(" ").split("(configured weights")[0]
    on_page = dict(re.findall(r"(adoption|quality|ecosystem) ([\d.]+)", used_part))
    assert set(on_page) == {"adoption", "quality", "ecosystem"}
    for dimension, shown in on_page.items():
        # explain's dimension table: dimension, score, weight, weight used
        columns = re.split(r"\s{2,}", re.search(rf"^{dimension}  .*$", text, re.M).group(0).strip())
        assert columns[3] == shown, (dimension, columns, shown)


def test_an_unreadable_breakdown_still_explains_the_scores_and_says_why_the_detail_is_missing(conn):
    """The pages show the scores without the detail then; explain must not fail with a traceback."""
    conn.execute("UPDATE scores SET breakdown = 'not json' WHERE model_id = ?", (MODEL,))
    text = render_text(load_score(conn, MODEL))
    cells = page_cells(conn)
    assert re.search(r"^overall score\s+(\S+) / 100$", text, re.M).group(1) == cells["overall"]
    assert "breakdown" in text and "hubcrawl score" in text
    assert not re.search(r"\b(None|nan|null|undefined)\b", text)
