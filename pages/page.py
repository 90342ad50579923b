"""Pages as data: what each page shows (rows, verdict, caveat, dates), before any output format.

URL scheme (relative to the site root), one canonical URL per model and per pair:
    index.html
    models/<org>--<name>.html            (+ .json, .md)
    compare/<a-slug>-vs-<b-slug>.html    (+ .json, .md), slugs in alphabetical order
"""

from __future__ import annotations

from dataclasses import dataclass

from pages.data import ModelView, PairView, latest
from pages.table import Row, build_rows, score_cells
from pages.verdict import Verdict, compute_verdict


def model_path(slug: str) -> str:
    return f"models/{slug}"


def compare_path(pair_slug: str) -> str:
    return f"compare/{pair_slug}"


@dataclass(frozen=True)
class ComparePage:
    pair: PairView
    rows: list[Row]
    verdict: Verdict
    path: str  # without extension, relative to the site root

    @property
    def title(self) -> str:
        return f"{self.pair.a.model_id} vs {self.pair.b.model_id}"

    @property
    def models(self) -> tuple[ModelView, ModelView]:
        return self.pair.a, self.pair.b


@dataclass(frozen=True)
class ModelPage:
    model: ModelView
    rows: list[Row]
    path: str

    @property
    def title(self) -> str:
        return self.model.model_id

    @property
    def as_of(self) -> str | None:
        return latest(self.model.fetched_at)


def build_compare_page(pair: PairView) -> ComparePage:
    rows = build_rows([pair.a, pair.b])
    overall, dimensions = score_cells(rows)
    verdict = compute_verdict(pair.a.model_id, pair.b.model_id, overall, dimensions)
    return ComparePage(pair, rows, verdict, compare_path(pair.slug))


def build_model_page(model: ModelView) -> ModelPage:
    return ModelPage(model, build_rows([model]), model_path(model.slug))
