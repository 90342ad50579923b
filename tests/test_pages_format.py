"""Formatting rules: en-US grouping, compact form, shown precision, safe links."""

from __future__ import annotations

import pytest

from pages.format import (
    MISSING_MARK,
    format_compact,
    format_date,
    format_int,
    format_score,
    is_missing,
    safe_url,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(111143, "111,143"), (2022003, "2,022,003"), (999, "999"), (0, "0"), (1234567890, "1,234,567,890")],
)
def test_integers_use_en_us_grouping_in_threes(value, expected):
    # The seed site printed 111143 as "1,11,143" (en-IN); we group every three digits.
    assert format_int(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (111143, "111K"),
        (98_765, "98K"),
        (2_000_000, "2.0M"),
        (1_999_999, "1.9M"),
        (7_241_732_096, "7.2B"),
        (1_500, "1.5K"),
        (999, "999"),
    ],
)
def test_compact_form_truncates_and_never_overstates(value, expected):
    assert format_compact(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(63.44, "63.4"), (63.45, "63.5"), (0.05, "0.1"), (100, "100.0")]
)
def test_scores_round_half_up_to_one_decimal(value, expected):
    assert format_score(value) == expected


@pytest.mark.parametrize("value", [None, float("nan"), "None", "nan", "undefined", "null", ""])
def test_missing_values_render_as_the_missing_mark(value):
    assert is_missing(value)
    assert format_int(value) == MISSING_MARK
    assert format_score(value) == MISSING_MARK
    assert format_compact(value) == MISSING_MARK
    assert format_date(value) == MISSING_MARK


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<b>x</b>",
        "/relative/path",
        "http://",
        "https://example.org/a b",
        'https://example.org/"onmouseover="x',
        "vbscript:msgbox(1)",
        None,
    ],
)
def test_only_plain_http_links_are_kept(url):
    assert safe_url(url) is None


def test_http_and_https_links_pass_through():
    assert safe_url("https://huggingface.co/org/name") == "https://huggingface.co/org/name"
    assert safe_url("http://example.org/x?y=1") == "http://example.org/x?y=1"
