"""The signals a score can use: what each one measures, where it is read from, and what "missing" means.

A signal's raw value is a number per model, or missing (NaN while computing, `null` in the breakdown).
Missing means "we do not know", never "zero": the signal then drops out of its dimension and the other
weights renormalize. Facts of absence that we *do* know (no license, no card on the Hub, no derivatives
found) are present with value 0.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SignalSpec:
    name: str
    source: str  # the table.column (or rule) the raw value comes from, shown in every breakdown
    integer: bool  # raw values are counts (rendered without decimals)
    missing_reason: str | None  # why the signal can be absent; None when it is always present
    needs_history: bool = False  # momentum signals: need two snapshots


RELATIONS = ("finetune", "adapter", "quantized", "merge")

# Topic -> keywords matched case-insensitively as substrings of card section paths ("Uses > Direct Use").
# A card covers a topic when any of its section paths contains any keyword of the topic.
CARD_TOPICS: dict[str, tuple[str, ...]] = {
    "intended_use": ("intended", "uses", "usage", "use case", "how to use", "direct use", "downstream use"),
    "limitations": ("limitation", "bias", "risk", "out-of-scope", "out of scope", "caveat", "ethic"),
    "training_data": ("training", "dataset", "data collection", "corpus", "pretraining", "pre-training"),
    "evaluation": ("evaluation", "results", "benchmark", "performance", "metric"),
}

# Weight of one eval result in the `eval_results` raw value: verified results (run by the Hub) count
# fully; self-reported or unknown ones are claims, which studies find overstated (anchors.md §B.5).
EVAL_VERIFIED_POINTS = 1.0
EVAL_SELF_REPORTED_POINTS = 0.25

# license_clarity grades (raw value, already in [0, 1]).
LICENSE_KNOWN = 1.0  # a canonical id (SPDX or a Hub license id)
LICENSE_OTHER_NAMED_LINKED = 0.6  # 'other' with both license_name and license_link
LICENSE_OTHER_BARE = 0.3  # 'other' without both
LICENSE_NONE = 0.0  # NULL or 'unknown'

# Tags that mean the model runs in a known library or runtime (anchors.md §C.1). Counted together with
# library_name (once, when the tag equals it) and inference == 'warm' in the `integrations` signal.
INTEGRATION_TAGS = (
    "transformers",
    "diffusers",
    "sentence-transformers",
    "gguf",
    "onnx",
    "mlx",
    "openvino",
    "coreml",
    "text-generation-inference",
    "text-embeddings-inference",
)

_NOT_FETCHED_INFO = "not fetched: spaces come from the model info endpoint (hubcrawl recrawl)"

SIGNALS: dict[str, SignalSpec] = {
    spec.name: spec
    for spec in (
        SignalSpec("downloads_30d", "models.downloads", True, "the Hub did not report 30-day downloads"),
        SignalSpec(
            "downloads_all_time",
            "models.downloads_all_time",
            True,
            "not fetched: all-time downloads come from expand=downloadsAllTime",
        ),
        SignalSpec("likes", "models.likes", True, "the Hub did not report likes"),
        SignalSpec("spaces", "models.spaces_count", True, _NOT_FETCHED_INFO),
        SignalSpec(
            "card_completeness",
            "card_sections.path (topics: intended use, limitations, training data, evaluation)",
            True,
            "card not fetched yet",
        ),
        SignalSpec(
            "eval_results",
            "eval_results (verified x1, self-reported x0.25)",
            False,
            "card not fetched yet and no eval results stored",
        ),
        SignalSpec("license_clarity", "models.license, license_name, license_link", False, None),
        SignalSpec("safetensors", "models.params_source='safetensors.total' or tag safetensors", True, None),
        SignalSpec("params_documented", "models.params IS NOT NULL", True, None),
        *(
            SignalSpec(f"{relation}s" if relation != "quantized" else relation,
                       f"model_edges (children by parent_id, relation={relation})", True, None)
            for relation in RELATIONS
        ),
        SignalSpec(
            "integrations",
            "models.library_name + runtime tags + models.inference = 'warm'",
            True,
            None,
        ),
        SignalSpec(
            "downloads_growth",
            "snapshots.downloads, two most recent: (1+new)/(1+old)",
            False,
            "the snapshots lack 30-day downloads",
            needs_history=True,
        ),
        SignalSpec(
            "likes_growth",
            "snapshots.likes, two most recent: (1+new)/(1+old)",
            False,
            "the snapshots lack likes",
            needs_history=True,
        ),
    )
}

RELATION_SIGNALS = {
    "finetunes": "finetune", "adapters": "adapter", "quantized": "quantized", "merges": "merge",
}

HISTORY_MISSING_REASON = "needs at least 2 snapshots"
