"""The `hubcrawl` console script.

Each subcommand lives in `hubcrawl/commands/<name>.py` and exposes `HELP`, `add_arguments(parser)` and
`run(args) -> int` (the process exit status).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from db.connection import DEFAULT_DB_PATH

COMMANDS = ["crawl", "recrawl", "reingest", "score", "explain", "compare", "pages", "demo", "fakehub"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hubcrawl",
        description="Crawl AI model hubs into SQLite, score the models, and build comparison pages.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"hubcrawl.commands.{name}")
        command = sub.add_parser(name, help=module.HELP, description=module.HELP)
        command.add_argument(
            "--db", default=DEFAULT_DB_PATH, help=f"SQLite database path (default: {DEFAULT_DB_PATH})"
        )
        module.add_arguments(command)
        command.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args._run(args)
    except KeyboardInterrupt:
        print("hubcrawl: interrupted", file=sys.stderr)
        return 130
