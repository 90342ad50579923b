"""Capabilities: built only from evidence, confidence from the kind of evidence, stable output."""

from __future__ import annotations

import pytest

from ingest.cards import build_card_result
from ingest.cards.capabilities import confidence_for
from ingest.cards.types import HIGH, LOW, MEDIUM, EvalRow, Evidence

MODEL = "org/seg-model"
CARD_URL = "https://huggingface.co/org/seg-model/resolve/main/README.md"

CARD = b"""---
license: apache-2.0
library_name: transformers
model-index:
- name: seg-model
  results:
  - task: {type: image-segmentation}
    dataset: {type: scene_parse_150, name: ADE20K, split: validation}
    metrics:
    - {type: mean_iou, name: mIoU, value: 57.7}
    source: {name: Paper, url: "https://arxiv.org/abs/2112.01527"}
---
# Seg model

## Uses

### Direct Use

- Segmenting street scenes into semantic classes.
- Research on segmentation.

### Out-of-Scope Use

- Surveillance of people.

## Intended uses & limitations

More information needed
"""

API = {
    "pipeline_tag": "image-segmentation",
    "library_name": "transformers",
    "tags": ["transformers", "onnx", "image-segmentation"],
    "transformersInfo": {
        "auto_model": "AutoModelForSemanticSegmentation",
        "pipeline_tag": "image-segmentation",
    },
    "widgetData": [{"src": "https://example.org/cat.png"}],
    "inference": "warm",
    "inferenceProviderMapping": {
        "hf-inference": {"status": "live", "task": "image-segmentation"},
        "other": {"status": "staging"},
    },
    "siblings": [{"rfilename": "model.safetensors"}, {"rfilename": "onnx/model.onnx"}],
}


def _build(body: bytes | None = CARD, api: dict | None = None, children: dict | None = None):
    return build_card_result(
        MODEL,
        status="ok" if body is not None else "missing",
        body=body,
        http_status=200,
        etag=None,
        sha="b" * 40,
        source_url=CARD_URL,
        fetched_at="2026-11-01T06:00:00Z",
        api=api,
        children=children,
    )


def _by_name(result) -> dict:
    return {c.name: c for c in result.capabilities}


def test_task_from_declared_pipeline_tag_is_high_confidence() -> None:
    task = _by_name(_build(api=API))["image-segmentation"]
    assert task.description == "Performs image-segmentation (declared pipeline_tag)."
    assert task.confidence == HIGH
    fields = [e.field for e in task.evidence]
    assert fields == [
        "pipeline_tag",
        "transformersInfo.pipeline_tag",
        "transformersInfo.auto_model",
        "widgetData",
    ]
    assert all(e.kind == "api_field" for e in task.evidence)


def test_benchmark_capability_quotes_value_and_source() -> None:
    result = _build(api=API)
    (bench,) = [c for c in result.capabilities if c.evidence[0].kind == "eval_result"]
    assert "57.7" in bench.description and "ADE20K" in bench.description
    assert "self-reported in model-index" in bench.description
    assert "https://arxiv.org/abs/2112.01527" in bench.description
    assert bench.confidence == MEDIUM  # self-reported, not verified
    assert result.evals[bench.evidence[0].eval_index].value == 57.7


def test_verified_benchmark_is_high_confidence() -> None:
    api_index = [
        {
            "results": [
                {
                    "task": {"type": "image-segmentation"},
                    "dataset": {"type": "scene_parse_150", "split": "validation"},
                    "metrics": [{"type": "mean_iou", "value": 57.7, "verified": True}],
                }
            ]
        }
    ]
    result = _build(api={"model-index": api_index})
    (bench,) = [c for c in result.capabilities if c.evidence[0].kind == "eval_result"]
    assert bench.confidence == HIGH and "verified by the Hub" in bench.description


def test_intended_uses_come_from_use_sections_only() -> None:
    uses = [c for c in _build().capabilities if c.name == "intended use"]
    quotes = [c.evidence[0].quote for c in uses]
    assert quotes == ["Segmenting street scenes into semantic classes.", "Research on segmentation."]
    assert all(c.confidence == MEDIUM for c in uses)
    assert all(c.evidence[0].section == "Seg model > Uses > Direct Use" for c in uses)
    assert all(c.evidence[0].kind == "card_section" for c in uses)
    assert all(c.evidence[0].quote in c.description for c in uses)


