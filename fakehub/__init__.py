"""A faithful local fake of the Hugging Face Hub model API, for tests, benchmarks and the demo.

Usage::

    from fakehub import FakeHub, HubStore

    store = HubStore()
    store.add(record, card=b"---\\nlicense: mit\\n---\\n")
    with FakeHub(store) as hub:
        ...  # point any Hub client at hub.url

See fakehub/README.md for the endpoints and the fault knobs.
"""

from fakehub.server import FakeHub, RequestRecord
from fakehub.store import HubStore

__all__ = ["FakeHub", "HubStore", "RequestRecord"]
