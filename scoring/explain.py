"""Render a stored score as text: every signal with its raw value, transform, weight and contribution.

Numbers use one fixed locale (en-US: 111,143); a missing value prints as "—" followed by the reason,
never as None/nan/null.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from ingest.model import HUB_SPACES_LIST_LIMIT
from pages.format import format_score, outdated_scores_note
from scoring.breakdown import load_breakdown

MISSING = "—"
# The Hub lists at most HUB_SPACES_LIST_LIMIT Spaces per model: a count at the limit is a lower bound.
SPACES_SIGNAL = "spaces"
SPACES_CAP_NOTE = (f"{HUB_SPACES_LIST_LIMIT}+: the Hub lists at most {HUB_SPACES_LIST_LIMIT} Spaces "
                   "per model; more may use it")

_SCORE_COLUMNS = ("model_id", "config_version", "computed_at", "overall", "adoption", "quality", "ecosystem",
                  "momentum", "percentile_global", "percentile_task", "breakdown")


def load_score(conn: sqlite3.Connection, model_id: str) -> dict[str, Any] | None:
    """The scores row of a model plus its task, the breakdown expanded into the contract shape (the
    stored row keeps it compact, see scoring/breakdown.py); None when it was not scored."""
    row = conn.execute(
        f"SELECT {', '.join('s.' + c for c in _SCORE_COLUMNS)}, m.pipeline_tag, m.fetched_at "
        "FROM scores s JOIN models m ON m.model_id = s.model_id WHERE s.model_id = ?",
        (model_id,),
    ).fetchone()
    if row is None:
        return None
    record = dict(zip((*_SCORE_COLUMNS, "task", "model_fetched_at"), row, strict=True))
    # Fetched again since scoring (a recrawl without `hubcrawl score`): the breakdown's figures are older.
    record["scores_outdated"] = _outdated(record) is not None
    record["breakdown"] = load_breakdown(conn, model_id)
    return record


def format_number(value: float | int | None, decimals: int = 4) -> str:
    """en-US grouping, trailing zeros trimmed: 111143 -> '111,143', 0.61270 -> '0.6127'; None -> '—'."""
    if value is None or value != value:
        return MISSING
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{decimals}f}".rstrip("0").rstrip(".")


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return lines


def _spaces_capped(signal: dict[str, Any]) -> bool:
    raw = signal["raw"]
    return signal["name"] == SPACES_SIGNAL and raw is not None and raw >= HUB_SPACES_LIST_LIMIT


def _signal_row(signal: dict[str, Any]) -> list[str]:
    raw = format_number(signal["raw"])
    if signal["raw"] is None:
        raw = f"{MISSING} ({signal.get('missing', 'not available')})"
    elif _spaces_capped(signal):
        raw = f"{HUB_SPACES_LIST_LIMIT}+"
    return [
        signal["name"],
        raw,
        format_number(signal["cap"]),
        format_number(signal["transformed"]),
        format_number(signal["weight"]),
        format_number(signal["weight_used"]),
        format_number(signal["contribution"], 2),  # dimension points, two decimals as on the pages
        signal["source"],
        signal["fetched_at"] or MISSING,
    ]


NO_BREAKDOWN = (f"breakdown       {MISSING} (stored breakdown unreadable or its config unknown; "
                "run hubcrawl score to rebuild it)")
DIMENSIONS = ("adoption", "quality", "ecosystem", "momentum")


def render_text(record: dict[str, Any]) -> str:
    breakdown = record["breakdown"]
    if not isinstance(breakdown, dict):  # the pages then show the scores without the detail: so do we
        return _render_scores_only(record)
    overall = breakdown["overall"]
    lines = [
        *_header(record),
        f"config version  {breakdown['config_version']}",
        f"computed_at     {record['computed_at']} (the data's as-of time: latest models.fetched_at)",
        "",
    ]
    dimension_rows = []
    for name, dim in breakdown["dimensions"].items():
        score = (format_score(dim["score"]) if dim["score"] is not None
                 else f"{MISSING} ({dim.get('missing', 'no signals')})")
        used = overall["weights_used"].get(name)
        # dimension weights at three decimals, as the pages' breakdown prints them
        dimension_rows.append([name, score, format_number(overall["weights"][name], 3),
                               format_number(used, 3) if used is not None else f"{MISSING} (dropped)"])
    lines += _table(["dimension", "score", "weight", "weight used"], dimension_rows)
    headers = ["signal", "raw", "cap", "transformed", "weight", "weight used", "contribution", "source",
               "fetched_at"]
    for name, dim in breakdown["dimensions"].items():
        shown = format_score(dim["score"])  # as the pages show it: one decimal, half up
        lines += ["", f"{name}: {shown}"]
        if not dim["signals"]:
            lines.append(f"  {MISSING} {dim.get('missing', 'no signals')}")
            continue
        lines += ["  " + line for line in _table(headers, [_signal_row(s) for s in dim["signals"]])]
    if any(_spaces_capped(s) for dim in breakdown["dimensions"].values() for s in dim["signals"]):
        lines += ["", SPACES_CAP_NOTE]
    return "\n".join(lines) + "\n"


def _header(record: dict[str, Any]) -> list[str]:
    task = record["task"]
    return [
        f"{record['model_id']}",
        f"overall score   {format_score(record['overall'])} / 100",
        f"percentile      {format_score(record['percentile_global'])} among all scored models; "
        + (f"{format_score(record['percentile_task'])} within task {task}" if task
           else f"{MISSING} within task (the model has no pipeline_tag)"),
        "                (percent of models scoring at or below this one)",
        *_outdated_note(record),
    ]


def _outdated(record: dict[str, Any]) -> str | None:
    return outdated_scores_note(record["model_id"], record["model_fetched_at"], record["computed_at"])


def _outdated_note(record: dict[str, Any]) -> list[str]:
    """A recrawl since scoring: the breakdown below describes the figures before it, as pages say."""
    note = _outdated(record)
    return [f"note            {note}"] if note else []


def _render_scores_only(record: dict[str, Any]) -> str:
    lines = [*_header(record), f"computed_at     {record['computed_at']}", ""]
    lines += [f"{name}: {format_score(record[name])}" + ("" if record[name] is not None else " (no score)")
              for name in DIMENSIONS]
    return "\n".join([*lines, "", NO_BREAKDOWN]) + "\n"


def render_json(record: dict[str, Any]) -> str:
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"
