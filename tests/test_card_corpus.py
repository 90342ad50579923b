"""The card parser against 40 real model cards, with expectations written by reading each card.

Expectations live in tests/data/card_expectations.json; the cards themselves in ../shared (skipped
when absent unless HUBCRAWL_REQUIRE_SHARED=1).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.cards import CardResult, build_card_result, parse_card

EXPECTATIONS = json.loads((Path(__file__).parent / "data" / "card_expectations.json").read_text("utf-8"))[
    "cards"
]
FETCHED_AT = "2026-11-01T06:00:00Z"


def _model_id(stem: str) -> str:
    return stem.replace("--", "/", 1)


def _build(cards_dir: Path, stem: str) -> CardResult:
    model_id = _model_id(stem)
    url = f"https://huggingface.co/{model_id}/resolve/main/README.md"
    body = (cards_dir / f"{stem}.md").read_bytes()
    return build_card_result(
        model_id,
        status="ok",
        body=body,
        http_status=200,
        etag=None,
        sha="0" * 40,
        source_url=url,
        fetched_at=FETCHED_AT,
    )


def test_expectations_cover_every_card(cards_dir: Path) -> None:
    on_disk = {p.stem for p in cards_dir.glob("*.md") if p.name != "SOURCES.md"}
    assert on_disk == set(EXPECTATIONS)


def test_every_card_parses_without_raising(cards_dir: Path) -> None:
    for path in sorted(cards_dir.glob("*--*.md")):
        parsed = parse_card(path.read_text("utf-8"))
        assert parsed.parse_error is None or not parsed.parse_error.startswith("card parser failed"), (
            path.name
        )


@pytest.mark.parametrize("stem", sorted(EXPECTATIONS))
def test_card_facts_match_reading(cards_dir: Path, stem: str) -> None:
    expected = EXPECTATIONS[stem]
    result = _build(cards_dir, stem)
    facts = result.facts
    assert (result.parse_error is None) == expected["parses_cleanly"], result.parse_error
    assert facts.license == expected["license"]
    assert (list(facts.base_models) if facts.base_models else None) == expected["base_models"]
    assert facts.base_model_relation == expected["base_model_relation"]
    assert len(result.evals) == expected["eval_rows"]
    _check_languages(facts.languages, expected["languages"])
    _check_params(result, expected["params"])


def _check_languages(actual: tuple[str, ...] | None, expected) -> None:
    if isinstance(expected, dict):
        assert actual is not None and len(actual) == expected["count"]
        assert list(actual[: len(expected["first"])]) == expected["first"]
    else:
        assert (list(actual) if actual else None) == expected


def _check_params(result: CardResult, expected) -> None:
    claim = result.params_claim
    if expected is None:
        assert claim is None, claim
        return
    assert claim is not None
    assert (claim.value, claim.source) == (expected["value"], expected["source"]), claim.evidence


def test_card_with_second_yaml_block_keeps_the_first(cards_dir: Path) -> None:
    """TheBloke's card ends with '---\\nlicense: other\\n---'; the leading block is the front matter."""
    result = _build(cards_dir, "TheBloke--MythoMax-L2-13B-GPTQ")
    assert result.front_matter is not None
    assert result.front_matter.get("quantized_by") == "TheBloke"


def test_unclosed_front_matter_still_yields_body_sections(cards_dir: Path) -> None:
    result = _build(cards_dir, "NlpHUST--t5-vi-en-small")
    assert result.parse_error is not None
    assert any(s.heading == "How to use" for s in result.sections)


def test_front_matter_only_card_has_no_sections(cards_dir: Path) -> None:
    result = _build(cards_dir, "BramVanroy--gbert-base-finetuned-cefr")
    assert result.front_matter is not None and result.sections == ()


def test_crlf_cards_give_the_same_facts_as_their_lf_version(cards_dir: Path) -> None:
    crlf = (cards_dir / "google-bert--bert-base-uncased.md").read_bytes()
    assert b"\r\n" in crlf
    kwargs = dict(
        status="ok", http_status=200, etag=None, sha=None, source_url="https://x", fetched_at=FETCHED_AT
    )
    with_crlf = build_card_result("google-bert/bert-base-uncased", body=crlf, **kwargs)
    with_lf = build_card_result("google-bert/bert-base-uncased", body=crlf.replace(b"\r\n", b"\n"), **kwargs)
    assert with_crlf.facts == with_lf.facts
    assert with_crlf.sections == with_lf.sections
    assert with_crlf.links == with_lf.links
