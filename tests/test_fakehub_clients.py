"""Real clients against FakeHub: huggingface_hub (when installed) and the `python -m fakehub` command."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from fakehub import FakeHub
from fakehub.demo import load_demo_store

REPO_ROOT = Path(__file__).resolve().parent.parent


def test_huggingface_hub_lists_reads_info_and_downloads_cards(tmp_path: Path):
    huggingface_hub = pytest.importorskip("huggingface_hub")
    store = load_demo_store()
    with FakeHub(store) as hub:
        api = huggingface_hub.HfApi(endpoint=hub.url)
        listed = list(api.list_models(expand=["downloads", "cardData"]))
        assert sorted(m.id for m in listed) == sorted(store.ids())
        by_downloads = list(api.list_models(filter="text-to-image", sort="downloads", limit=2))
        text_to_image = [store.get(i) for i in store.ids() if "text-to-image" in store.get(i)["tags"]]
        expected = sorted(text_to_image, key=lambda r: (-r["downloads"], r["_id"]))[:2]
        assert [m.id for m in by_downloads] == [r["id"] for r in expected]
        info = api.model_info("bert-base-uncased")  # follows the 307
        assert info.id == "google-bert/bert-base-uncased"
        assert info.sha == store.get("google-bert/bert-base-uncased")["sha"]
        path = huggingface_hub.hf_hub_download(
            "black-forest-labs/FLUX.1-dev", "README.md", cache_dir=tmp_path, endpoint=hub.url
        )
        assert Path(path).read_bytes() == store.card("black-forest-labs/FLUX.1-dev")
        with pytest.raises(huggingface_hub.errors.EntryNotFoundError):
            huggingface_hub.hf_hub_download(
                "dbmdz/bert-large-cased-finetuned-conll03-english",
                "README.md",
                cache_dir=tmp_path,
                endpoint=hub.url,
            )


def test_python_m_fakehub_serves_the_demo_hub():
    process = subprocess.Popen(
        [sys.executable, "-m", "fakehub", "--demo", "--port", "0"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        match = re.match(r"fake hub serving (\d+) models at (http://\S+)", line)
        assert match, line
        assert int(match.group(1)) == len(load_demo_store())
        models = httpx.get(f"{match.group(2)}/api/models").json()
        assert len(models) == int(match.group(1))
    finally:
        process.terminate()
        process.wait(timeout=10)
