"""build_card_result end to end: byte cap, decoding, evals (model-index and evalResults), conflicts."""

from __future__ import annotations

import zlib

import pytest

from ingest.cards import MAX_CARD_BYTES, build_card_result
from ingest.cards.decode import decode_body
from ingest.cards.evals import parse_eval_results, parse_model_index

MODEL = "org/model-7b"
CARD_URL = "https://huggingface.co/org/model-7b/resolve/abc/README.md"


def _build(body: bytes | None, *, status: str = "ok", api: dict | None = None, children: dict | None = None):
    return build_card_result(
        MODEL,
        status=status,
        body=body,
        http_status=200 if status == "ok" else 404,
        etag='"e1"',
        sha="a" * 40,
        source_url=CARD_URL,
        fetched_at="2026-11-01T06:00:00Z",
        api=api,
        children=children,
    )


MODEL_INDEX_CARD = """---
license: mit
model-index:
- name: m
  results:
  - task: {type: image-segmentation, name: Semantic Segmentation}
    dataset: {type: scene_parse_150, name: ADE20K, config: full, split: validation}
    metrics:
    - {type: mean_iou, name: mIoU, value: 57.7}
    - {type: pixel_acc, value: "85.1%"}
    source: {name: Paper, url: "https://arxiv.org/abs/2112.01527"}
  - task: {type: image-segmentation}
    dataset: {type: cityscapes, name: Cityscapes}
    metrics:
    - {type: mean_iou, value: n/a}
  - not a mapping
  - task: {type: x}
    metrics: not a list
---
# Model
"""


# --- cap and decoding -----------------------------------------------------------------------------


def test_oversized_card_keeps_the_head_at_a_utf8_boundary() -> None:
    body = b"---\nlicense: mit\n---\n" + "é".encode() * MAX_CARD_BYTES  # 2 bytes each
    result = _build(body)
    assert result.truncated is True
    assert result.size_bytes == len(body)  # as served
    encoded = result.text.encode("utf-8")
    assert len(encoded) <= MAX_CARD_BYTES and body.startswith(encoded)
    assert result.decode_replaced is False  # the cut did not split a character
    assert result.facts.license == "MIT"


def test_cut_never_splits_multibyte_characters() -> None:
    data = "aé漢😀".encode()
    for limit in range(len(data) + 1):
        decoded = decode_body(data, max_bytes=limit)
        assert not decoded.decode_replaced
        kept = decoded.text.encode()
        assert data.startswith(kept)
        assert len(kept) <= limit and limit - len(kept) <= 3  # at most one partial character dropped


def test_undecodable_bytes_are_replaced_and_flagged() -> None:
    result = _build(b"---\nlicense: mit\n---\n# Caf\xe9\n")
    assert result.decode_replaced is True
    assert "\ufffd" in result.text
    assert result.facts.license == "MIT"


def test_binary_blob_does_not_raise() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20
    result = _build(png)
    assert result.status == "ok" and result.decode_replaced is True
    assert "\x00" not in result.text
    zlib.compress(result.text.encode("utf-8"))  # storable


def test_bom_is_not_part_of_the_text() -> None:
    result = _build(b"\xef\xbb\xbf---\nlicense: mit\n---\nbody")
    assert result.facts.license == "MIT" and result.parse_error is None


@pytest.mark.parametrize("status", ["missing", "error"])
def test_no_body_still_gives_a_result(status: str) -> None:
    result = _build(None, status=status, api={"pipeline_tag": "text-generation"})
    assert result.status == status and result.text is None and result.size_bytes is None
    assert result.sections == () and result.evals == ()
    assert result.params_claim is not None and result.params_claim.source == "model_name"  # from 'model-7b'
    assert [c.name for c in result.capabilities] == ["text-generation"]


def test_never_raises_on_odd_inputs() -> None:
    odd_api = {
        "tags": [1, None, {"x": 1}],
        "cardData": [],
        "evalResults": "x",
        "model-index": {"a": 1},
        "inferenceProviderMapping": 5,
        "siblings": [None, {"rfilename": 3}],
        "transformersInfo": "x",
    }
    result = _build(b"---\n: :\n---\n" + b"\xff" * 10, api=odd_api, children={"adapter": "many"})
    assert result.status == "ok"
    assert _build(b"x", status="weird").status == "error"


# --- evals ----------------------------------------------------------------------------------------


def test_model_index_gives_one_row_per_metric_with_card_url_fallback() -> None:
    rows = _build(MODEL_INDEX_CARD.encode()).evals
    assert len(rows) == 3  # 2 + 1 well-formed metrics; malformed entries skipped
    miou, acc, na = rows
    assert (miou.task_type, miou.task_name) == ("image-segmentation", "Semantic Segmentation")
    assert (miou.dataset_id, miou.dataset_name, miou.dataset_config, miou.dataset_split) == (
        "scene_parse_150",
        "ADE20K",
        "full",
        "validation",
    )
    assert (miou.metric_type, miou.metric_name, miou.value, miou.value_text) == (
        "mean_iou",
        "mIoU",
        57.7,
        "57.7",
    )
    assert miou.source_name == "Paper" and miou.source_url == "https://arxiv.org/abs/2112.01527"
    assert miou.verified is None  # a card's self-report is not verified
    assert (acc.value, acc.value_text) == (85.1, "85.1%")
    assert (na.value, na.value_text) == (None, "n/a")
    assert na.source_url == CARD_URL and na.source_name is None


