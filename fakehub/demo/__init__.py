"""The bundled demo hub: a few real-looking models that the README's quick start crawls.

`models.json` holds `{"models": [<model-info records>], "aliases": {old: new}, "no_readme": [ids]}`;
`cards/<org>--<name>.md` holds each README. See README.md here for where the facts come from.
"""

from __future__ import annotations

import json
from pathlib import Path

from fakehub.store import HubStore

DEMO_DIR = Path(__file__).resolve().parent


def card_path(model_id: str) -> Path:
    return DEMO_DIR / "cards" / f"{model_id.replace('/', '--')}.md"


def load_demo_store() -> HubStore:
    """A fresh HubStore with every demo model, its card (bytes as stored) and the demo aliases."""
    data = json.loads((DEMO_DIR / "models.json").read_text(encoding="utf-8"))
    without_readme = set(data.get("no_readme", []))
    store = HubStore()
    for record in data["models"]:
        path = card_path(record["id"])
        card = None if record["id"] in without_readme or not path.exists() else path.read_bytes()
        store.add(record, card)
    for old_id, new_id in data.get("aliases", {}).items():
        store.add_alias(old_id, new_id)
    return store
