"""The verdict: one or two sentences computed from the score cells exactly as the table shows them.

It parses the shown strings ("63.4", "—") rather than reading the stored floats, so it cannot name
a leader the reader cannot see: 63.44 vs 63.41 both show "63.4" and the verdict says "tied".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pages.format import parse_shown_score

LEADS_A, LEADS_B, TIED, MISSING = "a", "b", "tied", "missing"


@dataclass(frozen=True)
class ScoreCells:
    """One score row of the table: its label and the two cell texts as rendered."""

    label: str
    shown_a: str
    shown_b: str


@dataclass(frozen=True)
class Verdict:
    text: str
    outcomes: dict[str, str]  # label -> LEADS_A | LEADS_B | TIED | MISSING


def compare_shown(shown_a: str, shown_b: str) -> str:
    value_a, value_b = parse_shown_score(shown_a), parse_shown_score(shown_b)
    if value_a is None or value_b is None:
        return MISSING
    if value_a == value_b:
        return TIED
    return LEADS_A if value_a > value_b else LEADS_B


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _overall_sentence(name_a: str, name_b: str, row: ScoreCells, outcome: str) -> str:
    if outcome == LEADS_A:
        return f"{name_a} scores higher overall: {row.shown_a} vs {row.shown_b} for {name_b}."
    if outcome == LEADS_B:
        return f"{name_b} scores higher overall: {row.shown_b} vs {row.shown_a} for {name_a}."
    if outcome == TIED:
        return f"{name_a} and {name_b} are tied overall at {row.shown_a}."
    absent = [n for n, shown in ((name_a, row.shown_a), (name_b, row.shown_b)) if _absent(shown)]
    return f"No overall comparison: {_join(absent)} {'has' if len(absent) == 1 else 'have'} no overall score."


def _absent(shown: str) -> bool:
    return parse_shown_score(shown) is None


def _whose_score_is_missing(name_a: str, name_b: str, row: ScoreCells) -> str:
    """The side(s) the table shows "—" for, so the verdict says as much as the table does."""
    absent = [name for name, shown in ((name_a, row.shown_a), (name_b, row.shown_b)) if _absent(shown)]
    return "no score for either" if len(absent) == 2 else f"no score for {absent[0]}"


def _dimension_sentence(
    name_a: str, name_b: str, rows: Sequence[ScoreCells], outcomes: dict[str, str]
) -> str:
    leads_a = [f"{r.label} ({r.shown_a} vs {r.shown_b})" for r in rows if outcomes[r.label] == LEADS_A]
    leads_b = [f"{r.label} ({r.shown_b} vs {r.shown_a})" for r in rows if outcomes[r.label] == LEADS_B]
    tied = [f"{r.label} ({r.shown_a} each)" for r in rows if outcomes[r.label] == TIED]
    missing = [f"{r.label} ({_whose_score_is_missing(name_a, name_b, r)})" for r in rows
               if outcomes[r.label] == MISSING]
    clauses = []
    if leads_a:
        clauses.append(f"{name_a} leads on {_join(leads_a)}")
    if leads_b:
        clauses.append(f"{name_b} leads on {_join(leads_b)}")
    if tied:
        clauses.append(f"tied on {_join(tied)}")
    if missing:
        clauses.append(f"no comparison on {_join(missing)}")
    if not clauses:
        return ""
    sentence = "; ".join(clauses)
    if not (leads_a or leads_b):  # starts with "tied"/"no comparison", never with a model id
        sentence = sentence[0].upper() + sentence[1:]
    return sentence + "."


def compute_verdict(
    name_a: str, name_b: str, overall: ScoreCells, dimensions: Sequence[ScoreCells]
) -> Verdict:
    """Pure: the same shown cells always give the same verdict, and only what they show."""
    outcomes = {overall.label: compare_shown(overall.shown_a, overall.shown_b)}
    for row in dimensions:
        outcomes[row.label] = compare_shown(row.shown_a, row.shown_b)
    sentences = [_overall_sentence(name_a, name_b, overall, outcomes[overall.label])]
    second = _dimension_sentence(name_a, name_b, dimensions, outcomes)
    if second:
        sentences.append(second)
    return Verdict(" ".join(sentences), outcomes)

