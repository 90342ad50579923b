"""`hubcrawl score`: recompute every model's transparent 0-100 scores into the `scores` table."""

from __future__ import annotations

import argparse
import sys
import time

from hubcrawl.paths import missing_db_problem

HELP = "recompute every model's scores (adoption, quality, ecosystem, momentum, overall, percentiles)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", default=None,
                        help="scoring config YAML (default: the bundled scoring/config.yaml)")


def run(args: argparse.Namespace) -> int:
    from scoring.config import ConfigError
    from scoring.store import score_database

    if problem := missing_db_problem(args.db):
        print(f"hubcrawl score: {problem}", file=sys.stderr)
        return 1  # as every command that reads an existing database
    started = time.perf_counter()  # a duration for the summary line, not a timestamp: no wall clock read
    try:
        summary = score_database(args.db, args.config)
    except FileNotFoundError as exc:
        print(f"hubcrawl score: {exc}", file=sys.stderr)
        return 2
    except ConfigError as exc:
        print(f"hubcrawl score: invalid config: {exc}", file=sys.stderr)
        return 2
    if summary.models == 0:
        print(f"hubcrawl score: no models to score in {args.db} (none crawled yet, or all removed): "
              f"run hubcrawl crawl --db {args.db} first", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - started
    print(f"scored {summary.models:,} models in {seconds:.1f} s with config {summary.config_version} "
          f"(data as of {summary.as_of or 'no data'})")
    return 0
