"""Load the recorded Hub responses in hub-samples/api (see its SOURCES.md and INDEX.json)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from fakehub.store import HubStore

API_PREFIX = "/api/models/"


def load_api_samples(api_dir: Path) -> list[dict]:
    """The full `GET /api/models/{id}` bodies (no `?expand`), parsed, in file-name order."""
    return [json.loads(path.read_bytes()) for path in full_info_paths(api_dir)]


def full_info_paths(api_dir: Path) -> list[Path]:
    return sorted(path for path in Path(api_dir).glob("model-info__*.json") if "__expand" not in path.name)


def load_aliases(api_dir: Path) -> dict[str, str]:
    """old id -> new id, from the 307 answers recorded in INDEX.json."""
    aliases: dict[str, str] = {}
    for entry in load_index(api_dir):
        if entry.get("status") != 307:
            continue
        old = _model_id_of(urlsplit(entry["request"].split(" ", 1)[-1]).path)
        new = _model_id_of(urlsplit(entry["response_headers"]["Location"]).path)
        if old and new:
            aliases[old] = new
    return aliases


def load_index(api_dir: Path) -> list[dict]:
    return json.loads((Path(api_dir) / "INDEX.json").read_text(encoding="utf-8"))


def recorded_etags(api_dir: Path) -> dict[str, str]:
    """file name -> the ETag the Hub sent with it, for the bodies that had one."""
    return {
        entry["file"]: entry["response_headers"]["ETag"]
        for entry in load_index(api_dir)
        if "ETag" in (entry.get("response_headers") or {})
    }


def load_sample_store(api_dir: Path) -> HubStore:
    """A store holding every full sample body and the recorded aliases (cards unknown: no README)."""
    store = HubStore(load_api_samples(api_dir))
    for old, new in load_aliases(api_dir).items():
        store.add_alias(old, new)
    return store


def _model_id_of(path: str) -> str | None:
    return path.removeprefix(API_PREFIX).strip("/") or None if path.startswith(API_PREFIX) else None
