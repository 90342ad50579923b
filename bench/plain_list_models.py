"""The plain baseline `bench_crawl.py` compares `hubcrawl crawl` against: the script most people write.

    HF_ENDPOINT=http://127.0.0.1:PORT python bench/plain_list_models.py out.db

It pages through the whole listing with huggingface_hub's `list_models` (the same `expand` fields as
the listing spider), flattens each `ModelInfo` into a row and inserts rows with sqlite-utils
`insert_all` in batches of 1000. It prints how many models it stored.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from itertools import islice

# The listing spider's expand[] fields (crawler/spiders/hub_models.py), copied so that this script
# does not import the crawler.
LISTING_EXPAND = [
    "author", "sha", "createdAt", "lastModified", "downloads", "downloadsAllTime", "likes",
    "trendingScore", "tags", "pipeline_tag", "library_name", "gated", "private", "disabled",
    "cardData", "safetensors", "gguf", "inference",
]
BATCH = 1000


def flatten(info) -> dict:
    """The columns a quick script keeps from a ModelInfo."""
    card = info.card_data.to_dict() if info.card_data else {}
    license_ = card.get("license")
    params = info.safetensors.total if info.safetensors else (info.gguf or {}).get("total")
    return {
        "id": info.id, "author": info.author, "sha": info.sha, "pipeline_tag": info.pipeline_tag,
        "library_name": info.library_name, "license": license_ if isinstance(license_, str) else None,
        "downloads": info.downloads, "downloads_all_time": info.downloads_all_time, "likes": info.likes,
        "trending_score": info.trending_score,
        "created_at": info.created_at.isoformat() if info.created_at else None,
        "last_modified": info.last_modified.isoformat() if info.last_modified else None,
        "gated": str(info.gated), "private": info.private, "disabled": info.disabled, "params": params,
        "tags": json.dumps(info.tags or []),
    }


def batches(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def main(db_path: str) -> int:
    from huggingface_hub import HfApi
    from sqlite_utils import Database

    db = Database(db_path)
    stored = 0
    models = HfApi().list_models(expand=LISTING_EXPAND, limit=None)
    for batch in batches((flatten(info) for info in models), BATCH):
        db["models"].insert_all(batch, pk="id", replace=True)
        stored += len(batch)
    db.close()
    print(f"stored {stored} models")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
