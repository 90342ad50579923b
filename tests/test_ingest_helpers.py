"""Unit tests of the small pure helpers: licenses, params, timestamps, edges."""

from __future__ import annotations

import pytest

from ingest.edges import edges_from_base_models, edges_from_tags
from ingest.licenses import canonical_license, license_from_tags
from ingest.model import Edge
from ingest.params import count, parse_params, positive_int, score
from ingest.timestamps import parse_timestamp

# ---- licenses ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("apache-2.0", "Apache-2.0"),
        ("mit", "MIT"),
        ("cc-by-nc-4.0", "CC-BY-NC-4.0"),
        ("bsd-3-clause", "BSD-3-Clause"),
        ("cc0-1.0", "CC0-1.0"),
        # GNU ids on the Hub have no "or later" clause: the -only SPDX id, not the deprecated bare one.
        ("gpl-3.0", "GPL-3.0-only"),
        ("agpl-3.0", "AGPL-3.0-only"),
        ("lgpl-2.1", "LGPL-2.1-only"),
    ],
)
def test_spdx_licenses_get_spdx_spelling(value, expected):
    assert canonical_license(value) == expected


@pytest.mark.parametrize(
    "hub_id", ["llama3.1", "llama2", "gemma", "openrail++", "other", "bigscience-openrail-m",
               "creativeml-openrail-m", "unknown", "bsd", "cc", "gpl", "openrail"],
)
def test_hub_only_and_family_ids_stay_as_the_hub_writes_them(hub_id):
    assert canonical_license(hub_id) == hub_id


@pytest.mark.parametrize(
    ("value", "expected"),
    [(" Apache-2.0 ", "Apache-2.0"), ("MIT", "MIT"), ("LLAMA3.1", "llama3.1"), ("Other", "other"),
     ("license:mit", "MIT"), ("GPL-3.0-or-later", "GPL-3.0-or-later"), ("gpl-3.0-only", "GPL-3.0-only")],
)
def test_odd_casing_whitespace_tags_and_spdx_input(value, expected):
    assert canonical_license(value) == expected


def test_unknown_license_is_kept_lower_cased_not_dropped():
    assert canonical_license("  Acme-Research-License ") == "acme-research-license"


@pytest.mark.parametrize("value", [None, "", "   ", 42, True, {"license": "mit"}, [], [None, ""]])
def test_no_usable_license_is_none(value):
    assert canonical_license(value) is None


def test_list_takes_first_usable_value():
    assert canonical_license(["", None, "cc-by-4.0", "mit"]) == "CC-BY-4.0"
    assert canonical_license(("mit", "apache-2.0")) == "MIT"


@pytest.mark.parametrize(
    "value", ["apache-2.0", "gpl-3.0", "lgpl-lr", "etalab-2.0", "llama3", "other", "pddl"]
)
def test_canonical_is_idempotent(value):
    once = canonical_license(value)
    assert canonical_license(once) == once


def test_license_from_tags_uses_first_license_tag():
    assert license_from_tags(("transformers", "license:apache-2.0", "license:mit")) == "Apache-2.0"
    assert license_from_tags(("transformers", "region:us")) is None


# ---- params and counters -----------------------------------------------------------------------


def test_params_from_safetensors_total():
    raw = {"safetensors": {"parameters": {"F32": 124056578, "I64": 514}, "total": 124057092}}
    assert parse_params(raw) == (124056578 + 514, "safetensors.total")


def test_params_fall_back_to_gguf_total():
    assert parse_params({"gguf": {"total": 999885952, "architecture": "gemma3"}}) == (999885952, "gguf.total")


def test_safetensors_wins_over_gguf():
    assert parse_params({"safetensors": {"total": 10}, "gguf": {"total": 20}}) == (10, "safetensors.total")


@pytest.mark.parametrize("total", [0, -5, True, "123", None, 1.5, float("nan")])
def test_unusable_safetensors_total_is_missing_not_zero(total):
    assert parse_params({"safetensors": {"total": total}}) == (None, None)
    # ...and does not hide a usable GGUF count.
    assert parse_params({"safetensors": {"total": total}, "gguf": {"total": 7}}) == (7, "gguf.total")


def test_integral_float_total_becomes_int():
    params, _ = parse_params({"safetensors": {"total": 7.0}})
    assert params == 7 and isinstance(params, int)


def test_no_weights_no_params():
    assert parse_params({}) == (None, None)
    assert parse_params({"safetensors": None, "gguf": []}) == (None, None)


