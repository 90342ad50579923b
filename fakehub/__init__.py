"""A faithful local fake of the Hugging Face Hub model API, for tests, benchmarks and the demo.

from fakehub import HubStore, FakeHub
store = HubStore()
store.add(record, card=b"---\\nlicense: mit\\n---\\n")
with FakeHub(store) as hub:
    ...  # point any Hub client at hub.url
"""

from fakehub.server import FakeHub, RequestRecord
from fakehub.store import HubStore

__all__ = ["FakeHub", "HubStore", "RequestRecord"]
