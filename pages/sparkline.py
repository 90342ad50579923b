"""A tiny inline SVG of downloads history: no JavaScript, no external assets, numbers only."""

from __future__ import annotations

from collections.abc import Sequence

from pages.format import format_date, format_int


def sparkline_svg(history: Sequence[tuple[str, int]], width: int = 120, height: int = 28) -> str | None:
    """An SVG polyline of (taken_at, downloads) points, oldest first; None below two points.

    Built only from numbers and dates we format ourselves, so it needs no escaping.
    """
    points = [(taken_at, int(value)) for taken_at, value in history if value is not None]
    if len(points) < 2:
        return None
    values = [v for _, v in points]
    low, high = min(values), max(values)
    span = (high - low) or 1  # a flat history draws a flat line in the middle
    pad = 2
    step = (width - 2 * pad) / (len(points) - 1)
    coords = []
    for index, value in enumerate(values):
        x = pad + index * step
        y = height / 2 if high == low else pad + (height - 2 * pad) * (1 - (value - low) / span)
        coords.append(f"{x:.1f},{y:.1f}")
    first, last = points[0], points[-1]
    label = (
        f"Downloads (last 30 days) in {len(points)} snapshots: {format_int(first[1])} on "
        f"{format_date(first[0])}, {format_int(last[1])} on {format_date(last[0])}"
    )
    return (
        f'<svg class="spark" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{label}</title>'
        f'<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="{" ".join(coords)}"/></svg>'
    )
