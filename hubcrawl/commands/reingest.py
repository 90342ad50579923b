"""`hubcrawl reingest`: re-run normalization over the archived raw responses, without any request.

For when the normalization rules changed (a new license mapping, a parser fix): every archived response is
normalized again, oldest first, so each model ends with the facts of its latest response.
"""

from __future__ import annotations

import argparse
import sys
import time

from hubcrawl.lock import CrawlLock, LockHeld, lock_path_for
from hubcrawl.paths import missing_db_problem

HELP = "re-normalize the archived Hub responses (no network), e.g. after a normalization fix"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kind", choices=["listing", "model_info"], help="only this kind of response")
    parser.add_argument("--wait", type=float, default=0.0, help="seconds to wait for a running crawl")


def run(args: argparse.Namespace) -> int:
    from db.writer import Writer

    if problem := missing_db_problem(args.db):
        print(f"hubcrawl reingest: {problem}", file=sys.stderr)
        return 1
    try:
        lock = CrawlLock.acquire(lock_path_for(args.db), wait=args.wait)
    except LockHeld as held:
        print(f"hubcrawl reingest: a crawl is writing to {args.db} ({held}); retry later", file=sys.stderr)
        return 3
    started = time.monotonic()
    with lock:
        writer = Writer(args.db)
        try:
            totals, problems = writer.reingest_archive(args.kind)
        finally:
            writer.close()
    for problem in problems:
        print(f"hubcrawl reingest: {problem}", file=sys.stderr)
    print(
        f"reingested {totals.seen:,} model records ({totals.changed:,} changed) "
        f"in {time.monotonic() - started:.1f}s, {len(problems):,} problems"
    )
    return 0