def test_runtime_support_confidence_depends_on_evidence() -> None:
    caps = _by_name(_build(api=API))
    assert caps["runs with transformers"].confidence == HIGH  # declared library_name
    onnx = caps["runs with onnx"]
    assert onnx.confidence == LOW  # guessed from a tag and a file name
    assert {e.kind for e in onnx.evidence} == {"inference"}
    assert "onnx/model.onnx" in [e.quote for e in onnx.evidence]


def test_gguf_runtime_from_api_gguf_block() -> None:
    api = {"library_name": "gguf", "gguf": {"total": 1000, "architecture": "llama"}}
    caps = _by_name(_build(b"# x\n", api=api))
    assert caps["runs with gguf (llama.cpp)"].confidence == HIGH


def test_other_declared_library_is_a_runtime() -> None:
    caps = _by_name(_build(b"---\nlibrary_tag: timm\n---\n# x\n"))
    assert caps["runs with timm"].evidence[0].field == "cardData.library_name"


def test_serving_capabilities_list_only_live_providers() -> None:
    caps = _by_name(_build(api=API))
    assert caps["hosted inference"].confidence == HIGH
    providers = caps["inference providers"]
    assert providers.evidence[0].quote == "hf-inference"


def test_provider_mapping_as_list_from_listing_responses() -> None:
    api = {
        "inferenceProviderMapping": [{"provider": "b", "status": "live"}, {"provider": "a", "status": "live"}]
    }
    caps = _by_name(_build(b"# x\n", api=api))
    assert caps["inference providers"].evidence[0].quote == "a, b"


def test_ecosystem_from_children_counts() -> None:
    caps = _by_name(_build(children={"adapter": 12, "quantized": 0, "finetune": 3}))
    assert caps["has adapters"].description.startswith("12 adapters")
    assert caps["has fine-tunes"].evidence[0].kind == "model_tree"
    assert "has quantizations" not in caps


def test_children_counts_are_grouped_as_the_tables_group_them() -> None:
    # Pages show 9,875 in the derivatives row: the capability's sentence must not say 9875.
    caps = _by_name(_build(children={"adapter": 9875, "finetune": 1_234_567}))
    assert caps["has adapters"].description.startswith("9,875 adapters")
    assert caps["has fine-tunes"].description.startswith("1,234,567 fine-tunes")


def test_thin_card_gets_few_capabilities() -> None:
    assert _build(b"# Model\nA model.\n").capabilities == ()


def test_same_input_gives_identical_output() -> None:
    first = _build(api=API, children={"adapter": 2})
    second = _build(api=dict(reversed(list(API.items()))), children={"adapter": 2})
    assert first.capabilities == second.capabilities
    assert first == _build(api=API, children={"adapter": 2})


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        (["api_field"], HIGH),
        (["model_tree"], HIGH),
        (["card_section"], MEDIUM),
        (["inference"], LOW),
        (["inference", "card_section"], MEDIUM),
        (["inference", "api_field"], HIGH),
    ],
)
def test_confidence_mapping(kinds: list[str], expected: str) -> None:
    assert confidence_for([Evidence(kind) for kind in kinds]) == expected


@pytest.mark.parametrize(("verified", "expected"), [(1, HIGH), (0, MEDIUM), (None, MEDIUM)])
def test_eval_confidence_follows_verified_flag(verified: int | None, expected: str) -> None:
    row = EvalRow(
        "model-index", None, None, "d", None, None, None, "acc", None, 1.0, "1.0", verified, None, None
    )
    assert confidence_for([Evidence("eval_result", eval_index=0)], (row,)) == expected


def test_api_evidence_points_at_the_hub_the_card_came_from() -> None:
    """Evidence must cite the endpoint actually crawled (a mirror or local hub), not a hard-coded host."""
    result = build_card_result(
        "acme/seg", status="missing", body=None, http_status=404, etag=None, sha="a" * 40,
        source_url="http://127.0.0.1:8080/acme/seg/resolve/" + "a" * 40 + "/README.md",
        fetched_at="2026-11-01T06:00:00Z", api={"pipeline_tag": "image-segmentation"},
    )
    urls = {e.source_url for c in result.capabilities for e in c.evidence if e.kind == "api_field"}
    assert urls == {"http://127.0.0.1:8080/api/models/acme/seg"}
