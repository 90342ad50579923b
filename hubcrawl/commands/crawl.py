"""`hubcrawl crawl`: the Hub's model listing into SQLite, safe to run from cron.

Exit status: 0 the run succeeded; 1 it failed (the reason is printed on stderr and kept in
crawl_runs.message); 2 bad usage; 3 another crawl holds the lock on this database.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from hubcrawl.lock import CrawlLock, LockHeld, lock_path_for

HELP = "crawl the Hub's model listing into the database (exit 0 ok, 1 failed, 3 locked)"

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_LOCKED = 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = "exit status: 0 ok, 1 the run failed, 2 bad usage, 3 another crawl holds the lock"
    parser.add_argument("--sort", help="order: downloads, likes, lastModified, createdAt, trendingScore")
    parser.add_argument("--max-models", type=_positive_int, metavar="N", help="stop after N models")
    parser.add_argument("--author", help="only this namespace (user or org)")
    parser.add_argument("--filter", action="extend", nargs="+", metavar="TAG", default=[],
                        help="only models with every one of these tags (repeatable)")
    parser.add_argument("--search", metavar="Q", help="only model ids containing Q")
    parser.add_argument("--no-cards", action="store_true", help="skip model card downloads")
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument("--progress", dest="progress", action="store_true", default=None,
                       help="live progress on stderr (default when stderr is a terminal)")
    shown.add_argument("--quiet", dest="progress", action="store_false",
                       help="no live progress, only the one-line summary")
    parser.add_argument("-v", "--verbose", action="store_true", help="Scrapy's log at INFO (default WARNING)")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return value


def spider_args(args: argparse.Namespace) -> dict[str, Any]:
    """Spider arguments for hub_models; absent options are left out."""
    values = {"sort": args.sort, "max_models": args.max_models, "author": args.author,
              "filter": args.filter or None, "search": args.search}
    return {key: value for key, value in values.items() if value is not None}


def run(args: argparse.Namespace) -> int:
    db_path = str(args.db)
    if not Path(db_path).resolve().parent.is_dir():
        print(f"hubcrawl crawl: the directory of {db_path} does not exist", file=sys.stderr)
        return EXIT_USAGE
    from hubcrawl.runner import settings_problem

    if problem := settings_problem():
        print(f"hubcrawl crawl: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        lock = CrawlLock.acquire(lock_path_for(db_path))
    except LockHeld as held:
        holder = f"process {held.pid}" if held.pid else "another process"
        print(f"hubcrawl crawl: another crawl ({holder}) is running on {db_path}; not starting",
              file=sys.stderr)
        return EXIT_LOCKED
    with lock:
        return _crawl_locked(args, db_path)


def _crawl_locked(args: argparse.Namespace, db_path: str) -> int:
    from hubcrawl.runner import crawl_settings, mark_stale_runs_interrupted, run_spider

    mark_stale_runs_interrupted(db_path)
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    settings = crawl_settings(db_path, verbose=args.verbose, progress=progress,
                              overrides={"HUBCRAWL_CARDS": not args.no_cards})
    started = time.monotonic()
    outcome = run_spider("hub_models", settings, **spider_args(args))
    return report(db_path, outcome.run_id, elapsed=time.monotonic() - started)


def report(db_path: str, run_id: int | None, *, elapsed: float) -> int:
    """One summary line on stdout; the failure reason on stderr; the exit status."""
    from hubcrawl.runner import read_run

    run = read_run(db_path, run_id) if run_id is not None else None
    if run is None:
        print("hubcrawl crawl: the crawl did not start (see the messages above)", file=sys.stderr)
        return EXIT_FAILED
    print(summary_line(run, elapsed))
    if run["status"] != "ok":
        reason = run["message"] or "no reason recorded"
        print(f"hubcrawl crawl: run {run['run_id']} {run['status']}: {reason}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def summary_line(run: dict[str, Any], elapsed: float) -> str:
    """`run 12 ok: 2,500 models (37 new, 12 changed) in 3.1s, 3 pages, 0 errors`."""
    line = (f"run {run['run_id']} {run['status']}: {run['models_seen']:,} models "
            f"({run['models_new']:,} new, {run['models_changed']:,} changed) in {elapsed:.1f}s, "
            f"{run['pages']:,} pages, {run['errors']:,} errors")
    if run["models_removed"]:
        line += f", {run['models_removed']:,} removed"
    if run["http_429"]:
        line += f", {run['http_429']:,} rate-limited"
    return line
