"""Benchmark: how fast FakeHub serves /api/models pages, next to a naive server in the same run.

    python bench/bench_fakehub.py                   # 100,000 synthetic models, 100 pages of 1000
    python bench/bench_fakehub.py --models 20000

Both servers hold the same `make_models(N)` records and speak the same protocol (Link header to the
next page). The client is one keep-alive httpx.Client that follows every `next` link.

- fakehub: HubStore + FakeHub (per-model cached JSON per view, precomputed sort order, keyset cursor,
  pages joined from bytes).
- naive baseline: a ThreadingHTTPServer that slices a pre-sorted list and `json.dumps` each page.

Two views are timed: the default list item, and the crawler's listing expand (crawler/spiders/hub_models.py).
"cold" is the first pass (FakeHub fills its caches), "warm" the second. Building the models is not timed.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fakehub import FakeHub, HubStore
from fakehub.gcutil import freeze_long_lived
from fakehub.synthetic import make_models
from fakehub.views import expanded_view, list_default_view

CRAWLER_EXPAND = (
    "author", "sha", "createdAt", "lastModified", "downloads", "downloadsAllTime", "likes",
    "trendingScore", "tags", "pipeline_tag", "library_name", "gated", "private", "disabled",
    "cardData", "safetensors", "gguf", "inference",
)  # fmt: skip
PAGE_SIZE = 1000


class NaiveServer(ThreadingHTTPServer):
    daemon_threads = True
    records: list[dict]


class NaiveHandler(BaseHTTPRequestHandler):
    """Offset pagination over a pre-sorted list; every page is built and json.dumps'ed per request."""

    protocol_version = "HTTP/1.1"
    server: NaiveServer

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        offset = int(query.get("cursor", ["0"])[0])
        expand = query.get("expand[]")
        page = self.server.records[offset : offset + PAGE_SIZE]
        items = [expanded_view(r, expand, listing=True) if expand else list_default_view(r) for r in page]
        body = json.dumps(items, separators=(",", ":"), ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if offset + PAGE_SIZE < len(self.server.records):
            next_query = {k: v for k, v in query.items() if k != "cursor"} | {
                "cursor": [str(offset + PAGE_SIZE)]
            }
            host = self.headers["Host"]
            self.send_header(
                "Link", f'<http://{host}{parts.path}?{urlencode(next_query, doseq=True)}>; rel="next"'
            )
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def fetch_all(base_url: str, expand: tuple[str, ...] | None) -> tuple[float, int, int, int]:
    """(seconds, pages, models, bytes) for following every next link from the first page."""
    params = [("limit", PAGE_SIZE)] + [("expand[]", value) for value in expand or ()]
    pages = models = size = 0
    started = time.perf_counter()
    with httpx.Client(timeout=60) as client:
        response = client.get(f"{base_url}/api/models", params=params)
        while True:
            response.raise_for_status()
            pages += 1
            models += response.content.count(b'{"_id":')  # no JSON parsing: time the server, not the client
            size += len(response.content)
            if "next" not in response.links:
                break
            response = client.get(response.links["next"]["url"])
    return time.perf_counter() - started, pages, models, size


def report(label: str, result: tuple[float, int, int, int]) -> float:
    seconds, pages, models, size = result
    print(
        f"  {label:<24} {seconds:7.2f} s  {pages / seconds:8.1f} pages/s  {models / seconds:10.0f} models/s  "
        f"{size / seconds / 1e6:6.1f} MB/s  ({pages} pages, {models} models)"
    )
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=100_000)
    args = parser.parse_args()

    started = time.perf_counter()
    records = make_models(args.models, seed=0)
    store = HubStore(records)
    freeze_long_lived()  # both servers serve from these long-lived records
    print(f"built {args.models} models in {time.perf_counter() - started:.1f} s (not timed below)")
    by_trending = sorted(records, key=lambda r: (-r.get("trendingScore", 0), r["_id"]))

    naive = NaiveServer(("127.0.0.1", 0), NaiveHandler)
    naive.records = by_trending
    threading.Thread(target=naive.serve_forever, daemon=True).start()
    naive_url = f"http://127.0.0.1:{naive.server_address[1]}"

    with FakeHub(store) as hub:
        for title, expand in (("default list items", None), ("crawler expand (18 fields)", CRAWLER_EXPAND)):
            print(f"\n{title}:")
            cold = report("fakehub, cold", fetch_all(hub.url, expand))
            warm = report("fakehub, warm", fetch_all(hub.url, expand))
            baseline = report("naive json.dumps (base)", fetch_all(naive_url, expand))
            print(f"  speed-up vs baseline: cold {baseline / cold:.1f}x, warm {baseline / warm:.1f}x")
    naive.shutdown()


if __name__ == "__main__":
    main()
