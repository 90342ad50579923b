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
