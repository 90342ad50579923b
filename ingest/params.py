"""Parameter counts and other counters from API bodies.

The parameter count comes from `safetensors.total` (the sum over dtypes the Hub computes from the
weight headers) or, for GGUF repos, `gguf.total`. Zero, negative, boolean or non-integral values
are not counts: they give None rather than a number someone would rank by.
"""

from __future__ import annotations

import math

_SQLITE_INT_LIMIT = 2**63

# Checked in order: safetensors weights are the more common and the more exact source.
_PARAM_SOURCES = (("safetensors", "safetensors.total"), ("gguf", "gguf.total"))


def parse_params(raw: dict) -> tuple[int | None, str | None]:
    """(parameter count, source) from an API body, or (None, None)."""
    for key, source in _PARAM_SOURCES:
        block = raw.get(key)
        if isinstance(block, dict):
            total = positive_int(block.get("total"))
            if total is not None:
                return total, source
    return None, None


def positive_int(value: object) -> int | None:
    """A strictly positive integer, else None (bool is an int in Python but never a count)."""
    number = _as_int(value)
    return number if number is not None and number > 0 else None


def count(value: object) -> int | None:
    """A non-negative integer counter (downloads, likes), else None; 0 is a real count."""
    number = _as_int(value)
    return number if number is not None and number >= 0 else None


def score(value: object) -> float | None:
    """`trendingScore` is served as an int today and typed as a number: store a float."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        result = float(value)
    except OverflowError:  # an int beyond float range
        return None
    return result if math.isfinite(result) else None  # NaN and infinities are not scores


def _as_int(value: object) -> int | None:
    """An int that SQLite can store (64-bit), else None."""
    if type(value) is int:  # the common case first; `type(...) is` also rules out bool
        number = value
    elif isinstance(value, bool):
        return None
    elif isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        number = int(value)
    else:
        return None
    return number if -_SQLITE_INT_LIMIT <= number < _SQLITE_INT_LIMIT else None
