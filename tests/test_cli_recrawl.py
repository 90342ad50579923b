"""`hubcrawl recrawl` with a model id the user mistyped: the message must not claim a change that did not
happen."""

from __future__ import annotations

import pytest

from fakehub import FakeHub
from tests.test_crawl_integration import hubcrawl, make_store, query

pytestmark = pytest.mark.slow


def test_an_id_neither_on_the_hub_nor_in_the_database_is_not_called_removed(db_path):
    store = make_store(5)
    gone, typo = "org2/model-00002", "org2/model-0002"
    with FakeHub(store) as hub:
        assert hubcrawl(hub, "crawl", "--no-cards", "--db", str(db_path)).returncode == 0
        store.remove(gone)
        removed = hubcrawl(hub, "recrawl", gone, "--db", str(db_path))
        mistyped = hubcrawl(hub, "recrawl", typo, "--db", str(db_path))
    assert removed.returncode == 4 and "marked removed" in removed.stderr
    assert mistyped.returncode == 4
    [line] = mistyped.stderr.splitlines()
    assert typo in line and "not in the database either" in line and "marked removed" not in line
    assert query(db_path, "SELECT count(*) FROM models WHERE model_id = ?", typo) == [(0,)]
