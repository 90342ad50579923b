"""The static site: an index of models by task, a page per model, and comparison pages.

Suggested pairs are neighbours in overall rank within one task; cross-task pairs are built only
when asked for, and then carry the caveat. Every page is rendered from `load_model`/`load_pair`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pages.data import (
    NO_TASK_LABEL,
    ModelView,
    RankTable,
    latest,
    load_model,
    load_pair,
    load_rank_table,
    pair_key,
    read_snapshot,
    scored_live_models,
    shown_scores_by_task,
)
from pages.format import MISSING_MARK, round_score, url_path
from pages.page import ComparePage, build_compare_page, build_model_page
from pages.render_html import render_compare_html, render_index_html, render_model_html
from pages.render_json import model_json, render_compare_json, render_index_json, render_model_json
from pages.render_md import render_compare_md, render_model_md


@dataclass
class SiteReport:
    models: int = 0
    comparisons: int = 0
    files: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)


def suggested_pairs(conn: sqlite3.Connection, per_model: int) -> list[tuple[str, str]]:
    """For each scored live model, its `per_model` nearest neighbours by shown overall score in its task."""
    # No declared task: no basis for a suggested pair.
    rows = scored_live_models(conn, declared_task_only=True)
    pairs: set[tuple[str, str]] = set()
    for members in shown_scores_by_task(rows).values():
        ordered = [m for m, _ in sorted(members, key=lambda ms: (-ms[1], ms[0]))]
        for index, model_id in enumerate(ordered):
            for other in _nearest(ordered, index, per_model):
                pairs.add(pair_key(model_id, other))
    return sorted(pairs)


def _nearest(ordered: list[str], index: int, count: int) -> list[str]:
    """Up to `count` neighbours of ordered[index], closest first, higher-ranked first on a tie."""
    found: list[str] = []
    for distance in range(1, len(ordered)):
        for position in (index - distance, index + distance):
            if 0 <= position < len(ordered) and len(found) < count:
                found.append(ordered[position])
        if len(found) >= count:
            break
    return found


def _write(out: Path, relative: str, text: str, report: SiteReport) -> None:
    """Write via a temporary file and rename, so a server never sends a half-written page."""
    path = out / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
    report.files.append(path)


PAGE_DIRS = ("models", "compare")
PAGE_SUFFIXES = (".html", ".md", ".json")


def _prune_stale(out: Path, report: SiteReport) -> list[Path]:
    """Delete pages an earlier build wrote that this one did not (a pair no longer suggested), so the
    site never serves an old page that disagrees with the new ones. Only our own page files are touched."""
    written = set(report.files)
    stale = [
        path
        for folder in PAGE_DIRS
        if (out / folder).is_dir()
        for path in (out / folder).iterdir()
        if path.suffix in PAGE_SUFFIXES and path not in written
    ]
    for path in stale:
        path.unlink()
    return stale


def index_entry(model: ModelView) -> dict[str, Any]:
    """One index row, taken from the same view as the model page; `missing` says why a value is null."""
    rank = model.rank
    facts = {
        "rank": rank,
        "overall": model.scores["overall"],
        "percentile": model.percentile_task,
        "downloads_30d": model.downloads_30d,
        "likes": model.likes,
    }
    return {
        "model_id": model.model_id,
        "slug": model.slug,
        "task": model.task.value,
        "rank": None if rank.is_missing else rank.value.position,
        "rank_of": None if rank.is_missing else rank.value.of,
        "rank_text": MISSING_MARK if rank.is_missing else f"#{rank.value.position}",
        "overall": None
        if model.scores["overall"].is_missing
        else float(round_score(model.scores["overall"].value)),
        "missing": {key: fact.missing for key, fact in facts.items() if fact.is_missing},
        "percentile": None
        if model.percentile_task.is_missing
        else float(round_score(model.percentile_task.value)),
        "downloads_30d": model.downloads_30d.value,
        "likes": model.likes.value,
    }


def _group_by_task(entries: Iterable[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        groups.setdefault(entry["task"] or NO_TASK_LABEL, []).append(entry)
    for members in groups.values():
        members.sort(key=lambda e: (e["rank"] is None, e["rank"] or 0, e["model_id"].casefold()))
    return sorted(groups.items(), key=lambda kv: (kv[0] == NO_TASK_LABEL, kv[0]))


def _build_models(
    conn: sqlite3.Connection,
    out: Path,
    ranks: RankTable,
    pair_links: dict[str, list[tuple[str, str, str | None]]],
    base_url: str,
    report: SiteReport,
) -> list[dict[str, Any]]:
    entries = []
    model_ids = [r[0] for r in conn.execute("SELECT model_id FROM models ORDER BY model_id")]
    for model_id in model_ids:
        page = build_model_page(load_model(conn, model_id, ranks=ranks))
        links = [(f"../{href}", label, note) for href, label, note in pair_links.get(model_id, [])]
        _write(
            out,
            f"{page.path}.html",
            render_model_html(page, root="../", base_url=base_url, pairs=links),
            report,
        )
        _write(out, f"{page.path}.md", render_model_md(page), report)
        _write(out, f"{page.path}.json", render_model_json(page, pretty=False), report)
        entry = index_entry(page.model)
        entry["as_of"] = page.as_of
        entries.append(entry)
        report.models += 1
    return entries


def _build_comparisons(
    conn: sqlite3.Connection,
    out: Path,
    pairs: list[tuple[str, str]],
    ranks: RankTable,
    base_url: str,
    report: SiteReport,
) -> tuple[dict[str, list[tuple[str, str, str | None]]], list[tuple[str, str, str | None]]]:
    """Write every comparison; return each model's (href, title, note) links and the index's list."""
    pair_links: dict[str, list[tuple[str, str, str | None]]] = {}
    index_pairs = []
    for a, b in pairs:
        page = build_compare_page(load_pair(conn, a, b, ranks=ranks))
        _write(out, f"{page.path}.html", render_compare_html(page, root="../", base_url=base_url), report)
        _write(out, f"{page.path}.md", render_compare_md(page), report)
        _write(out, f"{page.path}.json", render_compare_json(page, pretty=False), report)
        link = (f"{url_path(page.path)}.html", page.title, _pair_note(page))
        for model_id in (a, b):
            pair_links.setdefault(model_id, []).append(link)
        index_pairs.append(link)
        report.comparisons += 1
    return pair_links, index_pairs


def _pair_note(page: ComparePage) -> str | None:
    """The short form of the pair's caveat beside its links (index, model pages); it claims no more."""
    if page.pair.same_task:
        return None
    if any(m.task.is_missing for m in page.models):
        return "no task declared"
    return "different tasks"


