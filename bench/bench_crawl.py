"""Benchmark: `hubcrawl crawl` against a plain huggingface_hub + sqlite-utils script, same hub, same run.

    python bench/bench_crawl.py                  # 100,000 synthetic models (a few minutes)
    python bench/bench_crawl.py --models 20000   # quicker

A fake hub (`python -m fakehub --synthetic N --port 0`) serves the models from its own process. Each
client then runs as a child process, one after the other, into its own fresh database:

- hubcrawl: `hubcrawl crawl --no-cards --quiet --db <tmp>` (normalize, archive, upsert, tags, edges,
  snapshots, run record);
- baseline: `bench/plain_list_models.py` (`list_models(expand=..., limit=None)` + `insert_all`).

Both clients then run a second time into their own database against the unchanged hub (a re-crawl:
hubcrawl finds nothing changed; the baseline replaces every row). The fake hub's response bodies
are built and cached by two untimed passes first, so neither client pays for them.

For each run it prints wall time, models/s and peak RSS (the child's ru_maxrss from os.wait4), then
the ratios. Targets (first crawl): hubcrawl >= 4x the baseline's models/s, and peak RSS < 200 MB.
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
SERVING = re.compile(r"serving (\d+) models at (http://\S+)")
# Serving the synthetic hub in-process when `python -m fakehub` is not available.
SERVE_FALLBACK = """
import sys
from fakehub import FakeHub, HubStore
from fakehub.synthetic import make_models
n = int(sys.argv[1])
hub = FakeHub(HubStore(make_models(n, seed=0)))
print(f"fake hub serving {n} models at {hub.url}", flush=True)
hub.serve_forever()
"""


@dataclass(frozen=True)
class Measure:
    label: str
    seconds: float
    models: int
    peak_rss_mb: float
    status: int

    @property
    def rate(self) -> float:
        return self.models / self.seconds if self.seconds else 0.0


def start_hub(n_models: int) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    if (REPO_ROOT / "fakehub" / "__main__.py").exists():
        argv = [sys.executable, "-m", "fakehub", "--synthetic", str(n_models), "--port", "0"]
    else:
        argv = [sys.executable, "-c", SERVE_FALLBACK, str(n_models)]
    hub = subprocess.Popen(argv, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, text=True)
    line = hub.stdout.readline()
    match = SERVING.search(line)
    if match is None:
        hub.kill()
        raise SystemExit(f"fake hub did not start: {line!r}")
    return hub, match.group(2)


def run_child(label: str, argv: list[str], env: dict[str, str], db_path: Path) -> Measure:
    """Run a client to completion; wall time, stored models and the child's own peak RSS."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    conn = sqlite3.connect(db_path)
    models = conn.execute("SELECT count(*) FROM models").fetchone()[0]
    conn.close()
    return Measure(label, seconds, models, usage.ru_maxrss / 1024, child.returncode)


def fetch_listing(hub_url: str) -> tuple[list[tuple[str, bytes]], float]:
    """Every listing page the crawl asks for (its sort and expand fields), fetched with urllib: the
    (url, body) pairs and the seconds it took, the floor of any client."""
    import urllib.request

    from crawler.headers import parse_next_link
    from crawler.spiders.hub_models import FULL_LISTING_SORT, LISTING_EXPAND

    query = "&".join(f"expand%5B%5D={field}" for field in LISTING_EXPAND)
    url: str | None = f"{hub_url}/api/models?limit=1000&sort={FULL_LISTING_SORT}&{query}"
    pages = []
    started = time.perf_counter()
    while url:
        with urllib.request.urlopen(url, timeout=600) as response:
            pages.append((url, response.read()))
            url = parse_next_link(response.headers.get("Link"))
    return pages, time.perf_counter() - started


def warm_up(hub_url: str) -> float:
    """Page once through the listing, so that no client pays for the fake hub building (and caching)
    its response bodies. Returns the seconds a bare client needs: the floor."""
    return fetch_listing(hub_url)[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=100_000)
    args = parser.parse_args(argv)

    print(f"starting a fake hub with {args.models:,} synthetic models ...", flush=True)
    hub, hub_url = start_hub(args.models)
    try:
        warm_up(hub_url)
        floor = warm_up(hub_url)
        env = {key: value for key, value in os.environ.items() if key != "HF_TOKEN"}
        env.update(HF_ENDPOINT=hub_url, PYTHONPATH=str(REPO_ROOT), HF_HUB_DISABLE_TELEMETRY="1")
        with tempfile.TemporaryDirectory() as tmp:
            ours_db, plain_db = Path(tmp) / "hubcrawl.db", Path(tmp) / "plain.db"
            ours_argv = [sys.executable, "-m", "hubcrawl", "crawl", "--no-cards", "--quiet",
                         "--db", str(ours_db)]
            plain_argv = [sys.executable, str(REPO_ROOT / "bench" / "plain_list_models.py"), str(plain_db)]
            measures = [
                run_child("hubcrawl crawl --no-cards", ours_argv, env, ours_db),
                run_child("plain list_models + insert_all", plain_argv, env, plain_db),
                run_child("hubcrawl re-crawl (unchanged)", ours_argv, env, ours_db),
                run_child("plain again (replace=True)", plain_argv, env, plain_db),
            ]
    finally:
        hub.terminate()
        hub.wait()

    ours, plain, ours_again, plain_again = measures
    print(f"\n{'client':<34} {'status':>6} {'models':>9} {'seconds':>8} {'models/s':>10} {'peak RSS':>10}")
    for measure in measures:
        print(f"{measure.label:<34} {measure.status:>6} {measure.models:>9,} {measure.seconds:>8.1f} "
              f"{measure.rate:>10,.0f} {measure.peak_rss_mb:>7.0f} MB")
    print(f"{'(fetching the pages only, urllib)':<34} {'':>6} {ours.models:>9,} {floor:>8.1f} "
          f"{ours.models / floor:>10,.0f}")
    print(f"\nhubcrawl / baseline models/s, first crawl: x{_ratio(ours, plain):.2f} (target >= 4)")
    print(f"hubcrawl / baseline models/s, re-crawl:    x{_ratio(ours_again, plain_again):.2f}")
    print(f"hubcrawl peak RSS: {max(ours.peak_rss_mb, ours_again.peak_rss_mb):.0f} MB (target < 200 MB)")
    return 0 if all(measure.status == 0 for measure in measures) else 1


def _ratio(ours: Measure, plain: Measure) -> float:
    return ours.rate / plain.rate if plain.rate else float("inf")


if __name__ == "__main__":
    raise SystemExit(main())
