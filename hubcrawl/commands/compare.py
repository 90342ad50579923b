"""`hubcrawl compare A B`: one comparison page on stdout, as HTML, Markdown or JSON."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from hubcrawl.paths import missing_db_problem

if TYPE_CHECKING:
    from pages.data import UnknownModelError

HELP = "print a side-by-side comparison of two models (html, md or json) from the database"

# Each format's renderer is pages.render_<format>.render_compare_<format>, imported by run(): every
# other command starts without the page modules.
FORMATS = ("html", "json", "md")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model_a", help="model id as org/name or its slug org--name")
    parser.add_argument("model_b", help="the other model")
    parser.add_argument(
        "--format", choices=FORMATS, default="md", help="output format (default: md)"
    )


def unknown_model_message(error: UnknownModelError, db_path: str, command: str = "compare") -> str:
    """One line: what is unknown, the close ids we have, and how to fetch the model if it is on the Hub."""
    message = f"hubcrawl {command}: unknown model {error.query!r} (not in the database)"
    if error.suggestions:
        message += "; did you mean: " + ", ".join(error.suggestions) + "?"
    return message + f"; to fetch it from the Hub: hubcrawl recrawl {error.query} --db {db_path}"


def run(args: argparse.Namespace) -> int:
    import importlib

    from db.connection import connect
    from pages.data import UnknownModelError, load_pair, read_snapshot, resolve_model_id
    from pages.page import build_compare_page

    if problem := missing_db_problem(args.db):
        print(f"hubcrawl compare: {problem}", file=sys.stderr)
        return 1
    conn = connect(args.db)
    try:
        with read_snapshot(conn):
            model_a = resolve_model_id(conn, args.model_a)
            model_b = resolve_model_id(conn, args.model_b)
            if model_a == model_b:
                print(f"hubcrawl compare: {model_a} is the same model twice", file=sys.stderr)
                return 1
            page = build_compare_page(load_pair(conn, model_a, model_b))
    except UnknownModelError as error:
        print(unknown_model_message(error, args.db), file=sys.stderr)
        return 1
    finally:
        conn.close()
    render = getattr(importlib.import_module(f"pages.render_{args.format}"), f"render_compare_{args.format}")
    sys.stdout.write(render(page))
    return 0