def build_site(
    conn: sqlite3.Connection,
    out: Path,
    *,
    pairs_per_model: int = 2,
    extra_pairs: Iterable[tuple[str, str]] = (),
    base_url: str = "",
) -> SiteReport:
    """Write the whole site under `out` from one read snapshot of the database.

    `extra_pairs` are stored model ids, built even when their tasks differ (with the caveat).
    """
    report = SiteReport()
    with read_snapshot(conn):
        ranks = load_rank_table(conn)
        suggested = set(suggested_pairs(conn, pairs_per_model))
        pairs = sorted(suggested | {pair_key(a, b) for a, b in extra_pairs if a != b})
        pair_links, index_pairs = _build_comparisons(conn, out, pairs, ranks, base_url, report)
        entries = _build_models(conn, out, ranks, pair_links, base_url, report)
    as_of = latest(*(e.pop("as_of") for e in entries))
    index_html = render_index_html(_group_by_task(entries), index_pairs, as_of=as_of, base_url=base_url)
    _write(out, "index.html", index_html, report)
    _write(out, "index.json", render_index_json(entries, as_of, pretty=False), report)
    report.removed = _prune_stale(out, report)
    return report


__all__ = ["SiteReport", "build_site", "index_entry", "model_json", "suggested_pairs"]
