"""Front matter: splitting, YAML loading, JSON safety, and the facts read from it."""

from __future__ import annotations

import json

from ingest.cards import parse_card
from ingest.cards.front_matter import load_front_matter, split_front_matter
from ingest.cards.metadata import parse_facts


def test_no_front_matter_keeps_whole_text_as_body() -> None:
    text = "# Title\n\nSome text\n\n---\n\nmore\n"
    split = split_front_matter(text)
    assert split.yaml_text is None and split.error is None
    assert split.body == text


def test_blank_lines_before_opening_fence_are_allowed() -> None:
    parsed = parse_card("\n\n---\nlicense: mit\n---\n# Body\n")
    assert parsed.parse_error is None
    assert parsed.facts.license == "MIT"
    assert parsed.body.startswith("# Body")


def test_crlf_line_endings() -> None:
    parsed = parse_card("---\r\nlicense: apache-2.0\r\nlanguage: en\r\n---\r\n# Intro\r\nHello\r\n")
    assert parsed.parse_error is None
    assert parsed.facts.license == "Apache-2.0"
    assert parsed.facts.languages == ("en",)
    assert [s.heading for s in parsed.sections] == ["Intro"]


def test_blank_lines_inside_yaml() -> None:
    parsed = parse_card("---\nlanguage: en\n\ntags:\n- a\n\n\nlicense: mit\n\n---\nbody")
    assert parsed.parse_error is None
    assert parsed.facts.tags == ("a",)
    assert parsed.facts.license == "MIT"


def test_unclosed_front_matter_is_an_error_and_body_is_still_parsed() -> None:
    parsed = parse_card("---\nlanguage: vi\ntags:\n- t5\n# Machine translation\nText here.\n")
    assert parsed.parse_error is not None and "not closed" in parsed.parse_error
    assert parsed.front_matter is None
    # The YAML-looking lines are body text now (the intro); the heading after them is found.
    assert [s.heading for s in parsed.sections] == [None, "Machine translation"]
    assert "language: vi" in parsed.sections[0].text


def test_front_matter_only() -> None:
    parsed = parse_card("---\nlicense: mit\n---")
    assert parsed.parse_error is None
    assert parsed.front_matter == {"license": "mit"}
    assert parsed.sections == ()


def test_second_yaml_block_later_in_body_is_not_front_matter() -> None:
    text = "---\nlicense: apache-2.0\n---\n# Model\ntext\n\n---\nlicense: other\n---\n"
    parsed = parse_card(text)
    assert parsed.facts.license == "Apache-2.0"
    assert "license: other" in parsed.body
    # CommonMark reads "license: other" underlined by "---" as a setext heading: body, not metadata.
    assert parsed.sections[-1].heading == "license: other"


def test_text_before_the_fence_means_no_front_matter() -> None:
    parsed = parse_card("# Title\n---\nlicense: mit\n---\n")
    assert parsed.front_matter is None
    assert parsed.facts.license is None


def test_broken_yaml_records_error_and_parses_body() -> None:
    parsed = parse_card("---\nlicense: [mit\ntags: : :\n---\n## Uses\nChat.\n")
    assert parsed.parse_error is not None and parsed.parse_error.startswith("invalid YAML")
    assert parsed.front_matter is None
    assert parsed.sections[0].heading == "Uses"


def test_non_mapping_yaml_is_an_error() -> None:
    for yaml_text in ("- a\n- b\n", "just a string\n", "42\n"):
        parsed = parse_card(f"---\n{yaml_text}---\nbody\n")
        assert parsed.parse_error is not None and "not a mapping" in parsed.parse_error
        assert parsed.front_matter is None


def test_empty_front_matter_is_an_empty_mapping() -> None:
    parsed = parse_card("---\n---\nbody")
    assert parsed.parse_error is None and parsed.front_matter == {}


def test_yaml_values_become_json_safe() -> None:
    data, error = load_front_matter(
        "date: 2024-01-02\nwhen: 2024-01-02 03:04:05+02:00\nnan: .nan\ninf: -.inf\n"
        "2020: year\nnull: x\nok: 1.5\n"
    )
    assert error is None
    json.dumps(data, allow_nan=False)  # raises if anything is not JSON-safe
    assert data["date"] == "2024-01-02"
    assert data["when"] == "2024-01-02T01:04:05Z"  # converted to UTC
    assert data["nan"] is None and data["inf"] is None
    assert data["2020"] == "year" and data["null"] == "x"
    assert data["ok"] == 1.5


def test_yaml_12_booleans_keep_norwegian_language_code() -> None:
    parsed = parse_card("---\nlanguage:\n- en\n- no\n- nb\ninference: false\n---\n")
    assert parsed.facts.languages == ("en", "no", "nb")
    assert parsed.front_matter["inference"] is False


def test_alias_bomb_is_refused_not_expanded() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    data, error = load_front_matter("\n".join(lines) + "\n")
    assert data is None and error is not None


def test_python_tags_are_not_executed() -> None:
    parsed = parse_card("---\nx: !!python/object/apply:os.system ['echo hi']\n---\n")
    assert parsed.parse_error is not None and parsed.front_matter is None


def test_license_is_canonicalized_and_other_fields_read() -> None:
    facts = parse_facts(
        {
            "license": "Apache-2.0 ",
            "license_name": "  ",
            "license_link": "LICENSE.md",
            "base_model": "org/base",
            "base_model_relation": "quantized",
            "datasets": "org/data",
            "languages": ["en", "fr", "en"],
            "library_tag": "timm",
            "pipeline_tag": "image-classification",
            "tags": ["a", "", None, "b"],
            "extra_gated_prompt": "Agree?",
            "extra_gated_fields": {"Name": "text"},
            "gated": "manual",
        }
    )
    assert facts.license == "Apache-2.0"
    assert facts.license_name is None  # blank is absent, not ""
    assert facts.license_link == "LICENSE.md"
    assert facts.base_models == ("org/base",)
    assert facts.base_model_relation == "quantized"
    assert facts.datasets == ("org/data",)  # a scalar becomes a one-item list
    assert facts.languages == ("en", "fr")  # non-standard key read, duplicates dropped
    assert facts.library_name == "timm"  # from the non-standard library_tag
    assert facts.tags == ("a", "b")
    assert facts.gating == {
        "extra_gated_fields": {"Name": "text"},
        "extra_gated_prompt": "Agree?",
        "gated": "manual",
    }


def test_base_model_list_and_unknown_relation() -> None:
    facts = parse_facts({"base_model": ["a/x", "b/y"], "base_model_relation": "distilled"})
    assert facts.base_models == ("a/x", "b/y")
    assert facts.base_model_relation is None


def test_library_name_wins_over_library_tag_and_language_over_languages() -> None:
    facts = parse_facts(
        {"library_name": "transformers", "library_tag": "timm", "language": "de", "languages": "en"}
    )
    assert facts.library_name == "transformers"
    assert facts.languages == ("de",)


def test_absent_fields_are_none() -> None:
    facts = parse_facts({"tags": []})
    assert facts.tags is None and facts.license is None and facts.gating is None and facts.languages is None
