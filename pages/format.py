"""Number, date and text formatting shared by every renderer.

One fixed locale (en-US) so that 111143 is always "111,143" and never "1,11,143". Scores are
shown with one decimal; the verdict reads these very strings, so it can never disagree with them.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from urllib.parse import quote, urlsplit

from ingest.model import HUB_SPACES_LIST_LIMIT

MISSING_MARK = "—"

# Whitespace, control characters and quotes never belong in a link we emit.
_UNSAFE_URL_CHARS = re.compile(r"[\s\x00-\x1f\x7f<>\"'`\\]")

# Text that must never reach a reader: a missing value renders as MISSING_MARK plus a reason.
FORBIDDEN_WORDS = ("None", "nan", "NaN", "undefined", "null")


def is_missing(value: object) -> bool:
    """True for None, NaN and the string spellings of "nothing" that upstream code might leak."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() in ("", *FORBIDDEN_WORDS)


def round_score(value: float | None) -> Decimal | None:
    """A score at its shown precision (one decimal, half up, as people round by hand)."""
    if is_missing(value):
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return None


def format_score(value: float | None) -> str:
    """ "63.4" for a 0–100 score; MISSING_MARK when absent."""
    shown = round_score(value)
    return MISSING_MARK if shown is None else f"{shown:.1f}"


def parse_shown_score(text: str) -> Decimal | None:
    """The inverse of format_score: the verdict compares what the reader sees, not the raw floats."""
    if text == MISSING_MARK:
        return None
    return Decimal(text)


def format_int(value: int | None) -> str:
    """en-US grouping: 111143 -> "111,143"."""
    if is_missing(value):
        return MISSING_MARK
    return f"{int(value):,}"


def format_compact(value: int | None) -> str:
    """Compact form for tight spots only ("111K", "2.0M", "7.2B"); always pair it with the exact number.

    Truncated, never rounded up, so a compact figure never overstates: 1,999,999 is "1.9M".
    """
    if is_missing(value):
        return MISSING_MARK
    number = int(value)
    sign, number = ("-" if number < 0 else ""), abs(number)
    for limit, suffix in ((10**12, "T"), (10**9, "B"), (10**6, "M"), (10**3, "K")):
        if number >= limit:
            if suffix == "K" and number >= 10**4:
                return f"{sign}{number // limit:,}K"
            tenths = number // (limit // 10)
            return f"{sign}{tenths // 10:,}.{tenths % 10}{suffix}"
    return f"{sign}{number}"


def spaces_capped(count: int | None) -> bool:
    """True when a Spaces count reached the Hub's list limit: the true number may be higher."""
    return not is_missing(count) and int(count) >= HUB_SPACES_LIST_LIMIT


SPACES_CAP_NOTE = f"the Hub lists at most {HUB_SPACES_LIST_LIMIT} Spaces per model; more may use it"


def format_spaces(count: int | None, *, compact: bool = False) -> str:
    """A Spaces count; at the Hub's list limit it is a floor, "100+", in both forms."""
    if spaces_capped(count):
        return f"{HUB_SPACES_LIST_LIMIT}+"
    return format_compact(count) if compact else format_int(count)


def format_percentile(value: float | None) -> str:
    """A percentile at one decimal, like scores ("90.0"); the label around it says what it is."""
    return format_score(value)


def format_date(timestamp: str | None) -> str:
    """The day part of a stored UTC timestamp ('2024-06-01T00:00:00Z' -> '2024-06-01')."""
    if is_missing(timestamp):
        return MISSING_MARK
    return timestamp[:10]


def outdated_scores_note(model_id: str, fetched_at: str | None, computed_at: str | None) -> str | None:
    """Why a model's scores describe older figures than its table (fetched again after scoring, e.g. by a
    recrawl without `hubcrawl score`), or None. Pages and `hubcrawl explain` say it in these words."""
    if is_missing(fetched_at) or is_missing(computed_at) or fetched_at <= computed_at:
        return None
    return (f"{model_id} was fetched again on {format_date(fetched_at)}, after its scores were computed "
            f"({format_date(computed_at)}): its scores and their breakdown describe the earlier figures. "
            "Run hubcrawl score to bring them up to date.")


def format_decimal(value: float | None, places: int = 4) -> str:
    """Signals in the breakdown (transformed values, weights) at a fixed, readable precision."""
    if is_missing(value):
        return MISSING_MARK
    if isinstance(value, int) and not isinstance(value, bool):
        return format_int(value)
    return f"{float(value):,.{places}f}".rstrip("0").rstrip(".")


def safe_url(url: str | None) -> str | None:
    """The URL when it is a plain http(s) link, else None (javascript:, data:, relative, odd bytes)."""
    if is_missing(url):
        return None
    url = url.strip()
    if _UNSAFE_URL_CHARS.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def url_path(path: str) -> str:
    """A site path or fragment as it goes into a link: a '#', '?', '%' or space in a model id stays
    part of the name (Hub ids never hold them, but ids are text from the network)."""
    return quote(path, safe="/-._~")


def hub_url(model_id: str) -> str:
    return f"https://huggingface.co/{url_path(model_id)}"