def test_counters_accept_zero_but_not_negatives_or_bools():
    assert (count(0), count(12), count(-1), count(False)) == (0, 12, None, None)
    assert (positive_int(0), positive_int(3)) == (None, 3)


def test_numbers_sqlite_cannot_store_are_none_not_crashes():
    assert count(2**63) is None and count(2**63 - 1) == 2**63 - 1
    assert parse_params({"safetensors": {"total": 10**30}}) == (None, None)
    assert score(10**400) is None


def test_trending_score_int_or_float_becomes_float():
    assert score(580) == 580.0 and isinstance(score(580), float)
    assert score(12.5) == 12.5
    assert (score(None), score("5"), score(True), score(float("nan")), score(float("inf"))) == (None,) * 5


# ---- timestamps --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-02-19T11:06:12.000Z", "2024-02-19T11:06:12Z"),
        ("2024-02-19T11:06:12Z", "2024-02-19T11:06:12Z"),
        ("2024-02-19T11:06:12.123456Z", "2024-02-19T11:06:12Z"),
        ("2024-02-19T13:06:12+02:00", "2024-02-19T11:06:12Z"),
        ("2024-01-01T01:00:00.000+05:00", "2023-12-31T20:00:00Z"),  # crosses the date and year line
        ("2024-02-19T11:06:12", "2024-02-19T11:06:12Z"),  # no offset: taken as UTC
        (" 2024-02-19 11:06:12+00:00 ", "2024-02-19T11:06:12Z"),
    ],
)
def test_timestamps_become_utc_seconds(value, expected):
    assert parse_timestamp(value) == expected


@pytest.mark.parametrize(
    "value",
    [None, "", "not a date", "2024-02-30T00:00:00.000Z", "2024-13-01T00:00:00Z", "2024-02-19",
     1700000000, "2024-02-19T25:00:00Z"],
)
def test_invalid_timestamps_are_none(value):
    assert parse_timestamp(value) is None


# ---- edges -------------------------------------------------------------------------------------


def test_relational_tag_gives_edge_and_its_bare_twin_adds_nothing():
    tags = ("base_model:mistralai/Mistral-7B-v0.1", "base_model:finetune:mistralai/Mistral-7B-v0.1")
    assert edges_from_tags(tags, "o/child") == (Edge("mistralai/Mistral-7B-v0.1", "finetune", "tags"),)


def test_bare_base_model_tag_without_twin_is_unknown_relation():
    assert edges_from_tags(("base_model:o/base",), "o/child") == (Edge("o/base", "unknown", "tags"),)


def test_merge_with_several_parents_and_duplicates():
    tags = ("base_model:merge:a/one", "base_model:merge:b/two", "base_model:merge:a/one", "base_model:a/one",
            "base_model:b/two", "license:mit")
    assert edges_from_tags(tags, "o/child") == (
        Edge("a/one", "merge", "tags"), Edge("b/two", "merge", "tags"),
    )


def test_each_relation_kind_and_self_reference_dropped():
    tags = ("base_model:adapter:a/x", "base_model:quantized:b/y", "base_model:finetune:o/child")
    expected = (Edge("a/x", "adapter", "tags"), Edge("b/y", "quantized", "tags"))
    assert edges_from_tags(tags, "o/child") == expected


def test_unrecognized_relation_word_keeps_parent_as_unknown():
    assert edges_from_tags(("base_model:distill:a/x",), "o/c") == (Edge("a/x", "unknown", "tags"),)


def test_base_models_expand_shape():
    value = {"relation": "quantized", "models": [{"_id": "1", "id": "a/x"}, {"_id": "2", "id": "b/y"}]}
    assert edges_from_base_models(value, "o/c") == (
        Edge("a/x", "quantized", "api.baseModels"), Edge("b/y", "quantized", "api.baseModels"),
    )


@pytest.mark.parametrize(
    "value",
    [None, [], "a/x", {"relation": "finetune"}, {"relation": "finetune", "models": [{"_id": "1"}, 3]}],
)
def test_malformed_base_models_give_no_edges(value):
    assert edges_from_base_models(value, "o/c") == ()


def test_base_models_with_unknown_relation():
    value = {"relation": "something-new", "models": [{"id": "a/x"}]}
    assert edges_from_base_models(value, "o/c") == (Edge("a/x", "unknown", "api.baseModels"),)
