"""The one place that reads the wall clock, so that everything else can take time as an argument."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def utc_now_iso() -> str:
    """Current UTC time as `YYYY-MM-DDTHH:MM:SSZ` (seconds precision, the format stored everywhere)."""
    return utc_now().strftime("%Y-%m-%dT%H:%M:%SZ")
