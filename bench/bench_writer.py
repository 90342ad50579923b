"""Benchmark: normalize + write_page for a 100k-model listing crawl, beside a sqlite-utils baseline.

    python bench/bench_writer.py                 # 100 pages x 1000 models (a few minutes)
    python bench/bench_writer.py --models 20000  # quicker

Both wall and CPU seconds are printed: wall time is what a user waits (the baseline's rollback
journal waits on fsync), CPU time is the figure that stays steady when other jobs share the machine.

Every figure is measured in the same run on the same list items:

- hubcrawl first crawl: `normalize_page` + `Writer.write_page` into an empty database (archive,
  models, tags, edges, snapshots), pages committed in groups as the crawl pipeline does, and the
  end-of-run index build (`close`) timed too;
- hubcrawl re-crawl: the same pages again, unchanged, an hour later (the common daily case);
- baseline: the "naive script" most people write: `huggingface_hub.ModelInfo(**item)` per item,
  flattened to a dict, `sqlite-utils` `insert_all(..., pk="id", replace=True)` per 1000;
- baseline (sqlite-utils only): the same flattened dicts, without the ModelInfo parsing.

The list items are the bodies the crawler asks for (`expand[]` = the listing spider's fields),
built from `fakehub.synthetic.make_models`. Building them is not timed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from db.writer import Writer
from fakehub.synthetic import make_models
from fakehub.views import dumps, expanded_view
from ingest.listing import normalize_page

# The listing spider's expand[] fields (crawler/spiders/hub_models.py), copied so the bench does not
# import scrapy.
LISTING_EXPAND = (
    "author", "sha", "createdAt", "lastModified", "downloads", "downloadsAllTime", "likes",
    "trendingScore", "tags", "pipeline_tag", "library_name", "gated", "private", "disabled",
    "cardData", "safetensors", "gguf", "inference",
)
URL = "http://127.0.0.1:8000/api/models?sort=trendingScore&limit=1000"
FIRST_CRAWL_AT = "2026-11-01T06:00:00Z"
RECRAWL_AT = "2026-11-01T07:00:00Z"

Pages = list[tuple[list[dict], bytes]]  # (list items, the response body they were decoded from)


def build_pages(n_models: int, page_size: int) -> Pages:
    items = [expanded_view(record, LISTING_EXPAND, listing=True) for record in make_models(n_models, seed=1)]
    pages = [items[start : start + page_size] for start in range(0, len(items), page_size)]
    return [(page, dumps(page)) for page in pages]


class Timer:
    """Wall and CPU seconds of a block. CPU time is the steadier figure on a shared machine: other
    processes stretch wall time, not this process's CPU time (SQLite runs in-process)."""

    def __enter__(self) -> Timer:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu


def hubcrawl_crawl(db_path: Path, pages: Pages, fetched_at: str, run_id: int) -> Timer:
    from crawler.pipelines.sqlite_writer import WRITE_GROUP_PAGES, WRITE_GROUP_SECONDS

    writer = Writer(db_path, group_pages=WRITE_GROUP_PAGES, group_seconds=WRITE_GROUP_SECONDS)
    with Timer() as timer:
        try:
            for items, body in pages:
                facts, _ = normalize_page(items, source_url=URL, fetched_at=fetched_at)
                writer.write_page(run_id, url=URL, status=200, kind="listing", fetched_at=fetched_at,
                                  body=body, facts=facts)
        finally:
            writer.close()  # commits the last group and builds what a first crawl left unindexed
    return timer


def flatten_raw(item: dict) -> dict:
    """The columns a quick script keeps, straight from the JSON."""
    card = item.get("cardData") or {}
    return {
        "id": item["id"], "author": item.get("author"), "sha": item.get("sha"),
        "pipeline_tag": item.get("pipeline_tag"), "library_name": item.get("library_name"),
        "license": card.get("license") if isinstance(card.get("license"), str) else None,
        "downloads": item.get("downloads"), "likes": item.get("likes"),
        "trending_score": item.get("trendingScore"), "created_at": item.get("createdAt"),
        "last_modified": item.get("lastModified"), "gated": str(item.get("gated")),
        "params": (item.get("safetensors") or {}).get("total"), "tags": json.dumps(item.get("tags", [])),
    }


