"""normalize_model / normalize_page over every real API body in hub-samples, plus per-field rules."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ingest.listing import normalize_body, normalize_model, normalize_page
from ingest.model import Edge

SOURCE_URL = "https://huggingface.co/api/models"
FETCHED_AT = "2026-11-01T06:00:00Z"
STORED_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def _sample_items(api_samples_dir: Path) -> list[tuple[str, dict]]:
    items = []
    for path in sorted(api_samples_dir.glob("model-info__*.json")):
        items.append((path.name, json.loads(path.read_text())))
    for path in sorted(api_samples_dir.glob("list__*.json")):
        items += [(f"{path.name}[{i}]", item) for i, item in enumerate(json.loads(path.read_text()))]
    return items


@pytest.fixture
def sample_items(api_samples_dir: Path) -> list[tuple[str, dict]]:
    items = _sample_items(api_samples_dir)
    assert len(items) >= 40, "expected the 34 full bodies, the expand bodies and the list excerpt"
    return items


def _normalize(raw: dict):
    return normalize_model(raw, source_url=SOURCE_URL, fetched_at=FETCHED_AT)


def test_every_sample_keeps_id_author_and_provenance(sample_items):
    for name, raw in sample_items:
        facts = _normalize(raw)
        assert facts.model_id == raw["id"], name
        assert facts.hub_oid == raw["_id"], name
        expected_author = raw.get("author") or raw["id"].split("/")[0]
        assert facts.author == expected_author, name
        assert (facts.source_url, facts.fetched_at) == (SOURCE_URL, FETCHED_AT)


def test_every_sample_license_agrees_with_its_card_and_tags(sample_items):
    for name, raw in sample_items:
        facts = _normalize(raw)
        license_tags = [t.removeprefix("license:") for t in raw.get("tags", []) if t.startswith("license:")]
        card_license = (raw.get("cardData") or {}).get("license")
        if card_license:
            assert facts.license_source == "cardData", name
            # None of the samples uses a GNU id, so the canonical id differs from the Hub's only in case.
            assert facts.license.lower() == card_license.lower(), name
        elif license_tags:
            assert facts.license_source == "tags", name
            assert facts.license.lower() == license_tags[0], name
        else:
            assert (facts.license, facts.license_source) == (None, None), name
        if license_tags:
            assert facts.license.lower() in license_tags, name


def test_every_sample_params_equal_safetensors_total(sample_items):
    checked = 0
    for name, raw in sample_items:
        facts = _normalize(raw)
        total = (raw.get("safetensors") or {}).get("total")
        if total is None:
            assert (facts.params, facts.params_source) == (None, None), name
        else:
            assert (facts.params, facts.params_source) == (total, "safetensors.total"), name
            checked += 1
    assert checked >= 15


def test_every_sample_timestamps_are_stored_format_and_same_instant(sample_items):
    for name, raw in sample_items:
        facts = _normalize(raw)
        for field, key in (("created_at", "createdAt"), ("last_modified", "lastModified")):
            value = getattr(facts, field)
            if key not in raw:
                assert value is None, name
                continue
            assert STORED_TIMESTAMP.fullmatch(value), (name, value)
            # The Hub serves "...:SS.000Z": same instant, milliseconds dropped.
            assert value[:19] == raw[key][:19], name


def test_every_sample_flags_counts_and_tags(sample_items):
    for name, raw in sample_items:
        facts = _normalize(raw)
        assert facts.private == raw.get("private"), name
        assert facts.disabled == raw.get("disabled"), name
        assert facts.downloads == raw.get("downloads"), name
        assert facts.likes == raw.get("likes"), name
        assert set(facts.tags) == set(raw.get("tags", [])), name
        assert facts.gated == {False: "no", "auto": "auto", "manual": "manual", None: None}[raw.get("gated")]
        if "spaces" in raw:
            assert set(facts.spaces) == set(raw["spaces"]), name
        else:
            assert facts.spaces is None, name


def test_every_sample_base_model_tags_become_edges(sample_items):
    for name, raw in sample_items:
        facts = _normalize(raw)
        base_model_tags = [t for t in raw.get("tags", []) if t.startswith("base_model:")]
        relational = {tuple(t.split(":", 2)[1:]) for t in base_model_tags if t.count(":") == 2}
        assert {(e.relation, e.parent_id) for e in facts.edges} == relational, name


def test_zephyr_is_a_finetune_of_mistral(api_samples_dir):
    raw = json.loads((api_samples_dir / "model-info__HuggingFaceH4__zephyr-7b-beta.json").read_text())
    facts = _normalize(raw)
    assert facts.edges == (Edge("mistralai/Mistral-7B-v0.1", "finetune", "tags"),)
    assert facts.license == "MIT"


def test_gated_meta_llama_sample(api_samples_dir):
    raw = json.loads((api_samples_dir / "model-info__meta-llama__Llama-3.1-8B-Instruct.json").read_text())
    facts = _normalize(raw)
    assert facts.gated == "manual"
    assert facts.license == "llama3.1"  # a model license with no SPDX id keeps the Hub's id
    assert facts.params == raw["safetensors"]["total"]


def test_expand_only_bodies_give_none_not_errors(api_samples_dir):
    expand_files = sorted(api_samples_dir.glob("model-info__*__expand-*.json"))
    assert expand_files
    for path in expand_files:
        raw = json.loads(path.read_text())
        facts = _normalize(raw)
        assert facts.model_id == raw["id"]
        absent = [
            "sha", "license", "params", "gated", "created_at", "last_modified", "downloads", "likes",
            "trending_score", "spaces", "children",
        ]
        assert all(getattr(facts, field) is None for field in absent), path.name
        assert facts.tags == () and facts.edges == ()
        assert facts.pipeline_tag == raw.get("pipeline_tag")
        assert facts.inference == raw.get("inference")


def test_list_excerpt_items_have_trending_score_as_float(api_samples_dir):
    items = json.loads((api_samples_dir / "list__default__2-item-excerpt__2025-11.json").read_text())
    facts, problems = normalize_page(items, source_url=SOURCE_URL, fetched_at=FETCHED_AT)
    assert problems == []
    assert [f.trending_score for f in facts] == [float(i["trendingScore"]) for i in items]
    assert all(isinstance(f.trending_score, float) for f in facts)
    # Default list items carry neither sha nor author: author comes from the namespace.
    assert [f.author for f in facts] == [i["id"].split("/")[0] for i in items]
    assert all(f.sha is None for f in facts)


# ---- per-field rules on small hand-made items ----------------------------------------------------


def test_model_id_falls_back_to_model_id_key():
    facts = _normalize({"modelId": "org/name"})
    assert facts.model_id == "org/name"
    assert facts.author == "org"


@pytest.mark.parametrize("raw", [{}, {"id": ""}, {"id": "   "}, {"id": 42}, {"_id": "abc"}])
def test_no_usable_id_raises_value_error(raw):
    with pytest.raises(ValueError, match="id"):
        _normalize(raw)


def test_legacy_single_segment_id_has_no_author():
    assert _normalize({"id": "gpt2"}).author is None


def test_explicit_author_wins_over_namespace():
    assert _normalize({"id": "org/name", "author": "someone"}).author == "someone"


@pytest.mark.parametrize(("value", "expected"), [(False, "no"), ("auto", "auto"), ("manual", "manual"),
                                                 (True, None), ("weird", None), (None, None)])
def test_gated_values(value, expected):
    raw = {"id": "o/m"} if value is None else {"id": "o/m", "gated": value}
    assert _normalize(raw).gated == expected


def test_license_from_card_keeps_name_and_link_for_other():
    raw = {
        "id": "o/m",
        "tags": ["license:other"],
        "cardData": {"license": "other", "license_name": "acme-model-license", "license_link": "LICENSE"},
    }
    facts = _normalize(raw)
    assert (facts.license, facts.license_name, facts.license_link, facts.license_source) == (
        "other", "acme-model-license", "LICENSE", "cardData",
    )


def test_license_falls_back_to_tags_when_card_value_unusable():
    facts = _normalize({"id": "o/m", "tags": ["license:apache-2.0"], "cardData": {"license": ""}})
    assert (facts.license, facts.license_source) == ("Apache-2.0", "tags")


def test_empty_strings_become_none_never_empty():
    facts = _normalize({"id": "o/m", "sha": "", "pipeline_tag": " ", "library_name": None, "inference": ""})
    assert (facts.sha, facts.pipeline_tag, facts.library_name, facts.inference) == (None, None, None, None)


def test_tags_are_deduplicated_in_served_order_and_non_strings_dropped():
    facts = _normalize({"id": "o/m", "tags": ["b", "a", "b", 3, None, "", "c"]})
    assert facts.tags == ("b", "a", "c")


def test_counts_reject_negative_and_boolean_values():
    facts = _normalize({"id": "o/m", "downloads": -1, "likes": True, "downloadsAllTime": 0})
    assert (facts.downloads, facts.likes, facts.downloads_all_time) == (None, None, 0)


def test_children_and_spaces_from_info_body():
    raw = {
        "id": "o/m",
        "spaces": ["a/s1", "b/s2", "a/s1"],
        "childrenModelCount": {"adapter": 716, "merge": 19, "bogus": -3},
    }
    facts = _normalize(raw)
    assert facts.spaces == ("a/s1", "b/s2")
    assert facts.children == {"adapter": 716, "merge": 19}


def test_base_models_expand_adds_api_edges():
    parent = "microsoft/Phi-3.5-mini-instruct"
    raw = {
        "id": "o/m",
        "tags": [f"base_model:{parent}", f"base_model:finetune:{parent}"],
        "baseModels": {"relation": "finetune", "models": [{"_id": "x", "id": parent}]},
    }
    facts = _normalize(raw)
    assert set(facts.edges) == {
        Edge("microsoft/Phi-3.5-mini-instruct", "finetune", "tags"),
        Edge("microsoft/Phi-3.5-mini-instruct", "finetune", "api.baseModels"),
    }


@pytest.mark.parametrize("value", [None, {}, [], {"relation": "finetune", "models": []}])
def test_a_present_but_empty_base_models_key_is_known_to_carry_no_edges(value):
    facts = _normalize({"id": "o/m", "baseModels": value})
    assert facts.base_models_known is True
    assert [edge for edge in facts.edges if edge.source == "api.baseModels"] == []


def test_an_absent_base_models_key_says_nothing_about_api_edges():
    assert _normalize({"id": "o/m", "tags": ["base_model:a/b"]}).base_models_known is False


def test_normalize_page_turns_bad_items_into_messages():
    items = [{"id": "o/a"}, "not an object", {"no": "id"}, {"id": "o/b"}]
    facts, problems = normalize_page(items, source_url=SOURCE_URL, fetched_at=FETCHED_AT)
    assert [f.model_id for f in facts] == ["o/a", "o/b"]
    assert len(problems) == 2
    assert "item 1" in problems[0] and "item 2" in problems[1]


def test_normalize_page_accepts_a_non_list_body_without_raising():
    facts, problems = normalize_page({"error": "boom"}, source_url=SOURCE_URL, fetched_at=FETCHED_AT)
    assert facts == [] and len(problems) == 1


def test_normalize_body_handles_both_archived_kinds(api_samples_dir):
    info = (api_samples_dir / "model-info__HuggingFaceH4__zephyr-7b-beta.json").read_bytes()
    facts, problems = normalize_body(info, kind="model_info", source_url=SOURCE_URL, fetched_at=FETCHED_AT)
    assert problems == [] and [f.model_id for f in facts] == ["HuggingFaceH4/zephyr-7b-beta"]

    listing = (api_samples_dir / "list__default__2-item-excerpt__2025-11.json").read_bytes()
    facts, problems = normalize_body(listing, kind="listing", source_url=SOURCE_URL, fetched_at=FETCHED_AT)
    assert problems == [] and [f.model_id for f in facts] == [i["id"] for i in json.loads(listing)]


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe", b""])
def test_normalize_body_never_raises_on_bad_bytes(body):
    facts, problems = normalize_body(body, kind="listing", source_url=SOURCE_URL, fetched_at=FETCHED_AT)
    assert facts == [] and len(problems) == 1
