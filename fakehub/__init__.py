"""A faithful local fake of the Hugging Face Hub model API, for tests, benchmarks and the demo.

Usage::

    from fakehub import FakeHub, HubStore

    store = HubStore()
    store.add(record, card=b"---\\nlicense: mit\\n---\\n")
    with FakeHub(store) as hub:
        ...  # point any Hub client at hub.url

See fakehub/README.md for the endpoints and the fault knobs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fakehub.server import FakeHub, RequestRecord
    from fakehub.store import HubStore

__all__ = ["FakeHub", "HubStore", "RequestRecord"]
_HOMES = {"FakeHub": "fakehub.server", "RequestRecord": "fakehub.server", "HubStore": "fakehub.store"}


def __getattr__(name: str) -> Any:
    """Imported on first use: `hubcrawl crawl` lists the fakehub command but never starts a server."""
    if name not in _HOMES:
        raise AttributeError(f"module 'fakehub' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_HOMES[name]), name)
