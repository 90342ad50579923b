"""Hub timestamps → the one stored format, UTC `YYYY-MM-DDTHH:MM:SSZ`.

The Hub serves `2024-02-19T11:06:12.000Z`. We also accept other ISO-8601 spellings with an
offset (converted to UTC) or without one (taken as UTC: the Hub has only ever served UTC).
A date without a time, a non-string, or an impossible date gives `None`, never a guess.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

# What the Hub sends: checked with one regex and one C-level parse (this runs per list item).
_HUB_FORMAT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?Z")
_TIME_SEPARATORS = frozenset("T t")


def parse_timestamp(value: object) -> str | None:
    """`value` as UTC `YYYY-MM-DDTHH:MM:SSZ` (fractions of a second dropped), or None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _HUB_FORMAT.fullmatch(text):
        return text[:19] + "Z" if _is_valid(text) else None
    return _parse_other_iso(text)


def _is_valid(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _parse_other_iso(text: str) -> str | None:
    # Require a time part: a bare date would silently become midnight.
    if len(text) < 16 or text[10] not in _TIME_SEPARATORS:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        parsed = parsed.astimezone(UTC)
    except OverflowError:  # an offset that pushes year 1 or 9999 out of range
        return None
    # Years before 1000 are impossible on the Hub, and strftime would not pad them to 4 digits.
    return parsed.strftime("%Y-%m-%dT%H:%M:%SZ") if parsed.year >= 1000 else None
