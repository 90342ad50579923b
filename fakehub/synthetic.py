"""Deterministic synthetic Hub models with realistic variety, for tests and benchmarks.

The shapes, value ranges and vocabularies (orgs, tasks, libraries, licenses, dtypes, tags) come from
the recorded Hub bodies in hub-samples/api and hf-api.md; the models themselves are invented.

    records = make_models(1000, seed=0)     # same input, same output
    card = make_card(records[0])            # README.md bytes consistent with the record
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate

import yaml

try:  # the C emitter is ~10x faster; fall back when PyYAML was built without libyaml
    from yaml import CSafeDumper as _Dumper
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]

from fakehub.fields import canonical_order
from fakehub.gcutil import gc_paused

LEGACY_CREATED_AT = "2022-03-02T23:29:04.000Z"  # every repo older than the Hub's storage (hf-api.md §2.3)
_EPOCH_START = datetime(2022, 3, 3, tzinfo=UTC)
_EPOCH_END = datetime(2026, 10, 31, tzinfo=UTC)  # no date after the data set's "as of"
_EPOCH_DAYS = (_EPOCH_END - _EPOCH_START).days

BIG_ORGS = (
    "google", "meta-llama", "microsoft", "facebook", "stabilityai", "black-forest-labs", "mistralai",
    "Qwen", "openai", "sentence-transformers", "nvidia", "deepseek-ai", "HuggingFaceH4", "BAAI",
    "intfloat", "TheBloke", "bartowski", "unsloth", "city96", "timm",
)  # fmt: skip
_USER_PARTS = ("ai", "lab", "nlp", "dev", "ml", "sun", "neo", "kai", "mira", "jo", "tom", "lee", "ana", "raj")


@dataclass(frozen=True)
class Kind:
    """One family of models: task, library, architecture and parameter range."""

    pipeline_tag: str | None
    library: str | None
    model_type: str
    architecture: str
    params: tuple[int, int]
    weight: int
    auto_model: str | None = None


KINDS = (
    Kind("text-generation", "transformers", "llama", "LlamaForCausalLM", (500_000_000, 70_000_000_000), 22,
         "AutoModelForCausalLM"),
    Kind("text-generation", "transformers", "mistral", "MistralForCausalLM",
         (7_000_000_000, 8_000_000_000), 6, "AutoModelForCausalLM"),
    Kind("text-generation", "gguf", "llama", "llama", (1_000_000_000, 34_000_000_000), 8),
    Kind("text-classification", "transformers", "bert", "BertForSequenceClassification",
         (4_000_000, 340_000_000), 10, "AutoModelForSequenceClassification"),
    Kind("token-classification", "transformers", "bert", "BertForTokenClassification",
         (60_000_000, 340_000_000), 4, "AutoModelForTokenClassification"),
    Kind("question-answering", "transformers", "roberta", "RobertaForQuestionAnswering",
         (80_000_000, 360_000_000), 3, "AutoModelForQuestionAnswering"),
    Kind("fill-mask", "transformers", "bert", "BertForMaskedLM",
         (60_000_000, 340_000_000), 4, "AutoModelForMaskedLM"),
    Kind("text-to-image", "diffusers", "unet", "StableDiffusionXLPipeline", (800_000_000, 12_000_000_000), 6),
    Kind("image-segmentation", "transformers", "mask2former", "Mask2FormerForUniversalSegmentation",
         (40_000_000, 220_000_000), 2, "AutoModelForUniversalSegmentation"),
    Kind("image-classification", "timm", "convnext", "ConvNeXt", (5_000_000, 300_000_000), 4),
    Kind("sentence-similarity", "sentence-transformers", "bert", "BertModel", (20_000_000, 560_000_000), 6),
    Kind("automatic-speech-recognition", "transformers", "whisper", "WhisperForConditionalGeneration",
         (39_000_000, 1_550_000_000), 4, "AutoModelForSpeechSeq2Seq"),
    Kind("text-generation", "peft", "llama", "LoraModel", (2_000_000, 200_000_000), 8),
    Kind(None, None, "custom", "Custom", (1_000_000, 100_000_000), 4),
)  # fmt: skip
_KIND_CUM_WEIGHTS = list(accumulate(kind.weight for kind in KINDS))

# (cardData license value, tag suffix or None, license_name, license_link): odd casing, lists and
# `other` are on purpose; ingest must cope with all of them.
LICENSES = (
    ("apache-2.0", "apache-2.0", None, None, 30),
    ("mit", "mit", None, None, 14),
    ("Apache-2.0", "apache-2.0", None, None, 2),
    ("MIT", "mit", None, None, 1),
    ("cc-by-nc-4.0", "cc-by-nc-4.0", None, None, 5),
    ("cc-by-4.0", "cc-by-4.0", None, None, 3),
    ("llama3.1", "llama3.1", None, None, 4),
    ("gemma", "gemma", None, None, 2),
    ("openrail++", "openrail++", None, None, 3),
    ("other", "other", "stabilityai-ai-community", "LICENSE.md", 2),
    ("other", "other", "flux-1-dev-non-commercial-license", "LICENSE.md", 2),
    ("other", "other", None, None, 2),
    (["apache-2.0", "mit"], None, None, None, 1),
    (None, None, None, None, 14),
)  # fmt: skip
_LICENSE_CUM_WEIGHTS = list(accumulate(entry[-1] for entry in LICENSES))

DTYPES = ("BF16", "F16", "F32")
RELATIONS = ("finetune", "adapter", "quantized", "merge")
LANGUAGES = ("en", "fr", "de", "zh", "ja", "es", "multilingual")
DATASETS = ("squad", "imdb", "glue", "common_voice", "laion/laion2B-en", "HuggingFaceH4/ultrachat_200k")


def make_models(n: int, seed: int = 0) -> list[dict]:
    """`n` model-info records with unique ids and `_id`s, deterministic for a given seed."""
    with gc_paused():
        return _make_models(n, seed)


def _make_models(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    users = [_user_name(rng, index) for index in range(max(20, n // 8))]
    records: list[dict] = []
    used_ids: set[str] = set()
    for index in range(n):
        kind = rng.choices(KINDS, cum_weights=_KIND_CUM_WEIGHTS)[0]
        author = rng.choice(BIG_ORGS) if rng.random() < 0.3 else rng.choice(users)
        model_id = _unique_id(f"{author}/{_model_name(rng, kind)}", used_ids)
        records.append(_make_record(rng, index, model_id, author, kind, records))
    return records


def make_card(record: dict) -> bytes:
    """A short README.md: YAML front matter equal to the record's cardData, then a few sections."""
    name = record["id"].split("/")[-1]
    card_data = record.get("cardData")
    parts = []
    if card_data:
        front = yaml.dump(card_data, Dumper=_Dumper, sort_keys=False, allow_unicode=True)
        parts.append(f"---\n{front}---\n")
    task = record.get("pipeline_tag") or "machine learning"
    library = record.get("library_name") or "an unspecified library"
    params = (record.get("safetensors") or record.get("gguf") or {}).get("total")
    size = f" It has {params:,} parameters." if params else ""
    parts.append(
        f"\n# {name}\n\n## Model description\n\nA {task} model published by "
        f"{record.get('author', 'its author')}, for use with {library}.{size}\n"
    )
    base = card_data.get("base_model") if card_data else None
    if base:
        parts.append(f"\nIt is derived from {base if isinstance(base, str) else ', '.join(base)}.\n")
    parts.append("\n## Intended uses & limitations\n\nSynthetic test model: it was never trained.\n")
    datasets = card_data.get("datasets") if card_data else None
    if datasets:
        parts.append(f"\n## Training data\n\n{', '.join(datasets)}\n")
    parts.append(_evaluation_section(record))
    return "".join(parts).encode("utf-8")


