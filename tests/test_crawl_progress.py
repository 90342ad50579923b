"""The live progress line."""

from __future__ import annotations

from crawler.extensions.progress import progress_line


def test_rate_is_models_over_elapsed_seconds():
    assert progress_line(pages=3, models=2500, errors=0, elapsed=2.0) == (
        "3 pages, 2,500 models, 1,250 models/s, 0 errors")


def test_no_division_by_zero_at_the_start():
    assert "0 models/s" in progress_line(pages=0, models=0, errors=0, elapsed=0.0)