def flatten_model_info(item: dict) -> dict:
    """The same columns through huggingface_hub's ModelInfo, as a script using the client would."""
    from huggingface_hub.hf_api import ModelInfo

    info = ModelInfo(**item)
    card = info.card_data.to_dict() if info.card_data else {}
    license_ = card.get("license")
    return {
        "id": info.id, "author": info.author, "sha": info.sha, "pipeline_tag": info.pipeline_tag,
        "library_name": info.library_name, "license": license_ if isinstance(license_, str) else None,
        "downloads": info.downloads, "likes": info.likes, "trending_score": info.trending_score,
        "created_at": info.created_at.isoformat() if info.created_at else None,
        "last_modified": info.last_modified.isoformat() if info.last_modified else None,
        "gated": str(info.gated), "params": info.safetensors.total if info.safetensors else None,
        "tags": json.dumps(info.tags or []),
    }


def baseline_crawl(db_path: Path, pages: Pages, flatten: Callable[[dict], dict]) -> Timer:
    from sqlite_utils import Database

    db = Database(db_path)
    try:
        with Timer() as timer:
            for items, _ in pages:
                flat = (flatten(item) for item in items)
                db["models"].insert_all(flat, pk="id", replace=True, batch_size=1000)
        return timer
    finally:
        db.close()


def row(label: str, timer: Timer, n_models: int, baseline: Timer) -> str:
    rates = f"{n_models / timer.wall:9,.0f} {n_models / timer.cpu:9,.0f}"
    speedups = f"x{baseline.wall / timer.wall:5.2f}   x{baseline.cpu / timer.cpu:5.2f}"
    return f"{label:<46} {timer.wall:7.2f} {timer.cpu:7.2f} {rates}   {speedups}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=100_000)
    parser.add_argument("--page-size", type=int, default=1000)
    args = parser.parse_args(argv)

    print(f"building {args.models:,} synthetic list items ...", flush=True)
    pages = build_pages(args.models, args.page_size)
    n = sum(len(items) for items, _ in pages)
    with tempfile.TemporaryDirectory() as tmp:
        results = dict(_measure(Path(tmp), pages))
    baseline = results["baseline"]
    print(f"\n{n:,} models in {len(pages)} pages of {args.page_size}")
    print(f"{'':<46} {'wall s':>7} {'cpu s':>7} {'/s wall':>9} {'/s cpu':>9}   {'vs baseline (wall, cpu)'}")
    labels = {
        "first": "hubcrawl first crawl (normalize + write_page)",
        "recrawl": "hubcrawl unchanged re-crawl",
        "baseline": "baseline: ModelInfo + sqlite-utils insert_all",
        "baseline_raw": "baseline: sqlite-utils insert_all only",
    }
    for key, label in labels.items():
        print(row(label, results[key], n, baseline))


def _measure(tmp: Path, pages: Pages) -> Iterator[tuple[str, Timer]]:
    db_path = tmp / "hubcrawl.db"
    setup = Writer(db_path)
    run_id = setup.start_run("crawl", {}, full_listing=True, pid=0, started_at=FIRST_CRAWL_AT)
    setup.close()
    yield "first", hubcrawl_crawl(db_path, pages, FIRST_CRAWL_AT, run_id)
    yield "recrawl", hubcrawl_crawl(db_path, pages, RECRAWL_AT, run_id)
    yield "baseline", baseline_crawl(tmp / "baseline.db", pages, flatten_model_info)
    yield "baseline_raw", baseline_crawl(tmp / "baseline_raw.db", pages, flatten_raw)


if __name__ == "__main__":
    main()
