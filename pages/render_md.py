"""Markdown output that reads well in a terminal and on GitHub.

Card-derived text is backslash-escaped (CommonMark treats `\\<` as a literal `<`), so a
`<script>` in a capability description stays text; links are emitted only for http(s) URLs.
"""

from __future__ import annotations

from collections.abc import Sequence

from pages.data import NO_EVAL_DATASET, NO_EVAL_METRIC, Capability, EvalResult, ModelView
from pages.format import format_date, format_decimal, format_score, safe_url
from pages.page import ComparePage, ModelPage
from pages.table import Cell, Row, shown_signal_raw

_ESCAPES = str.maketrans({ch: f"\\{ch}" for ch in "\\`*[]<>|"})


def md_escape(text: str | None) -> str:
    """Inline-safe text: special characters escaped, newlines folded (they would break a table row)."""
    if text is None:
        return "—"
    flat = " ".join(str(text).split())
    return flat.translate(_ESCAPES)


def md_link(text: str, url: str | None) -> str:
    """`[text](url)` for http(s) URLs; the escaped text alone otherwise (the scheme is dropped)."""
    safe = safe_url(url)
    if safe is None:
        return md_escape(text)
    target = safe.replace("(", "%28").replace(")", "%29")
    return f"[{md_escape(text)}]({target})"


def _cell(cell: Cell) -> str:
    text = md_escape(cell.text)
    if cell.missing:
        return f"{text} ({md_escape(cell.title)})"
    if cell.href and not cell.href.startswith("#"):
        text = md_link(cell.text, cell.href)
    return f"{text} ({md_escape(cell.note)})" if cell.note else text


