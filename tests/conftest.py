"""Shared fixtures. Tests that read ../shared skip when it is absent, unless CI requires it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from crawler.proxies import without_proxies

# Every hub the tests talk to runs on this machine, and the crawl honors *_proxy variables: a proxy set
# for the outside world (on a CI host, say) must not carry the tests' requests, nor their children's.
for _name in set(os.environ) - set(without_proxies(os.environ)):
    del os.environ[_name]

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = Path(os.environ.get("HUBCRAWL_SHARED_DIR", REPO_ROOT.parent / "shared"))
REQUIRE_SHARED = os.environ.get("HUBCRAWL_REQUIRE_SHARED") == "1"


def shared_path(*parts: str) -> Path:
    """Path inside ../shared; skips the test (or fails, when CI requires shared) if it is missing."""
    path = SHARED_DIR.joinpath(*parts)
    if not path.exists():
        if REQUIRE_SHARED:
            pytest.fail(f"HUBCRAWL_REQUIRE_SHARED=1 but {path} is missing")
        pytest.skip(f"{path} not available")
    return path


@pytest.fixture
def api_samples_dir() -> Path:
    return shared_path("hub-samples", "api")


@pytest.fixture
def cards_dir() -> Path:
    return shared_path("hub-samples", "cards")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "hub.db"