def test_hub_verified_flags_are_taken_from_the_api_copy() -> None:
    api_index = [
        {
            "name": "m",
            "results": [
                {
                    "task": {"type": "image-segmentation"},
                    "dataset": {
                        "type": "scene_parse_150",
                        "name": "ADE20K",
                        "config": "full",
                        "split": "validation",
                    },
                    "metrics": [
                        {"type": "mean_iou", "value": 57.7, "verified": True},
                        {"type": "pixel_acc", "value": "85.1%", "verified": False},
                    ],
                }
            ],
        }
    ]
    rows = _build(MODEL_INDEX_CARD.encode(), api={"model-index": api_index}).evals
    assert [r.verified for r in rows] == [1, 0, None]


def test_javascript_source_url_is_not_kept() -> None:
    index = [
        {
            "results": [
                {
                    "dataset": {"type": "d"},
                    "metrics": [{"type": "acc", "value": 1}],
                    "source": {"url": "javascript:alert(1)", "name": "x"},
                }
            ]
        }
    ]
    (row,) = parse_model_index(index, card_url=CARD_URL)
    assert row.source_url == CARD_URL


def test_eval_results_entries_and_malformed_ones_skipped() -> None:
    entries = [
        {
            "filename": ".eval_results/gsm8k.yaml",
            "verified": False,
            "data": {
                "dataset": {"id": "openai/gsm8k", "task_id": "main"},
                "value": 86.2,
                "date": "2024-04-22",
                "source": {"url": "https://example.org/report", "name": "Tech report"},
            },
        },
        {"filename": ".eval_results/broken.yaml", "error": "invalid yaml"},
        {
            "filename": ".eval_results/mmlu.yaml",
            "verified": True,
            "data": {"dataset": {"id": "cais/mmlu"}, "value": 70},
        },
        {"filename": ".eval_results/novalue.yaml", "data": {"dataset": {"id": "x"}}},
        "junk",
    ]
    rows = parse_eval_results(entries, model_id=MODEL, sha="a" * 40)
    assert [(r.dataset_id, r.value, r.verified) for r in rows] == [
        ("openai/gsm8k", 86.2, 0),
        ("cais/mmlu", 70.0, 1),
    ]
    assert all(r.source_kind == "evalResults" for r in rows)
    assert rows[0].dataset_config == "main"
    assert (rows[0].source_name, rows[0].source_url) == ("Tech report", "https://example.org/report")
    assert rows[1].source_url == f"https://huggingface.co/{MODEL}/blob/{'a' * 40}/.eval_results/mmlu.yaml"


def test_card_and_api_evals_are_combined_in_order() -> None:
    api = {"evalResults": [{"filename": "f.yaml", "data": {"dataset": {"id": "d"}, "value": 1}}]}
    rows = _build(MODEL_INDEX_CARD.encode(), api=api).evals
    assert [r.source_kind for r in rows] == ["model-index"] * 3 + ["evalResults"]


# --- conflicts ------------------------------------------------------------------------------------


def test_license_conflict_between_card_tags_and_card_data_is_recorded() -> None:
    api = {"tags": ["license:apache-2.0"], "cardData": {"license": "mit"}}
    result = _build(b"---\nlicense: mit\n---\n", api=api)
    assert result.conflicts["license"] == {"card": "MIT", "tags": "Apache-2.0", "cardData": "MIT"}


def test_agreeing_sources_in_different_spellings_are_no_conflict() -> None:
    api = {"tags": ["license:apache-2.0"], "cardData": {"license": "Apache-2.0"}, "pipeline_tag": "fill-mask"}
    result = _build(b"---\nlicense: apache-2.0\npipeline_tag: fill-mask\n---\n", api=api)
    assert result.conflicts == {}


def test_pipeline_tag_conflict_between_card_and_api() -> None:
    result = _build(
        b"---\npipeline_tag: text-generation\n---\n", api={"pipeline_tag": "text2text-generation"}
    )
    assert result.conflicts == {"pipeline_tag": {"card": "text-generation", "api": "text2text-generation"}}


# --- params claim selection -----------------------------------------------------------------------


def test_card_text_claim_beats_model_name() -> None:
    result = _build(b"# M\nThis model has 6.7 billion parameters.\n")
    assert result.params_claim is not None
    assert (result.params_claim.value, result.params_claim.source) == (6_700_000_000, "card_text")


def test_model_name_is_the_last_resort() -> None:
    result = _build(b"# M\nNo size here.\n")
    assert result.params_claim is not None
    assert (result.params_claim.value, result.params_claim.source) == (7_000_000_000, "model_name")


def test_verified_written_in_the_card_itself_is_not_trusted() -> None:
    card = (
        b"---\nmodel-index:\n- results:\n  - dataset: {type: d}\n"
        b"    metrics:\n    - {type: acc, value: 99, verified: true}\n---\n"
    )
    (row,) = _build(card).evals
    assert row.verified is None
