"""HTML output: Jinja2 templates with autoescape on, inline CSS, no JavaScript, no external assets.

`root` is the relative path from the page to the site root ("../" for models/ and compare/ pages),
or None for a standalone page (`hubcrawl compare --format html`), which then links only to the Hub.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from pages.data import NO_EVAL_DATASET, NO_EVAL_METRIC
from pages.format import (
    MISSING_MARK,
    SPACES_CAP_NOTE,
    format_compact,
    format_date,
    format_decimal,
    format_int,
    format_percentile,
    format_score,
    format_spaces,
    safe_url,
    url_path,
)
from pages.page import ComparePage, ModelPage
from pages.sparkline import sparkline_svg
from pages.table import is_capped_spaces_signal

TEMPLATES_DIR = Path(__file__).parent / "templates"


def _raw(value: Any) -> str:
    """A signal's raw value: numbers grouped, text as is (escaped by the template)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return format_decimal(value)
    return MISSING_MARK if value is None else str(value)


def _signal_raw(signal: Any) -> str:
    """Like `raw`, with a capped Spaces count shown as the floor it is."""
    return format_spaces(signal.raw) if is_capped_spaces_signal(signal) else _raw(signal.raw)


def _sparkline(history: list[tuple[str, int]]) -> Markup | None:
    svg = sparkline_svg(history)
    # Safe to mark: built from our own formatted numbers and dates only.
    return None if svg is None else Markup(svg)  # noqa: S704


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"], default_for_string=True, default=True),
        undefined=StrictUndefined,  # a missing variable fails the build instead of printing nothing
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        score=format_score,
        int=format_int,
        compact=format_compact,
        date=format_date,
        decimal=format_decimal,
        percentile=format_percentile,
        raw=_raw,
        signal_raw=_signal_raw,
        safe_url=safe_url,
        url_path=url_path,
        sparkline=_sparkline,
    )
    env.globals["MISSING"] = MISSING_MARK
    env.globals["SPACES_CAP_NOTE"] = SPACES_CAP_NOTE
    env.globals["NO_EVAL_DATASET"] = NO_EVAL_DATASET
    env.globals["NO_EVAL_METRIC"] = NO_EVAL_METRIC
    return env


def canonical_url(base_url: str, path: str) -> str:
    return f"{base_url.rstrip('/')}/{url_path(path)}.html"


def render_compare_html(page: ComparePage, *, root: str | None = None, base_url: str = "") -> str:
    return (
        environment()
        .get_template("compare.html")
        .render(page=page, root=root, canonical=canonical_url(base_url, page.path), as_of=page.pair.as_of)
    )


def render_model_html(
    page: ModelPage,
    *,
    root: str | None = None,
    base_url: str = "",
    pairs: list[tuple[str, str, str | None]] | None = None,
) -> str:
    return (
        environment()
        .get_template("model.html")
        .render(
            page=page,
            root=root,
            canonical=canonical_url(base_url, page.path),
            as_of=page.as_of,
            pairs=pairs or [],
        )
    )


def render_index_html(
    groups: list[tuple[str, list[dict[str, Any]]]],
    pairs: list[tuple[str, str, str]],
    *,
    as_of: str | None,
    base_url: str = "",
) -> str:
    return (
        environment()
        .get_template("index.html")
        .render(groups=groups, pairs=pairs, root="", canonical=canonical_url(base_url, "index"), as_of=as_of)
    )
