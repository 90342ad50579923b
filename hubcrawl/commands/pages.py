"""`hubcrawl pages --out DIR`: the static site (index, model pages, comparison pages) from the database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hubcrawl.commands.compare import unknown_model_message
from hubcrawl.paths import missing_db_problem, no_models_problem, prepare_output_dir

HELP = "build the static comparison site (HTML, Markdown and JSON) from the database"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, type=Path, help="output directory (created if missing)")
    parser.add_argument(
        "--pairs-per-model",
        metavar="N",
        type=int,
        default=2,
        help="suggested comparisons per model: nearest overall ranks in its task (default: 2)",
    )
    parser.add_argument(
        "--pair",
        nargs=2,
        action="append",
        default=[],
        metavar=("A", "B"),
        help="also build this comparison (may differ in task; repeatable)",
    )
    parser.add_argument(
        "--base-url",
        default="",
        help="absolute site URL for <link rel=canonical> (default: root-relative paths)",
    )


def run(args: argparse.Namespace) -> int:
    from db.connection import connect
    from pages.data import UnknownModelError, resolve_model_id
    from pages.site import build_site

    if problem := missing_db_problem(args.db):
        print(f"hubcrawl pages: {problem}", file=sys.stderr)
        return 1
    conn = connect(args.db)
    try:
        # Checked before building: pruning stale pages would otherwise empty a published site.
        if problem := no_models_problem(conn, args.db):
            print(f"hubcrawl pages: {problem}", file=sys.stderr)
            return 1
        extra = [(resolve_model_id(conn, a), resolve_model_id(conn, b)) for a, b in args.pair]
        if problem := prepare_output_dir(args.out):
            print(f"hubcrawl pages: {problem}", file=sys.stderr)
            return 2
        report = build_site(
            conn,
            args.out,
            pairs_per_model=max(0, args.pairs_per_model),
            extra_pairs=extra,
            base_url=args.base_url,
        )
    except UnknownModelError as error:
        print(unknown_model_message(error, args.db, "pages"), file=sys.stderr)
        return 1
    finally:
        conn.close()
    print(
        f"wrote {report.models} model pages and {report.comparisons} comparisons "
        f"({len(report.files)} files) to {args.out}; removed {len(report.removed)} stale pages"
    )
    return 0
