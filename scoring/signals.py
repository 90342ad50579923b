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


# Topic -> keywords matched case-insensitively as substrings of card section paths ("Uses > Direct Use").
# A card covers a topic when any of its section paths contains any keyword of the topic.
CARD_TOPICS: dict[str, tuple[str, ...]] = {
    "intended_use": ("intended", "uses", "usage", "use case", "how to use", "direct use", "downstream use"),
    "limitations": ("limitation", "bias", "risk", "out-of-scope", "out of scope", "caveat", "ethic"),
    "training_data": ("training", "dataset", "data collection", "corpus", "pretraining", "pre-training"),
    "evaluation": ("evaluation", "results", "benchmark", "performance", "metric"),
}

def card_topics_of(path: str) -> tuple[int, ...]:
    """(1 or 0 per CARD_TOPICS entry, in order): which topics a section path covers."""
    lowered = path.lower()
    return tuple(int(any(keyword in lowered for keyword in keywords)) for keywords in CARD_TOPICS.values())


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

# Sources and reasons are short on purpose: they are repeated in every model's stored breakdown (a
# million rows), so every byte costs write time. docs/scoring.md explains each one in full.
SIGNALS: dict[str, SignalSpec] = {
    spec.name: spec
    for spec in (
        SignalSpec("downloads_30d", "models.downloads", True, "not reported by the Hub"),
        SignalSpec("downloads_all_time", "models.downloads_all_time", True,
                   "not fetched: needs expand=downloadsAllTime"),
        SignalSpec("likes", "models.likes", True, "not reported by the Hub"),
        SignalSpec("spaces", "models.spaces_count", True,
                   "not fetched: from the model info endpoint, see hubcrawl recrawl"),
        SignalSpec("card_completeness", "card_sections.path", True, "card not fetched"),
        SignalSpec("eval_results", "eval_results.verified", False, "card not fetched"),
        SignalSpec("license_clarity", "models.license", False, None),
        SignalSpec("safetensors", "models.params_source, tags", True, None),
        SignalSpec("params_documented", "models.params", True, None),
        SignalSpec("finetunes", "model_edges", True, None),
        SignalSpec("adapters", "model_edges", True, None),
        SignalSpec("quantized", "model_edges", True, None),
        SignalSpec("merges", "model_edges", True, None),
        SignalSpec("integrations", "models.library_name, tags, models.inference", True, None),
        SignalSpec("downloads_growth", "snapshots.downloads", False, "a snapshot lacks downloads",
                   needs_history=True),
        SignalSpec("likes_growth", "snapshots.likes", False, "a snapshot lacks likes", needs_history=True),
    )
}

RELATION_SIGNALS = {
    "finetunes": "finetune", "adapters": "adapter", "quantized": "quantized", "merges": "merge",
}

HISTORY_MISSING_REASON = "needs at least 2 snapshots"
