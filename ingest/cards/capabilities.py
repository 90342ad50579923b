"""Capabilities: short claims about what a model does, each assembled from facts and tied to evidence.

Nothing here writes prose of its own: every description is a template filled with values that
appear in the evidence (a tag, a number and its source, a quoted sentence from the card).
Confidence comes from the kind of evidence (see `confidence_for`):

- declared metadata (API fields, front-matter keys, the Hub's model tree) and verified evals → high
- card prose (a quoted sentence under a "Uses" heading) and self-reported evals → medium
- inference (runtime support guessed from tags or file names) → low
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from ingest.cards.types import HIGH, LOW, MEDIUM, Capability, CardFacts, EvalRow, Evidence, Section

API_FIELD = "api_field"
CARD_SECTION = "card_section"
EVAL_RESULT = "eval_result"
MODEL_TREE = "model_tree"
INFERENCE = "inference"

_KIND_CONFIDENCE = {API_FIELD: HIGH, MODEL_TREE: HIGH, CARD_SECTION: MEDIUM, INFERENCE: LOW}
_RANK = {HIGH: 3, MEDIUM: 2, LOW: 1}

_MAX_USES = 5
_MAX_QUOTE = 200
_USE_HEADING = re.compile(
    r"^(?:primary\s+)?(?:intended\s+uses?(?:\s+cases?)?|uses|direct\s+use|downstream\s+use(?:\s*\(optional\))?"
    r"|use\s+cases?|intended\s+uses?\s*(?:&|and)\s*limitations)\b",
    re.IGNORECASE,
)
_NOT_A_USE = re.compile(r"out[\s-]+of[\s-]+scope|misuse|malicious|not\s+intended", re.IGNORECASE)
_PLACEHOLDER = re.compile(
    r"^\s*\[?(?:more\s+information\s+needed|needs?\s+more\s+information)", re.IGNORECASE
)
_BULLET = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+(.+)$")
_SENTENCE = re.compile(r"^(.+?[.!?])(?:\s|$)")

# Runtimes we recognise: name → (library ids, tags, file suffixes) that point at it.
_RUNTIMES: dict[str, tuple[frozenset[str], frozenset[str], tuple[str, ...]]] = {
    "transformers": (frozenset({"transformers"}), frozenset({"transformers"}), ()),
    "diffusers": (frozenset({"diffusers"}), frozenset({"diffusers"}), ()),
    "gguf (llama.cpp)": (frozenset({"gguf", "llama.cpp"}), frozenset({"gguf"}), (".gguf",)),
    "onnx": (frozenset({"onnx", "transformers.js"}), frozenset({"onnx"}), (".onnx",)),
}
_TREE_RELATIONS = (
    ("finetune", "fine-tunes"),
    ("adapter", "adapters"),
    ("quantized", "quantizations"),
    ("merge", "merges"),
)


def confidence_for(evidence: Iterable[Evidence], evals: tuple[EvalRow, ...] = ()) -> str:
    """The strongest evidence decides: a verified eval counts as declared, a self-reported one as prose."""
    best = LOW
    for item in evidence:
        if item.kind == EVAL_RESULT:
            row = (
                evals[item.eval_index]
                if item.eval_index is not None and item.eval_index < len(evals)
                else None
            )
            level = HIGH if row is not None and row.verified == 1 else MEDIUM
        else:
            level = _KIND_CONFIDENCE.get(item.kind, LOW)
        if _RANK[level] > _RANK[best]:
            best = level
    return best


def _capability(
    name: str, description: str, evidence: list[Evidence], evals: tuple[EvalRow, ...] = ()
) -> Capability:
    return Capability(
        name=name,
        description=description,
        confidence=confidence_for(evidence, evals),
        evidence=tuple(evidence),
    )


def _str(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _task_capability(api: dict[str, Any], facts: CardFacts, api_url: str, card_url: str) -> Capability | None:
    """The task, from the Hub's pipeline_tag, the card's, or transformersInfo (widgetData corroborates)."""
    info = api.get("transformersInfo") if isinstance(api.get("transformersInfo"), dict) else {}
    candidates = [
        ("pipeline_tag", _str(api.get("pipeline_tag")), api_url),
        ("cardData.pipeline_tag", facts.pipeline_tag, card_url),
        ("transformersInfo.pipeline_tag", _str(info.get("pipeline_tag")), api_url),
    ]
    task = next((value for _, value, _ in candidates if value), None)
    if task is None:
        return None
    evidence = [
        Evidence(API_FIELD, source_url=url, field=name, quote=value)
        for name, value, url in candidates
        if value == task
    ]
    auto_model = _str(info.get("auto_model"))
    if auto_model and _str(info.get("pipeline_tag")) in (task, None):
        evidence.append(
            Evidence(API_FIELD, source_url=api_url, field="transformersInfo.auto_model", quote=auto_model)
        )
    widget = api.get("widgetData")
    if isinstance(widget, list) and widget:
        evidence.append(
            Evidence(
                API_FIELD, source_url=api_url, field="widgetData", quote=f"{len(widget)} widget example(s)"
            )
        )
    source = evidence[0].field
    return _capability(task, f"Performs {task} (declared {source}).", evidence)


def _eval_description(row: EvalRow) -> str:
    metric = row.metric_name or row.metric_type
    target = row.dataset_name or row.dataset_id or row.task_name
    split = f" ({row.dataset_split} split)" if row.dataset_split else ""
    how = (
        "verified by the Hub"
        if row.verified == 1
        else "self-reported in model-index"
        if row.source_kind == "model-index"
        else "reported in evalResults"
    )
    source = (
        f", source: {row.source_name + ', ' if row.source_name else ''}{row.source_url}"
        if row.source_url
        else ""
    )
    what = f"{row.value_text} {metric}" if metric else row.value_text
    where = f" on {target}{split}" if target else ""
    return f"Scores {what}{where} ({how}{source})."


def _eval_capabilities(evals: tuple[EvalRow, ...]) -> list[Capability]:
    capabilities = []
    for index, row in enumerate(evals):
        if row.value_text is None:
            continue
        target = row.dataset_name or row.dataset_id or row.task_name or "benchmark"
        metric = row.metric_name or row.metric_type or "score"
        evidence = [
            Evidence(
                EVAL_RESULT,
                source_url=row.source_url,
                field=row.source_kind,
                quote=row.value_text,
                eval_index=index,
            )
        ]
        capabilities.append(_capability(f"{metric} on {target}", _eval_description(row), evidence, evals))
    return capabilities


def _is_use_section(section: Section) -> bool:
    return bool(_USE_HEADING.match(section.heading or "")) and not _NOT_A_USE.search(section.path)


def _use_statements(text: str) -> list[str]:
    """Bullets when the section lists them, else its first sentence; placeholders are skipped."""
    lines = [line for line in text.split("\n") if line.strip()]
    bullets = [m.group(1).strip() for m in map(_BULLET.match, lines) if m]
    if bullets:
        statements = bullets
    elif lines:
        first = lines[0].strip()
        match = _SENTENCE.match(first)
        statements = [match.group(1) if match else first]
    else:
        statements = []
    return [s for s in statements if len(s) >= 8 and not _PLACEHOLDER.match(s)]


def _use_capabilities(sections: tuple[Section, ...], card_url: str) -> list[Capability]:
    capabilities: list[Capability] = []
    for section in sections:
        if not _is_use_section(section):
            continue
        for statement in _use_statements(section.text):
            quote = statement if len(statement) <= _MAX_QUOTE else statement[: _MAX_QUOTE - 1] + "…"
            evidence = [Evidence(CARD_SECTION, source_url=card_url, section=section.path, quote=quote)]
            description = f'Intended use stated in the card: "{quote}" (section: {section.path}).'
            capabilities.append(_capability("intended use", description, evidence))
            if len(capabilities) >= _MAX_USES:
                return capabilities
    return capabilities


def _sibling_names(api: dict[str, Any]) -> list[str]:
    siblings = api.get("siblings")
    if not isinstance(siblings, list):
        return []
    return [s["rfilename"] for s in siblings if isinstance(s, dict) and isinstance(s.get("rfilename"), str)]


def _runtime_capabilities(
    api: dict[str, Any], facts: CardFacts, api_url: str, card_url: str
) -> list[Capability]:
    library = _str(api.get("library_name"))
    tags = {t for t in (api.get("tags") if isinstance(api.get("tags"), list) else []) if isinstance(t, str)}
    files = _sibling_names(api)
    info = api.get("transformersInfo") if isinstance(api.get("transformersInfo"), dict) else {}
    capabilities = []
    for runtime, (libraries, runtime_tags, suffixes) in _RUNTIMES.items():
        evidence: list[Evidence] = []
        if library in libraries:
            evidence.append(Evidence(API_FIELD, source_url=api_url, field="library_name", quote=library))
        if facts.library_name in libraries:
            evidence.append(
                Evidence(
                    API_FIELD, source_url=card_url, field="cardData.library_name", quote=facts.library_name
                )
            )
        if runtime == "transformers" and _str(info.get("auto_model")):
            evidence.append(
                Evidence(
                    API_FIELD,
                    source_url=api_url,
                    field="transformersInfo.auto_model",
                    quote=info["auto_model"],
                )
            )
        if runtime.startswith("gguf") and isinstance(api.get("gguf"), dict):
            evidence.append(
                Evidence(
                    API_FIELD,
                    source_url=api_url,
                    field="gguf",
                    quote=_str(api["gguf"].get("architecture")) or "gguf metadata",
                )
            )
        for tag in sorted(tags & runtime_tags):
            evidence.append(Evidence(INFERENCE, source_url=api_url, field="tags", quote=tag))
        matching = sorted(f for f in files if f.lower().endswith(suffixes)) if suffixes else []
        if matching:
            evidence.append(
                Evidence(
                    INFERENCE,
                    source_url=api_url,
                    field="siblings",
                    quote=f"{matching[0]} (+{len(matching) - 1} more)" if len(matching) > 1 else matching[0],
                )
            )
        if evidence:
            how = (
                "declared " + evidence[0].field
                if evidence[0].kind == API_FIELD
                else "guessed from " + evidence[0].field
            )
            capabilities.append(
                _capability(f"runs with {runtime}", f"Runs with {runtime} ({how}).", evidence)
            )
    other = library or facts.library_name
    if other and not any(other in libs for libs, _, _ in _RUNTIMES.values()):
        field = "library_name" if library else "cardData.library_name"
        evidence = [
            Evidence(API_FIELD, source_url=api_url if library else card_url, field=field, quote=other)
        ]
        capabilities.append(
            _capability(f"runs with {other}", f"Runs with {other} (declared {field}).", evidence)
        )
    return capabilities


# API fields only the model info endpoint sends (a list item never carries them): capabilities whose
# whole evidence is among these can only be rebuilt from an info body (hubcrawl recrawl).
INFO_ENDPOINT_FIELDS = ("transformersInfo", "widgetData", "siblings", "inferenceProviderMapping",
                        "childrenModelCount")


def _provider_names(mapping: Any) -> list[str]:
    """Live providers from inferenceProviderMapping: a dict in info responses, a list in listings."""
    if isinstance(mapping, dict):
        entries = [{"provider": name, **value} for name, value in mapping.items() if isinstance(value, dict)]
    elif isinstance(mapping, list):
        entries = [entry for entry in mapping if isinstance(entry, dict)]
    else:
        return []
    names = {
        e["provider"]
        for e in entries
        if isinstance(e.get("provider"), str) and e.get("status", "live") == "live"
    }
    return sorted(names)


def _serving_capabilities(api: dict[str, Any], api_url: str) -> list[Capability]:
    capabilities = []
    if api.get("inference") == "warm":
        evidence = [Evidence(API_FIELD, source_url=api_url, field="inference", quote="warm")]
        capabilities.append(
            _capability("hosted inference", "Served by Hugging Face inference (inference: warm).", evidence)
        )
    providers = _provider_names(api.get("inferenceProviderMapping"))
    if providers:
        listed = ", ".join(providers)
        evidence = [Evidence(API_FIELD, source_url=api_url, field="inferenceProviderMapping", quote=listed)]
        capabilities.append(
            _capability(
                "inference providers",
                f"Available from inference providers: {listed} (inferenceProviderMapping).",
                evidence,
            )
        )
    return capabilities


def _ecosystem_capabilities(children: dict[str, int] | None, model_id: str) -> list[Capability]:
    if not children:
        return []
    capabilities = []
    for relation, plural in _TREE_RELATIONS:
        count = children.get(relation)
        if isinstance(count, int) and not isinstance(count, bool) and count > 0:
            evidence = [
                Evidence(
                    MODEL_TREE,
                    source_url=f"https://huggingface.co/models?other=base_model:{relation}:{model_id}",
                    field=f"childrenModelCount.{relation}",
                    quote=str(count),
                )
            ]
            capabilities.append(
                _capability(
                    f"has {plural}",
                    f"{count:,} {plural} on the Hub name this model as their base (model tree).",
                    evidence,
                )
            )
    return capabilities


def _api_url(model_id: str, card_url: str) -> str:
    """The model's API URL on the hub the card came from (a mirror or local hub, not always the Hub)."""
    parts = urlsplit(card_url)
    base = f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else "https://huggingface.co"
    return f"{base}/api/models/{model_id}"


def build_capabilities(
    *,
    model_id: str,
    facts: CardFacts,
    api: dict[str, Any] | None,
    evals: tuple[EvalRow, ...],
    sections: tuple[Section, ...],
    children: dict[str, int] | None,
    card_url: str,
) -> tuple[Capability, ...]:
    """All capabilities in a fixed order: task, benchmarks, uses, runtimes, serving, ecosystem."""
    api = api if isinstance(api, dict) else {}
    api_url = _api_url(model_id, card_url)
    capabilities: list[Capability] = []
    task = _task_capability(api, facts, api_url, card_url)
    if task is not None:
        capabilities.append(task)
    capabilities += _eval_capabilities(evals)
    capabilities += _use_capabilities(sections, card_url)
    capabilities += _runtime_capabilities(api, facts, api_url, card_url)
    capabilities += _serving_capabilities(api, api_url)
    capabilities += _ecosystem_capabilities(children, model_id)
    return tuple(capabilities)
