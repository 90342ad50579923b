"""The Hub's info endpoint lists at most 100 Spaces (hf-api.md §1.6), so a stored count of 100 is a
floor, not a count: every format shows it as "100+" with a note, and JSON flags it."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from factories import add_model, add_spaces, new_db

from db.connection import connect
from pages.data import Signal, load_model, load_pair
from pages.format import format_spaces
from pages.page import build_compare_page, build_model_page
from pages.render_html import render_compare_html, render_model_html
from pages.render_json import render_compare_json, render_model_json
from pages.render_md import render_compare_md, render_model_md
from pages.table import shown_signal_raw

# What the Hub documents (hf-api.md): its `spaces` list stops at 100 entries.
HUB_LIST_LIMIT = 100
CAPPED_A, CAPPED_B, UNDER, UNKNOWN = "acme/popular", "bravo/popular", "acme/niche", "acme/listing-only"


def space_ids(owner: str, count: int) -> list[str]:
    return [f"{owner}/space-{n:03d}" for n in range(count)]


@pytest.fixture
def conn(db_path):
    db = new_db(db_path)
    for model_id in (CAPPED_A, CAPPED_B, UNDER):
        add_model(db, model_id, facts_source=f"https://huggingface.co/api/models/{model_id}")
    add_spaces(db, CAPPED_A, space_ids("a", HUB_LIST_LIMIT))
    add_spaces(db, CAPPED_B, space_ids("b", HUB_LIST_LIMIT))
    add_spaces(db, UNDER, space_ids("n", HUB_LIST_LIMIT - 1))
    add_model(db, UNKNOWN, spaces_count=None)
    db.conn.close()
    connection = connect(db_path)
    yield connection
    connection.close()


def spaces_cells_html(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    row = next(tr for tr in soup.find_all("tr") if tr.th and tr.th.get_text().startswith("Spaces"))
    return [td.get_text(" ", strip=True) for td in row.find_all("td")]


def spaces_cells_md(md: str) -> list[str]:
    line = next(line for line in md.splitlines() if line.startswith("| Spaces"))
    return [cell.strip() for cell in line.strip("|").split("|")[1:]]


def test_a_count_at_the_hub_limit_reads_as_a_floor_in_html_and_markdown(conn):
    page = build_compare_page(load_pair(conn, CAPPED_A, UNDER))
    html_cells = spaces_cells_html(render_compare_html(page))
    md_cells = spaces_cells_md(render_compare_md(page))
    capped, under = (0, 1) if page.models[0].model_id == CAPPED_A else (1, 0)
    for cells in (html_cells, md_cells):
        assert cells[capped].startswith(f"{HUB_LIST_LIMIT}+")
        assert "at most 100 Spaces" in cells[capped]
        assert cells[under] == str(HUB_LIST_LIMIT - 1)


def test_json_keeps_the_number_and_flags_the_cap(conn):
    data = json.loads(render_compare_json(build_compare_page(load_pair(conn, CAPPED_A, UNDER))))
    by_id = {m["model_id"]: m for m in data["models"]}
    assert (by_id[CAPPED_A]["spaces"], by_id[CAPPED_A]["spaces_capped"]) == (HUB_LIST_LIMIT, True)
    assert (by_id[UNDER]["spaces"], by_id[UNDER]["spaces_capped"]) == (HUB_LIST_LIMIT - 1, False)
    unknown = json.loads(render_model_json(build_model_page(load_model(conn, UNKNOWN))))["model"]
    assert (unknown["spaces"], unknown["spaces_capped"]) == (None, False)


def test_two_capped_models_show_the_same_floor_and_the_verdict_names_no_spaces_leader(conn):
    page = build_compare_page(load_pair(conn, CAPPED_A, CAPPED_B))
    spaces_row = next(row for row in page.rows if row.key == "spaces")
    assert spaces_row.cells[0].text == spaces_row.cells[1].text == f"{HUB_LIST_LIMIT}+"
    assert "spaces" not in page.verdict.text.casefold()


def test_the_model_page_says_its_list_of_spaces_is_cut_off(conn):
    page = build_model_page(load_model(conn, CAPPED_A))
    html = BeautifulSoup(render_model_html(page), "html.parser").get_text(" ")
    assert "at most 100 Spaces" in html
    assert f"{HUB_LIST_LIMIT}+" in render_model_md(page)
    under = BeautifulSoup(render_model_html(build_model_page(load_model(conn, UNDER))), "html.parser")
    assert "at most 100 Spaces" not in under.get_text(" ")


def test_the_breakdown_shows_a_capped_spaces_signal_as_a_floor():
    def signal(raw: int, source: str = "models.spaces_count") -> Signal:
        return Signal("spaces", raw, 100, 1.0, 0.2, 0.2, 20.0, source, None, None)

    assert shown_signal_raw(signal(HUB_LIST_LIMIT)) == f"{HUB_LIST_LIMIT}+"
    assert shown_signal_raw(signal(HUB_LIST_LIMIT - 1)) == str(HUB_LIST_LIMIT - 1)
    assert shown_signal_raw(signal(HUB_LIST_LIMIT, source="models.likes")) == str(HUB_LIST_LIMIT)


@pytest.mark.parametrize("compact", [False, True])
def test_grouped_and_compact_forms_both_read_as_a_floor_at_the_limit(compact):
    assert format_spaces(HUB_LIST_LIMIT, compact=compact) == f"{HUB_LIST_LIMIT}+"
    assert format_spaces(HUB_LIST_LIMIT * 3, compact=compact) == f"{HUB_LIST_LIMIT}+"  # a floor only
    assert format_spaces(HUB_LIST_LIMIT - 1, compact=compact) == str(HUB_LIST_LIMIT - 1)
    assert format_spaces(None, compact=compact) == "—"
