"""The side-by-side table as shown text: one Row per fact, one Cell per model.

Every renderer prints these cells verbatim and the verdict reads them, so the HTML, the Markdown,
the JSON's verdict and the table can only ever say the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pages.data import (
    DERIVATIVES_FLOOR_NOTE,
    DERIVATIVES_FLOOR_SOURCE,
    DIMENSIONS,
    PARAMS_SOURCE_LABELS,
    Fact,
    ModelView,
    Signal,
)
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
    spaces_capped,
    url_path,
)
from pages.verdict import ScoreCells


@dataclass(frozen=True)
class Cell:
    text: str  # exactly what the reader sees
    title: str  # provenance ("models.downloads, fetched 2026-11-01T06:00:00Z") or why it is missing
    href: str | None = None  # only http(s) URLs or in-page anchors
    missing: bool = False
    note: str | None = None  # shown beside the text in every format (e.g. why a count is a floor)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    cells: tuple[Cell, ...]
    is_score: bool = False  # the verdict compares these rows


SCORE_LABELS = {"overall": "overall", **{d: d for d in DIMENSIONS}}


def provenance(fact: Fact) -> str:
    if fact.is_missing:
        return fact.missing or "missing"
    parts = [f"source: {fact.source}"] if fact.source else []
    if fact.fetched_at:
        verb = "computed" if (fact.source or "").startswith("scores") else "fetched"
        parts.append(f"{verb} {fact.fetched_at}")
    return ", ".join(parts) or "source unknown"


def missing_cell(fact: Fact) -> Cell:
    return Cell(MISSING_MARK, fact.missing or "missing", missing=True)


def text_cell(fact: Fact, text: str | None = None, href: str | None = None) -> Cell:
    if fact.is_missing:
        return missing_cell(fact)
    return Cell(text if text is not None else str(fact.value), provenance(fact), href)


def score_cell(model: ModelView, key: str) -> Cell:
    fact = model.scores[key]
    if fact.is_missing:
        return missing_cell(fact)
    return Cell(format_score(fact.value), provenance(fact), f"#breakdown-{url_path(model.slug)}")


def rank_cell(model: ModelView) -> Cell:
    fact = model.rank
    if fact.is_missing:
        return missing_cell(fact)
    task = model.task.value or "no task"
    text = f"#{fact.value.position} of {fact.value.of} in {task}"
    if not model.percentile_task.is_missing:
        text += f", percentile {format_percentile(model.percentile_task.value)}"
    return Cell(text, provenance(fact) + "; equal shown scores share a position")


def int_cell(fact: Fact) -> Cell:
    return text_cell(fact, format_int(fact.value) if not fact.is_missing else None)


def date_cell(fact: Fact) -> Cell:
    if fact.is_missing:
        return missing_cell(fact)
    return Cell(format_date(fact.value), f"{fact.value} ({provenance(fact)})")


def license_cell(model: ModelView) -> Cell:
    fact = model.license
    if fact.is_missing:
        return missing_cell(fact)
    text = str(fact.value)
    if text.casefold() == "other":
        text = f"other: {model.license_name}" if model.license_name else "other (no license name given)"
    return Cell(text, provenance(fact), safe_url(model.license_link))


def params_cell(model: ModelView) -> Cell:
    fact = model.params
    if fact.is_missing:
        return missing_cell(fact)
    if fact.source == PARAMS_SOURCE_LABELS["model_name"]:
        # "llama-7b" means about seven billion: an exact-looking 7,000,000,000 would overstate what we know.
        return Cell(f"about {format_compact(fact.value)} (from {fact.source})", provenance(fact))
    return Cell(f"{format_int(fact.value)} (from {fact.source})", provenance(fact))


def derivatives_cell(model: ModelView) -> Cell:
    fact = model.derivatives
    if fact.is_missing:
        return missing_cell(fact)
    counts = fact.value
    if not counts:
        return Cell("0", provenance(fact))
    text = ", ".join(f"{relation} {format_int(counts[relation])}" for relation in sorted(counts))
    # Shown, not only in the tooltip: beside the Hub's exact counts a floor would read as a smaller number.
    note = DERIVATIVES_FLOOR_NOTE if fact.source == DERIVATIVES_FLOOR_SOURCE else None
    return Cell(text, provenance(fact), note=note)


def spaces_cell(model: ModelView) -> Cell:
    fact = model.spaces
    if fact.is_missing:
        return missing_cell(fact)
    if model.spaces_capped:
        return Cell(format_spaces(fact.value), f"{provenance(fact)}; {SPACES_CAP_NOTE}", note=SPACES_CAP_NOTE)
    return Cell(format_spaces(fact.value), provenance(fact))


def is_capped_spaces_signal(signal: Signal) -> bool:
    """A breakdown signal holding a Spaces count at the Hub's list limit (a floor, not a count)."""
    return signal.source == "models.spaces_count" and spaces_capped(signal.raw)


def shown_signal_raw(signal: Signal) -> str:
    """A breakdown signal's raw value as shown; a capped Spaces count reads "100+"."""
    return format_spaces(signal.raw) if is_capped_spaces_signal(signal) else format_decimal(signal.raw)


def build_rows(models: Sequence[ModelView]) -> list[Row]:
    """The table rows in display order, one cell per model."""

    def row(key: str, label: str, make, *, is_score: bool = False) -> Row:
        return Row(key, label, tuple(make(m) for m in models), is_score)

    rows = [
        row("task", "Task", lambda m: text_cell(m.task)),
        row("library", "Library", lambda m: text_cell(m.library)),
        row("overall", "Overall score (0–100)", lambda m: score_cell(m, "overall"), is_score=True),
        row("rank", "Rank in task", rank_cell),
    ]
    rows += [
        row(d, f"{d.capitalize()} (0–100)", lambda m, d=d: score_cell(m, d), is_score=True)
        for d in DIMENSIONS
    ]
    rows += [
        row("downloads_30d", "Downloads (last 30 days)", lambda m: int_cell(m.downloads_30d)),
        row("downloads_all_time", "Downloads (all time)", lambda m: int_cell(m.downloads_all_time)),
        row("likes", "Likes", lambda m: int_cell(m.likes)),
        row("license", "License", license_cell),
        row("params", "Parameters", params_cell),
        row("created_at", "Created", lambda m: date_cell(m.created_at)),
        row("last_modified", "Last updated", lambda m: date_cell(m.last_modified)),
        row("derivatives", "Derivatives by relation", derivatives_cell),
        row("spaces", "Spaces using it", spaces_cell),
        row("capabilities", "Capabilities", lambda m: int_cell(m.capabilities_count)),
    ]
    return rows


def score_cells(rows: Sequence[Row]) -> tuple[ScoreCells, list[ScoreCells]]:
    """The verdict's input, taken from the built rows: (overall, [dimensions])."""
    scored = [ScoreCells(SCORE_LABELS[r.key], r.cells[0].text, r.cells[1].text) for r in rows if r.is_score]
    return scored[0], scored[1:]