def md_table(header: Sequence[str], rows: Sequence[Row]) -> list[str]:
    lines = ["| " + " | ".join(md_escape(h) for h in header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        lines.append("| " + " | ".join([md_escape(row.label), *(_cell(c) for c in row.cells)]) + " |")
    return lines


def _evidence_line(capability: Capability) -> list[str]:
    lines = []
    for ev in capability.evidence:
        where = ev.field or ev.section
        parts = [md_escape(ev.kind)]
        if where:
            parts.append(f"in {md_escape(where)}")
        if ev.quote:
            parts.append(f"“{md_escape(ev.quote)}”")
        if ev.source_url:
            parts.append(md_link("source", ev.source_url))
        lines.append("  - evidence: " + " ".join(parts))
    return lines


def capabilities_md(model: ModelView) -> list[str]:
    lines = [f"### Capabilities of {md_escape(model.model_id)}", ""]
    if not model.capabilities:
        return [
            *lines,
            f"- no capability recorded ({md_escape(model.capabilities_count.missing or 'none found')})",
            "",
        ]
    for cap in model.capabilities:
        lines.append(
            f"- **{md_escape(cap.name)}** ({md_escape(cap.confidence)} confidence): "
            f"{md_escape(cap.description)}"
        )
        lines += _evidence_line(cap)
    return [*lines, ""]


def _verified(result: EvalResult) -> str:
    if result.verified is None:
        return "verification unknown"
    return "verified by the Hub" if result.verified else "self-reported"


def evals_md(model: ModelView) -> list[str]:
    lines = [f"### Eval results of {md_escape(model.model_id)}", ""]
    if not model.evals:
        return [*lines, "- no eval results reported in the card", ""]
    for result in model.evals:
        value = result.value_text or format_decimal(result.value)
        dataset, metric = result.dataset or NO_EVAL_DATASET, result.metric or NO_EVAL_METRIC
        lines.append(
            f"- {md_escape(dataset)} — {md_escape(metric)}: {md_escape(value)} "
            f"({_verified(result)}; {md_link('source', result.source_url)}, "
            f"fetched {format_date(result.fetched_at)})"
        )
    return [*lines, ""]


def breakdown_md(model: ModelView) -> list[str]:
    lines = [f"### Score breakdown of {md_escape(model.model_id)}", ""]
    if model.breakdown is None:
        return [*lines, f"No breakdown: {md_escape(model.scores['overall'].missing)}.", ""]
    b = model.breakdown
    lines.append(f"Config {md_escape(b.config_version)}, as of {md_escape(b.as_of)}.")
    lines += [
        "",
        "| dimension | signal | raw | transformed | weight used | contribution | source |",
        "|---|---|---|---|---|---|---|",
    ]
    for dim in b.dimensions:
        if not dim.signals:
            reason = md_escape(dim.missing or "no signals")
            lines.append(f"| {dim.name} ({format_score(dim.score)}) | — ({reason}) | | | | | |")
        for s in dim.signals:
            raw = shown_signal_raw(s) if s.missing is None else f"— ({md_escape(s.missing)})"
            lines.append(
                f"| {dim.name} ({format_score(dim.score)}) | {md_escape(s.name)} | {raw} | "
                f"{format_decimal(s.transformed)} | {format_decimal(s.weight_used)} | "
                f"{format_decimal(s.contribution, 2)} | {md_escape(s.source)} |"
            )
    return [*lines, ""]


def _reference(label: str, url: str | None, key: str, definitions: list[str]) -> str:
    """A reference-style link (`[label][key]` + `[key]: url`): long API URLs stay out of the prose."""
    safe = safe_url(url)
    if safe is None:
        return md_escape(label)
    definitions.append(f"[{key}]: {safe}")
    return f"[{md_escape(label)}][{key}]"


def sources_md(models: Sequence[ModelView]) -> list[str]:
    parts, definitions = [], []
    for number, m in enumerate(models, start=1):
        api = _reference("Hub API response", m.facts_source, f"api-{number}", definitions)
        card = (
            f"; {_reference('model card', m.card_url, f'card-{number}', definitions)}" if m.card_url else ""
        )
        parts.append(f"{md_escape(m.model_id)}: {api}, fetched {md_escape(m.fetched_at)}{card}")
    return ["Sources: " + " · ".join(parts) + ".", "", *definitions]


def render_compare_md(page: ComparePage) -> str:
    a, b = page.models
    lines = [f"# {md_escape(a.model_id)} vs {md_escape(b.model_id)}", ""]
    lines.append(
        f"As of {md_escape(page.pair.as_of or 'an unknown date')} (UTC). "
        f"Hub pages: {md_link(a.model_id, a.hub_url)} · {md_link(b.model_id, b.hub_url)}"
    )
    lines.append("")
    if page.pair.caveat:
        lines += [f"> **Caveat:** {md_escape(page.pair.caveat)}", ""]
    for m in page.models:
        if m.removed_at:
            lines += [
                f"> {md_escape(m.model_id)} was removed from the Hub on {format_date(m.removed_at)}; "
                "its figures are the last ones seen.",
                "",
            ]
    lines += [line for m in page.models if m.scores_outdated_note
              for line in (f"> {md_escape(m.scores_outdated_note)}", "")]
    lines += [f"**Verdict:** {md_escape(page.verdict.text)}", ""]
    lines += md_table(["", a.model_id, b.model_id], page.rows)
    lines += ["", "Scores are 0–100 with one decimal; the verdict compares exactly these shown values.", ""]
    lines += [*sources_md(page.models), ""]
    lines += ["## Capabilities", "", *capabilities_md(a), *capabilities_md(b)]
    lines += ["## Eval results", "", *evals_md(a), *evals_md(b)]
    lines += ["## How the scores are computed", "", *breakdown_md(a), *breakdown_md(b)]
    return "\n".join(lines).rstrip() + "\n"


def render_model_md(page: ModelPage) -> str:
    m = page.model
    lines = [f"# {md_escape(m.model_id)}", ""]
    lines.append(
        f"As of {md_escape(page.as_of or 'an unknown date')} (UTC). "
        f"Hub page: {md_link(m.model_id, m.hub_url)}"
    )
    if m.removed_at:
        lines.append(f"Removed from the Hub on {format_date(m.removed_at)}.")
    if m.scores_outdated_note:
        lines.append(md_escape(m.scores_outdated_note))
    lines.append("")
    lines += md_table(["", m.model_id], page.rows)
    lines += ["", *sources_md([m]), ""]
    if m.base_models:
        lines += ["## Base models", ""]
        lines += [f"- {md_escape(parent)} ({md_escape(relation)})" for parent, relation in m.base_models]
        lines.append("")
    lines += capabilities_md(m) + evals_md(m) + breakdown_md(m)
    return "\n".join(lines).rstrip() + "\n"
