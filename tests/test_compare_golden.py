"""Golden output for one pair in every format. Regenerate after an intended change with
`HUBCRAWL_UPDATE_GOLDEN=1 python -m pytest tests/test_compare_golden.py` and review the diff."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_pages_fixture_db import ALPHA, BRAVO, build_pages_db

from db.connection import connect
from pages.data import load_pair
from pages.page import build_compare_page
from pages.render_html import render_compare_html
from pages.render_json import render_compare_json
from pages.render_md import render_compare_md

GOLDEN_DIR = Path(__file__).parent / "golden"
RENDERERS = {"html": render_compare_html, "md": render_compare_md, "json": render_compare_json}


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_compare_page_matches_golden(db_path, fmt):
    build_pages_db(db_path)
    page = build_compare_page(load_pair(connect(db_path), ALPHA, BRAVO))
    rendered = RENDERERS[fmt](page)
    golden = GOLDEN_DIR / f"{page.pair.slug}.{fmt}"
    if os.environ.get("HUBCRAWL_UPDATE_GOLDEN") == "1":
        golden.write_text(rendered, encoding="utf-8")
    assert golden.is_file(), f"missing {golden}: run with HUBCRAWL_UPDATE_GOLDEN=1"
    assert rendered == golden.read_text(encoding="utf-8")
