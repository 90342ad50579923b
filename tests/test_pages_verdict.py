"""The verdict never says anything the table does not show (property test over shown values)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_pages_fixture_db import ALPHA, BRAVO, build_pages_db

from db.connection import connect
from pages.data import load_pair
from pages.format import MISSING_MARK, format_score
from pages.page import build_compare_page
from pages.render_html import render_compare_html
from pages.verdict import LEADS_A, LEADS_B, MISSING, TIED, ScoreCells, compute_verdict

NAME_A, NAME_B = "org-one/model-a", "org-two/model-b"
DIMENSIONS = ("adoption", "quality", "ecosystem", "momentum")

# Scores near each other so that ties at the shown precision (63.44 vs 63.41) are common.
score = st.one_of(
    st.none(),
    st.floats(min_value=0, max_value=100, allow_nan=False),
    st.sampled_from([63.44, 63.41, 63.45, 63.35, 55.0, 55.04, 0.05, 0.04, 100.0]),
)


def shown(value: float | None) -> str:
    return format_score(value)


def expected_outcome(shown_a: str, shown_b: str) -> str:
    """Independent reasoning on what the reader sees: compare the printed decimals."""
    if MISSING_MARK in (shown_a, shown_b):
        return MISSING
    a, b = Decimal(shown_a), Decimal(shown_b)
    return TIED if a == b else (LEADS_A if a > b else LEADS_B)


@given(st.tuples(score, score), st.lists(st.tuples(score, score), min_size=4, max_size=4))
def test_verdict_never_contradicts_the_shown_table(overall_pair, dimension_pairs):
    overall = ScoreCells("overall", shown(overall_pair[0]), shown(overall_pair[1]))
    dims = [
        ScoreCells(name, shown(a), shown(b)) for name, (a, b) in zip(DIMENSIONS, dimension_pairs, strict=True)
    ]
    verdict = compute_verdict(NAME_A, NAME_B, overall, dims)

    for row in [overall, *dims]:
        outcome = verdict.outcomes[row.label]
        assert outcome == expected_outcome(row.shown_a, row.shown_b)
        if outcome in (LEADS_A, LEADS_B):  # a named leader has the strictly larger shown value
            leader, trailer = (row.shown_a, row.shown_b) if outcome == LEADS_A else (row.shown_b, row.shown_a)
            assert Decimal(leader) > Decimal(trailer)

    any_tie = any(expected_outcome(r.shown_a, r.shown_b) == TIED for r in [overall, *dims])
    assert ("tied" in verdict.text.lower()) == any_tie
    # Every number in the verdict is one of the shown cells: nothing the table does not show.
    shown_numbers = {c for r in [overall, *dims] for c in (r.shown_a, r.shown_b)}
    assert set(re.findall(r"\d+\.\d", verdict.text)) <= shown_numbers
    assert "None" not in verdict.text and "nan" not in verdict.text


@given(st.tuples(score, score), st.lists(st.tuples(score, score), min_size=4, max_size=4))
def test_each_dimension_leader_is_named_with_its_shown_values(overall_pair, dimension_pairs):
    overall = ScoreCells("overall", shown(overall_pair[0]), shown(overall_pair[1]))
    dims = [
        ScoreCells(name, shown(a), shown(b)) for name, (a, b) in zip(DIMENSIONS, dimension_pairs, strict=True)
    ]
    text = compute_verdict(NAME_A, NAME_B, overall, dims).text
    for row in dims:
        outcome = expected_outcome(row.shown_a, row.shown_b)
        if outcome == LEADS_A:
            assert f"{row.label} ({row.shown_a} vs {row.shown_b})" in text.split(f"{NAME_A} leads on", 1)[1]
        elif outcome == LEADS_B:
            assert f"{row.label} ({row.shown_b} vs {row.shown_a})" in text.split(f"{NAME_B} leads on", 1)[1]


def test_scores_equal_at_one_decimal_are_tied_even_when_stored_values_differ():
    overall = ScoreCells("overall", format_score(63.44), format_score(63.41))
    verdict = compute_verdict(NAME_A, NAME_B, overall, [])
    assert verdict.outcomes["overall"] == TIED
    assert "tied overall at 63.4" in verdict.text


def test_missing_overall_names_the_model_without_a_score():
    overall = ScoreCells("overall", format_score(None), format_score(50.0))
    verdict = compute_verdict(NAME_A, NAME_B, overall, [])
    assert verdict.outcomes["overall"] == MISSING
    assert f"{NAME_A} has no overall score" in verdict.text


def test_model_ids_are_never_recapitalised():
    overall = ScoreCells("overall", "10.0", "20.0")
    verdict = compute_verdict(NAME_A, NAME_B, overall, [ScoreCells("adoption", "30.0", "20.0")])
    assert f"{NAME_A} leads on adoption (30.0 vs 20.0)" in verdict.text
    assert NAME_A.capitalize() not in verdict.text


def test_a_dimension_missing_on_one_side_names_the_model_without_it():
    """The table shows "—" on one side only: the verdict says whose score is missing, not just "a score"."""
    overall = ScoreCells("overall", "50.0", "40.0")
    dims = [
        ScoreCells("adoption", "30.0", "20.0"),
        ScoreCells("quality", MISSING_MARK, "12.0"),
        ScoreCells("ecosystem", "12.0", MISSING_MARK),
        ScoreCells("momentum", MISSING_MARK, MISSING_MARK),
    ]
    text = compute_verdict(NAME_A, NAME_B, overall, dims).text
    assert f"quality (no score for {NAME_A})" in text
    assert f"ecosystem (no score for {NAME_B})" in text
    assert "momentum (no score for either)" in text


# ---- end to end: stored scores -> rendered HTML table -> verdict, on a real database


@pytest.fixture(scope="module")
def pair_conn(tmp_path_factory):
    path = tmp_path_factory.mktemp("verdict") / "hub.db"
    build_pages_db(path)
    conn = connect(path)
    yield conn
    conn.close()


def html_score_cells(html: str) -> dict[str, tuple[str, str]]:
    """The score rows as a reader sees them in the HTML table."""
    soup = BeautifulSoup(html, "html.parser")
    cells = {}
    for tr in soup.find("table").find_all("tr"):
        label = tr.th.get_text(strip=True)
        if label.endswith("(0–100)"):
            tds = tr.find_all("td")
            # a missing cell shows "—" then its reason in a note; the first span is what is compared
            cells[label.split(" ")[0].lower()] = tuple(
                td.find(["a", "span"]).get_text(strip=True) for td in tds
            )
    return cells


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(score, score), min_size=5, max_size=5))
def test_rendered_verdict_matches_the_rendered_table(pair_conn, pairs):
    names = ("overall", *DIMENSIONS)
    for model_id, side in ((ALPHA, 0), (BRAVO, 1)):
        values = {name: pair[side] for name, pair in zip(names, pairs, strict=True)}
        values["overall"] = values["overall"] if values["overall"] is not None else 0.0  # NOT NULL column
        assignments = ", ".join(f"{name} = ?" for name in names)
        pair_conn.execute(f"UPDATE scores SET {assignments} WHERE model_id = ?", (*values.values(), model_id))
    page = build_compare_page(load_pair(pair_conn, ALPHA, BRAVO))
    cells = html_score_cells(render_compare_html(page))
    for label, (shown_a, shown_b) in cells.items():
        assert page.verdict.outcomes[label] == expected_outcome(shown_a, shown_b)
