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
    missing: str | None  # code (MISSING_REASONS) of why the signal can be absent; None: always present
    needs_history: bool = False  # momentum signals: need two snapshots

    @property
    def missing_reason(self) -> str | None:
        return MISSING_REASONS[self.missing] if self.missing is not None else None


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

# Why a value can be missing, by code. The stored breakdown keeps only the code; the wording is stored once
# per config version (table score_configs) and expanded on read. "hub" is the wording of the pages table.
MISSING_REASONS: dict[str, str] = {
    "hub": "not reported by the Hub",
    "recrawl": "not fetched: from the model info endpoint, see hubcrawl recrawl",
    "card": "card not fetched",
    "snapshot_downloads": "a snapshot lacks downloads",
    "snapshot_likes": "a snapshot lacks likes",
    "unavailable": "not available",
}

SIGNALS: dict[str, SignalSpec] = {
    spec.name: spec
    for spec in (
        SignalSpec("downloads_30d", "models.downloads", True, "hub"),
        # The crawler asks for downloadsAllTime in listings and model info: when absent, the Hub did not say.
        SignalSpec("downloads_all_time", "models.downloads_all_time", True, "hub"),
        SignalSpec("likes", "models.likes", True, "hub"),
        SignalSpec("spaces", "models.spaces_count", True, "recrawl"),
        SignalSpec("card_completeness", "card_sections.path", True, "card"),
        SignalSpec("eval_results", "eval_results.verified", False, "card"),
        SignalSpec("license_clarity", "models.license", False, None),
        SignalSpec("safetensors", "models.params_source, tags", True, None),
        SignalSpec("params_documented", "models.params", True, None),
        SignalSpec("finetunes", "model_edges", True, None),
        SignalSpec("adapters", "model_edges", True, None),
        SignalSpec("quantized", "model_edges", True, None),
        SignalSpec("merges", "model_edges", True, None),
        SignalSpec("integrations", "models.library_name, tags, models.inference", True, None),
        SignalSpec("downloads_growth", "snapshots.downloads", False, "snapshot_downloads",
                   needs_history=True),
        SignalSpec("likes_growth", "snapshots.likes", False, "snapshot_likes", needs_history=True),
    )
}

RELATION_SIGNALS = {
    "finetunes": "finetune", "adapters": "adapter", "quantized": "quantized", "merges": "merge",
}

HISTORY_MISSING_REASON = "needs at least 2 snapshots"  # a dimension of history signals, without history
NO_SIGNAL_REASON = "none of this dimension's signals is available"
