"""The data behind FakeHub: HubStore semantics, synthetic models and cards, the demo hub, sample loaders."""

from __future__ import annotations

import json
import random
import re

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from fakehub import HubStore
from fakehub.demo import DEMO_DIR, card_path, load_demo_store
from fakehub.samples import full_info_paths, load_aliases, load_api_samples
from fakehub.store import ListQuery
from fakehub.synthetic import make_card, make_models

HUB_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$")
OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")
FRONT_MATTER = re.compile(r"^\s*---\n[\s\S]*?\n---[ \t]*\n")  # huggingface_hub's rule, LF only


def front_matter(card: bytes) -> dict | None:
    text = card.decode("utf-8")
    if not text.startswith("---\n"):
        return None
    return yaml.safe_load(text[4 : text.index("\n---\n", 4)])


def nulls(value, path="") -> list[str]:
    """Paths of every None inside a record, except the Hub's `model-index: null`."""
    if isinstance(value, dict):
        return [p for k, v in value.items() if k != "model-index" for p in nulls(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in nulls(v, f"{path}[{i}]")]
    return [path] if value is None else []


# -- synthetic ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def synthetic() -> list[dict]:
    return make_models(3000, seed=7)


def test_make_models_is_deterministic_per_seed():
    assert make_models(200, seed=3) == make_models(200, seed=3)
    assert make_models(200, seed=3) != make_models(200, seed=4)


def test_synthetic_ids_timestamps_and_missing_values(synthetic):
    assert len({m["id"] for m in synthetic}) == len(synthetic)
    assert len({m["_id"] for m in synthetic}) == len(synthetic)
    assert all(OBJECT_ID.match(m["_id"]) and m["modelId"] == m["id"] for m in synthetic)
    assert all(
        HUB_TIMESTAMP.match(m["createdAt"]) and HUB_TIMESTAMP.match(m["lastModified"]) for m in synthetic
    )
    assert all(m["lastModified"] >= m["createdAt"] for m in synthetic)
    assert [nulls(m) for m in synthetic if nulls(m)] == []
    assert any("pipeline_tag" not in m for m in synthetic)  # optional keys are sometimes absent
    assert any("cardData" not in m and "model-index" not in m for m in synthetic)


def test_synthetic_variety_covers_what_ingest_must_handle(synthetic):
    licenses = [m.get("cardData", {}).get("license") for m in synthetic]
    assert any(isinstance(value, list) for value in licenses)
    assert any(isinstance(value, str) and value != value.lower() for value in licenses)
    assert any(
        m.get("cardData", {}).get("license_name")
        for m in synthetic
        if m.get("cardData", {}).get("license") == "other"
    )
    assert {m["gated"] for m in synthetic} == {False, "auto", "manual"}
    assert any("safetensors" in m for m in synthetic) and any("gguf" in m for m in synthetic)
    assert any("safetensors" not in m and "gguf" not in m for m in synthetic)
    assert all(
        m["safetensors"]["total"] == sum(m["safetensors"]["parameters"].values())
        for m in synthetic
        if "safetensors" in m
    )
    assert {m.get("library_name") for m in synthetic} >= {
        "transformers",
        "diffusers",
        "gguf",
        "sentence-transformers",
        "peft",
        "timm",
    }
    assert any(len(m.get("spaces", [])) > 100 for m in synthetic)


def test_synthetic_base_model_tags_point_at_generated_models(synthetic):
    ids = {m["id"] for m in synthetic}
    relations = set()
    for model in synthetic:
        for tag in model["tags"]:
            parts = tag.split(":")
            if parts[0] == "base_model":
                assert parts[-1] in ids and parts[-1] != model["id"]
                if len(parts) == 3:
                    relations.add(parts[1])
                    assert f"base_model:{parts[2]}" in model["tags"]
    assert relations == {"finetune", "adapter", "quantized", "merge"}


def test_make_card_front_matter_is_the_record_card_data(synthetic):
    for model in synthetic[:300]:
        card = make_card(model)
        assert front_matter(card) == model.get("cardData")
        assert f"# {model['id'].split('/')[-1]}" in card.decode()


# -- HubStore ---------------------------------------------------------------------------------------


def test_update_none_removes_a_key_and_rename_keeps_object_id():
    store = HubStore(make_models(5, seed=1))
    model_id = store.ids()[0]
    store.update(model_id, likes=None, downloads=42)
    assert "likes" not in store.get(model_id) and store.get(model_id)["downloads"] == 42
    before = store.get(model_id)
    store.rename(model_id, "someone/else")
    after = store.get("someone/else")
    assert (
        after["_id"] == before["_id"] and after["modelId"] == "someone/else" and after["author"] == "someone"
    )
    assert store.alias_target(model_id) == "someone/else"
    assert model_id not in store


def test_store_get_returns_a_copy():
    store = HubStore(make_models(2, seed=1))
    model_id = store.ids()[0]
    store.get(model_id)["tags"].append("mutated")
    assert "mutated" not in store.get(model_id)["tags"]


@pytest.mark.shared
def test_shuffled_keys_are_put_back_in_the_hub_order(api_samples_dir):
    rng = random.Random(0)
    checked = 0
    for path in full_info_paths(api_samples_dir):
        original = json.loads(path.read_bytes())
        keys = list(original)
        if "inference" in keys and keys.index("inference") != len(keys) - 2:
            continue  # `inference` floats in real bodies; only its most common place is reproducible
        checked += 1
        rng.shuffle(keys)
        store = HubStore([{key: original[key] for key in keys}])
        body = store.info_body(original["id"], None, include_private=False)
        assert body == path.read_bytes(), path.name
    assert checked >= 20


@pytest.mark.shared
def test_sample_loaders_match_the_index(api_samples_dir):
    index = json.loads((api_samples_dir / "INDEX.json").read_text())
    full = [
        e
        for e in index
        if e["status"] == 200 and e["file"].startswith("model-info__") and "?" not in e["request"]
    ]
    samples = load_api_samples(api_samples_dir)
    assert sorted(s["id"] for s in samples) == sorted(e["request"].split("/api/models/")[1] for e in full)
    aliases = load_aliases(api_samples_dir)
    assert aliases["bert-base-uncased"] == "google-bert/bert-base-uncased"
    assert aliases["t5-small"] == "google-t5/t5-small"


# -- demo hub ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo() -> HubStore:
    return load_demo_store()


def test_demo_has_the_anchor_models_with_their_facts(demo):
    assert 15 <= len(demo) <= 25
    mask2former = demo.get("facebook/mask2former-swin-large-ade-semantic")
    assert (mask2former["pipeline_tag"], mask2former["library_name"], mask2former["downloads"]) == (
        "image-segmentation", "transformers", 111_143,
    )  # fmt: skip
    sd35 = demo.get("stabilityai/stable-diffusion-3.5-large")
    assert (sd35["pipeline_tag"], sd35["library_name"], sd35["gated"]) == (
        "text-to-image",
        "diffusers",
        "auto",
    )
    assert sd35["cardData"]["license"] == "other"
    assert sd35["cardData"]["license_name"] == "stabilityai-ai-community" and sd35["cardData"]["license_link"]
    assert 8.0e9 <= sd35["safetensors"]["total"] <= 8.2e9
    flux = demo.get("black-forest-labs/FLUX.1-dev")
    assert flux["cardData"]["license_name"] == "flux-1-dev-non-commercial-license" and flux["gated"]
    assert demo.alias_target("bert-base-uncased") == "google-bert/bert-base-uncased"


def test_demo_model_tree_links_resolve_inside_the_demo(demo):
    relations = {}
    for model_id in demo.ids():
        for tag in demo.get(model_id)["tags"]:
            parts = tag.split(":")
            if len(parts) == 3 and parts[0] == "base_model":
                relations.setdefault(parts[1], []).append(parts[2])
    assert {"adapter", "quantized", "merge", "finetune"} <= set(relations)
    assert "black-forest-labs/FLUX.1-dev" in relations["adapter"]
    assert "stabilityai/stable-diffusion-3.5-large" in relations["quantized"]
    assert any(demo.get(m).get("childrenModelCount") for m in demo.ids())
    assert sum(1 for m in demo.ids() if demo.get(m).get("spaces")) >= 5


def test_demo_has_a_verified_eval_result(demo):
    metrics = [
        metric
        for model_id in demo.ids()
        for entry in demo.get(model_id).get("model-index") or []
        for result in entry["results"]
        for metric in result["metrics"]
    ]
    assert any(metric["verified"] for metric in metrics) and any(not metric["verified"] for metric in metrics)


def test_demo_records_look_like_hub_responses_and_cards_agree(demo):
    raw = (DEMO_DIR / "models.json").read_text(encoding="utf-8")
    assert "_demo_note" not in raw
    for model_id in demo.ids():
        record = demo.get(model_id)
        assert nulls(record) == [], model_id
        assert HUB_TIMESTAMP.match(record["createdAt"]) and OBJECT_ID.match(record["_id"])
        card = demo.card(model_id)
        if card is None:
            assert not card_path(model_id).exists()
            continue
        assert front_matter(card) == record.get("cardData"), model_id
        text = card.decode("utf-8")
        assert "## Model description" in text and "## Evaluation" in text


# -- keyset pagination as a property -------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    downloads=st.lists(st.one_of(st.none(), st.integers(0, 5)), min_size=1, max_size=40),
    page_size=st.integers(1, 7),
)
def test_keyset_pages_concatenate_to_the_full_order(downloads, page_size):
    """Heavy ties and missing values: pages still cover every model once, in (-value, _id) order."""
    records = []
    for number, value in enumerate(downloads):
        record = {"_id": f"{(number * 7919) % 1000:024x}", "id": f"org/m{number}"}
        if value is not None:
            record["downloads"] = value
        records.append(record)
    store = HubStore(records)
    served, after = [], None
    while True:
        page = store.list_page(ListQuery(), ("default",), sort="downloads", after=after, limit=page_size)
        served += [json.loads(body)["id"] for body in page.bodies]
        if page.next_after is None:
            break
        after = page.next_after
    expected = sorted(records, key=hub_order_by_downloads)
    assert served == [r["id"] for r in expected]


def hub_order_by_downloads(record: dict) -> tuple:
    """Descending downloads, missing ones last, ties on ascending _id (hf-api.md §1.4)."""
    value = record.get("downloads")
    return (value is None, -(value or 0), record["_id"])


@pytest.mark.shared
def test_demo_cards_do_not_copy_real_card_prose(cards_dir, demo):
    """Facts may be reused, card text may not: no line of a real card body reappears in a demo card."""
    compared = 0
    for model_id in demo.ids():
        real = cards_dir / f"{model_id.replace('/', '--')}.md"
        ours = demo.card(model_id)
        if not real.exists() or ours is None:
            continue
        compared += 1
        real_text = real.read_text(encoding="utf-8").replace("\r\n", "\n")
        body = FRONT_MATTER.sub("", real_text, count=1)  # front matter holds facts, which may be reused
        prose = [line.strip() for line in body.splitlines() if len(line.strip()) >= 40]
        our_text = ours.decode("utf-8")
        assert [line for line in prose if line in our_text] == [], model_id
    assert compared >= 5