# -- record pieces -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Traits:
    """The random choices a record and its card must agree on."""

    kind: Kind
    license: tuple  # one LICENSES row
    language: str | None
    datasets: tuple[str, ...]
    relation: str | None
    parents: tuple[str, ...]


def _draw_traits(rng: random.Random, kind: Kind, earlier: list[dict]) -> Traits:
    relation, parents = _pick_parents(rng, kind, earlier)
    license_row = rng.choices(LICENSES, cum_weights=_LICENSE_CUM_WEIGHTS)[0]
    language = rng.choice(LANGUAGES) if rng.random() < 0.5 else None
    datasets = tuple(rng.sample(DATASETS, rng.randint(1, 2))) if rng.random() < 0.25 else ()
    return Traits(kind, license_row, language, datasets, relation, tuple(parents))


def _make_record(
    rng: random.Random, index: int, model_id: str, author: str, kind: Kind, earlier: list[dict]
) -> dict:
    created = _created_at(rng)
    downloads = _heavy_tail(rng, 0.35, 3.0, 2.2)
    traits = _draw_traits(rng, kind, earlier)
    card_data = _card_data(rng, traits)
    record: dict = {
        "_id": _object_id(created, index),
        "id": model_id,
        "private": False,
        "pipeline_tag": kind.pipeline_tag,
        "library_name": kind.library,
        "tags": _tags(traits),
        "downloads": downloads,
        "likes": int(downloads**0.5 * rng.random() * 0.8),
        "modelId": model_id,
        "author": author,
        "sha": f"{rng.getrandbits(160):040x}",
        "lastModified": _iso(min(_parse(created) + timedelta(days=rng.random() * 200), _EPOCH_END)),
        "gated": _gated(rng),
        "disabled": False,
        "cardData": card_data,
        "siblings": _siblings(kind),
        "spaces": _spaces(rng, model_id, downloads),
        "createdAt": created,
        "usedStorage": rng.randint(10_000, 200_000_000_000),
        "trendingScore": int(_heavy_tail(rng, 0.6, 0.5, 1.2) // 10),
        "downloadsAllTime": downloads * rng.randint(1, 30),
    }
    _add_weights(rng, record, kind)
    _add_library_details(record, kind)
    if rng.random() < 0.1:
        record["inference"] = "warm"
    if card_data and rng.random() < 0.08:
        record["model-index"] = card_data["model-index"] = _model_index(rng, model_id, kind)
        record["tags"].insert(-2, "model-index")  # the Hub tags models that report results
    # Missing stays missing: the Hub omits what it does not know.
    return canonical_order({key: value for key, value in record.items() if value is not None})


def _add_library_details(record: dict, kind: Kind) -> None:
    if kind.library == "transformers":
        record["config"] = {"architectures": [kind.architecture], "model_type": kind.model_type}
        record["transformersInfo"] = {
            "auto_model": kind.auto_model,
            "pipeline_tag": kind.pipeline_tag,
            "processor": "AutoTokenizer",
        }
    if kind.pipeline_tag == "fill-mask":
        record["mask_token"] = "[MASK]"  # noqa: S105 (not a password)


def _tags(traits: Traits) -> list[str]:
    """Tags as the Hub computes them: library, formats, architecture, task, language, datasets,
    model tree, license, then capability and region flags (hf-api.md §5.3)."""
    kind = traits.kind
    tags = [kind.library] if kind.library else []
    if kind.library in ("transformers", "diffusers", "sentence-transformers", "timm"):
        tags.append("safetensors")
    if kind.library == "transformers":
        tags.append(kind.model_type)
    if kind.pipeline_tag:
        tags.append(kind.pipeline_tag)
    if traits.language:
        tags.append(traits.language)
    tags += [f"dataset:{name}" for name in traits.datasets]
    for parent in traits.parents:
        tags += [f"base_model:{parent}", f"base_model:{traits.relation}:{parent}"]
    license_value, license_tag = traits.license[0], traits.license[1]
    values = license_value if isinstance(license_value, list) else [license_value] if license_value else []
    tags += [f"license:{license_tag or value.lower()}" for value in values]
    tags += ["endpoints_compatible", "region:us"]
    return tags


def _card_data(rng: random.Random, traits: Traits) -> dict | None:
    """The card's front matter, parsed; None for a card without metadata (no cardData key)."""
    license_value, _, license_name, license_link, _ = traits.license
    if license_value is None and not traits.parents and rng.random() < 0.5:
        return None
    data: dict = {}
    if traits.language:
        data["language"] = traits.language if rng.random() < 0.5 else [traits.language]
    if license_value is not None:
        data["license"] = license_value
    if license_name:
        data["license_name"] = license_name
        data["license_link"] = license_link
    if traits.kind.library:
        data["library_name"] = traits.kind.library
    if traits.kind.pipeline_tag:
        data["pipeline_tag"] = traits.kind.pipeline_tag
    if traits.parents:
        parents = traits.parents
        data["base_model"] = parents[0] if len(parents) == 1 else list(parents)
        if traits.relation == "quantized":
            data["base_model_relation"] = "quantized"
    if traits.datasets:
        data["datasets"] = list(traits.datasets)
    return data or None


def _pick_parents(rng: random.Random, kind: Kind, earlier: list[dict]) -> tuple[str | None, list[str]]:
    """Adapters (peft) and GGUF repos always derive from an earlier model; a quarter of the rest do."""
    if not earlier:
        return None, []
    if kind.library == "peft":
        relation = "adapter"
    elif kind.library == "gguf":
        relation = "quantized"
    elif rng.random() < 0.25:
        relation = rng.choice(("finetune", "finetune", "merge"))
    else:
        return None, []
    pool_size = max(1, len(earlier) // 20) if rng.random() < 0.7 else len(earlier)  # mostly early models
    count = 2 if relation == "merge" and len(earlier) > 1 else 1
    parents = {earlier[rng.randrange(pool_size)]["id"] for _ in range(count)}
    return relation, sorted(parents)


def _add_weights(rng: random.Random, record: dict, kind: Kind) -> None:
    total = rng.randint(*kind.params)
    if kind.library == "gguf":
        record["gguf"] = {"total": total, "architecture": kind.architecture, "context_length": 8192}
    elif kind.library is not None and rng.random() < 0.85:
        dtype = rng.choice(DTYPES)
        record["safetensors"] = {"parameters": {dtype: total}, "total": total}


def _siblings(kind: Kind) -> list[dict]:
    names = [".gitattributes", "README.md"]
    if kind.library == "gguf":
        names.append("model.Q4_K_M.gguf")
    elif kind.library == "peft":
        names += ["adapter_config.json", "adapter_model.safetensors"]
    elif kind.library is not None:
        names += ["config.json", "model.safetensors"]
    return [{"rfilename": name} for name in names]


def _spaces(rng: random.Random, model_id: str, downloads: int) -> list[str] | None:
    """Few or no Spaces for most models; popular ones may pass the 100 that the info body shows."""
    if downloads < 5_000:
        return [] if rng.random() < 0.5 else None
    popular = downloads > 50_000 and rng.random() < 0.3
    count = rng.randint(101, 150) if popular else rng.randint(1, 30)
    name = model_id.split("/")[-1].lower()
    return [f"space-user{rng.randint(0, 9999)}/{name}-demo-{index}" for index in range(count)]


def _model_index(rng: random.Random, model_id: str, kind: Kind) -> list[dict]:
    task = kind.pipeline_tag or "text-classification"
    metric = {
        "type": "accuracy",
        "value": round(rng.uniform(0.5, 0.99), 4),
        "name": "Accuracy",
        "verified": False,
    }
    dataset = {"type": rng.choice(DATASETS), "name": "Synthetic eval", "split": "test"}
    return [
        {
            "name": model_id.split("/")[-1],
            "results": [{"task": {"type": task}, "dataset": dataset, "metrics": [metric]}],
        }
    ]


def _evaluation_section(record: dict) -> str:
    lines = []
    for entry in record.get("model-index") or []:
        for result in entry.get("results", []):
            for metric in result.get("metrics", []):
                lines.append(f"- {result['dataset']['type']}: {metric['type']} = {metric['value']}")
    return "\n## Evaluation\n\n" + ("\n".join(lines) if lines else "No evaluation results reported.") + "\n"


# -- small helpers -------------------------------------------------------------------------------


def _gated(rng: random.Random) -> bool | str:
    draw = rng.random()
    return "manual" if draw < 0.02 else "auto" if draw < 0.06 else False


def _heavy_tail(rng: random.Random, zero_share: float, mu: float, sigma: float) -> int:
    """Most models have almost nothing, a few have a lot (log-normal with a spike at zero)."""
    if rng.random() < zero_share:
        return 0
    return int(rng.lognormvariate(mu, sigma) * 10)


def _created_at(rng: random.Random) -> str:
    if rng.random() < 0.05:
        return LEGACY_CREATED_AT
    return _iso(_EPOCH_START + timedelta(seconds=rng.randint(0, _EPOCH_DAYS * 86_400)))


def _object_id(created_at: str, index: int) -> str:
    """Mongo-style: 4 bytes of creation time, then a counter that keeps ids unique."""
    seconds = int(_parse(created_at).timestamp())
    return f"{seconds:08x}{index:016x}"


def _model_name(rng: random.Random, kind: Kind) -> str:
    size = rng.choice(("small", "base", "large", "1b", "3b", "7b", "8b", "13b", "70b"))
    suffix = rng.choice(("", "-instruct", "-finetuned", "-v2", "-chat", "-lora", "-GGUF", "-uncased"))
    return f"{kind.model_type}-{size}{suffix}"


def _user_name(rng: random.Random, index: int) -> str:
    return f"{rng.choice(_USER_PARTS)}{rng.choice(_USER_PARTS)}{index}"


def _unique_id(model_id: str, used: set[str]) -> str:
    candidate, number = model_id, 1
    while candidate in used:
        number += 1
        candidate = f"{model_id}-{number}"
    used.add(candidate)
    return candidate


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _parse(timestamp: str) -> datetime:
    return datetime.fromisoformat(timestamp)
