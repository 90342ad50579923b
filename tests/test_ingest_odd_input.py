"""Odd values from the Hub or a card must never crash normalization or invent facts (review findings)."""

from __future__ import annotations

import pytest

from ingest.cards import build_card_result, parse_card
from ingest.edges import edges_from_base_models
from ingest.listing import normalize_model
from ingest.timestamps import parse_timestamp

FETCHED = "2026-11-01T06:00:00Z"


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00", "0999-01-01T00:00:00+00:00"]
)
def test_timestamps_out_of_range_become_none_not_an_error(value):
    assert parse_timestamp(value) is None


def test_a_model_with_an_odd_created_at_keeps_its_other_facts():
    facts = normalize_model(
        {"id": "acme/odd", "createdAt": "0001-01-01T00:30:00+01:00", "downloads": 5},
        source_url="u", fetched_at=FETCHED,
    )
    assert facts.created_at is None and facts.downloads == 5


@pytest.mark.parametrize(
    "block", [{"relation": "finetune", "models": "org/name"}, {"relation": ["x"], "models": 5}]
)
def test_malformed_base_models_invent_no_edges_and_do_not_raise(block):
    edges = edges_from_base_models(block, "acme/child")
    assert all(len(edge.parent_id) > 1 for edge in edges)
    assert all(edge.relation in {"finetune", "adapter", "quantized", "merge", "unknown"} for edge in edges)


def test_an_impossible_yaml_date_is_a_parse_error_and_the_body_survives():
    parsed = parse_card("---\nlicense: mit\ndate: 0001-01-01T00:00:00+01:00\n---\n# Uses\nChat.\n")
    assert parsed.parse_error
    assert [s.heading for s in parsed.sections if s.heading] == ["Uses"]


def test_non_list_api_tags_do_not_discard_a_parsed_card():
    result = build_card_result(
        "acme/x", status="ok", body=b"---\nlicense: mit\n---\n# Uses\nChat.\n", http_status=200,
        etag=None, sha="a" * 40, source_url="https://huggingface.co/acme/x/resolve/a/README.md",
        fetched_at=FETCHED, api={"tags": 5},
    )
    assert result.text is not None and result.sections


# A lone UTF-16 surrogate escape (a string cut in the middle of an emoji by a JavaScript `slice`) is
# valid JSON, but SQLite cannot store it as UTF-8: one such item used to fail its whole page's write.
LONE_SURROGATE_PAGE = (
    b'[{"_id":"a","id":"org/ok","tags":["x"]},'
    b'{"_id":"b","id":"org/cut","tags":["emoji \\ud83d","pair \\ud83d\\ude00"],'
    b'"cardData":{"license":"other","license_name":"name \\uDC00"}}]'
)


def test_lone_surrogates_become_replacement_characters_and_pairs_stay_whole():
    from ingest.jsonbody import decode_json

    [_, cut] = decode_json(LONE_SURROGATE_PAGE)
    assert cut["tags"] == ["emoji \ufffd", "pair \U0001f600"]
    assert cut["cardData"]["license_name"] == "name \ufffd"


def test_a_page_with_a_lone_surrogate_is_stored_whole(tmp_path):
    from db.writer import Writer
    from ingest.listing import normalize_body

    facts, problems = normalize_body(LONE_SURROGATE_PAGE, kind="listing", source_url="u", fetched_at=FETCHED)
    assert problems == []
    writer = Writer(tmp_path / "hub.db")
    run_id = writer.start_run("crawl", {}, full_listing=True, pid=1, started_at=FETCHED)
    writer.write_page(run_id, url="u", status=200, kind="listing", fetched_at=FETCHED,
                      body=LONE_SURROGATE_PAGE, facts=facts)
    stored = dict(writer.conn.execute("SELECT model_id, license_name FROM models"))
    writer.close()
    assert stored == {"org/ok": None, "org/cut": "name \ufffd"}
