"""`hubcrawl recrawl <model_id>`: refresh one model from the Hub's info endpoint, in seconds.

It fetches everything the listing leaves out (Spaces, the model tree, eval results). A renamed
model is stored under its new id and the old one recorded as an alias. If a crawl holds the lock,
it waits up to --wait seconds for it.

Exit status: 0 refreshed; 1 the request failed; 2 bad usage; 3 the lock stayed taken for --wait
seconds; 4 the model does not exist on the Hub (if the database has it, it is marked removed).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hubcrawl.lock import CrawlLock, LockHeld, lock_path_for

HELP = "refresh one model (exit 0 ok, 1 failed, 3 locked, 4 not on the hub)"

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_LOCKED = 3
EXIT_NOT_FOUND = 4


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = ("exit status: 0 ok, 1 the request failed, 2 bad usage, 3 the lock stayed taken, "
                     "4 the model is not on the hub (a stored one is marked removed)")
    parser.add_argument("model_id", help="the model, as org/name")
    parser.add_argument("--wait", type=float, default=60.0, metavar="SECONDS",
                        help="how long to wait for a running crawl to release the lock (default 60)")
    parser.add_argument("-v", "--verbose", action="store_true", help="Scrapy's log at INFO (default WARNING)")


def run(args: argparse.Namespace) -> int:
    from crawler.spiders.hub_model import HubModelSpider

    db_path = str(args.db)
    try:
        model_id = HubModelSpider._parse_model_id(args.model_id)
    except ValueError as error:
        print(f"hubcrawl recrawl: {error}", file=sys.stderr)
        return EXIT_USAGE
    if not Path(db_path).resolve().parent.is_dir():
        print(f"hubcrawl recrawl: the directory of {db_path} does not exist", file=sys.stderr)
        return EXIT_USAGE
    from hubcrawl.runner import settings_problem

    if problem := settings_problem():
        print(f"hubcrawl recrawl: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        lock = CrawlLock.acquire(lock_path_for(db_path), wait=max(0.0, args.wait))
    except LockHeld as held:
        holder = f"process {held.pid}" if held.pid else "another process"
        print(f"hubcrawl recrawl: {holder} still holds the lock on {db_path} after {args.wait:g}s; "
              "try again when the crawl has finished", file=sys.stderr)
        return EXIT_LOCKED
    with lock:
        return _recrawl_locked(db_path, model_id, verbose=args.verbose)


def _recrawl_locked(db_path: str, model_id: str, *, verbose: bool) -> int:
    from hubcrawl.runner import crawl_settings, mark_stale_runs_interrupted, read_run, run_spider

    mark_stale_runs_interrupted(db_path)
    settings = crawl_settings(db_path, verbose=verbose, lean=True)
    outcome = run_spider("hub_model", settings, model_id=model_id)
    run = read_run(db_path, outcome.run_id) if outcome.run_id is not None else None
    if run is None:
        print("hubcrawl recrawl: the crawl did not start (see the messages above)", file=sys.stderr)
        return EXIT_FAILED
    if outcome.stats.get("hubcrawl/models_gone"):
        # A mistyped id was never stored: saying "marked removed" would claim a change that did not happen.
        change = ("marked removed" if _is_stored(db_path, model_id)
                  else "it is not in the database either, so nothing changed (check the spelling)")
        print(f"hubcrawl recrawl: {model_id} is not on the hub (or not visible to this token); {change}",
              file=sys.stderr)
        return EXIT_NOT_FOUND
    if run["status"] != "ok":
        print(f"hubcrawl recrawl: run {run['run_id']} {run['status']}: "
              f"{run['message'] or 'no reason recorded'}", file=sys.stderr)
        return EXIT_FAILED
    stored_as = outcome.stats.get("hubcrawl/model_id", model_id)
    renamed = f" (renamed: now {stored_as}, alias recorded)" if stored_as != model_id else ""
    print(f"run {run['run_id']} ok: {model_id} refreshed{renamed}")
    return EXIT_OK


def _is_stored(db_path: str, model_id: str) -> bool:
    from db.connection import connect

    conn = connect(db_path)
    try:
        return conn.execute("SELECT 1 FROM models WHERE model_id = ?", (model_id,)).fetchone() is not None
    finally:
        conn.close()
