"""The `hubcrawl` console script.

Each subcommand lives in `hubcrawl/commands/<name>.py` and exposes `HELP`, `add_arguments(parser)` and
`run(args) -> int` (the process exit status); optionally `USES_DB = False` if it never opens `--db`, and
`DB_HELP` when its `--db` means something else than usual. The dispatcher adds `--db` to every command and
refuses, before the command runs, a `--db` that is a folder or not a SQLite file.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sqlite3
import sys
from pathlib import Path

from db.connection import DEFAULT_DB_PATH
from hubcrawl.paths import db_path_problem

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it

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
        db_help = getattr(module, "DB_HELP", f"SQLite database path (default: {DEFAULT_DB_PATH})")
        command.add_argument("--db", default=DEFAULT_DB_PATH, help=db_help)
        module.add_arguments(command)
        command.set_defaults(_run=module.run, _uses_db=getattr(module, "USES_DB", True))
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        parser = build_parser()  # imports every command: a Ctrl-C often lands here
    except KeyboardInterrupt:
        print("hubcrawl: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    args = parser.parse_args(argv)
    prefix = f"hubcrawl {args.command}"
    if args._uses_db and (problem := db_path_problem(args.db)):
        print(f"{prefix}: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return args._run(args)
    except KeyboardInterrupt:
        print("hubcrawl: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    # Whatever the checks above could not foresee (a damaged file, a full disk, a read-only folder) still
    # ends in one line that names the file, not a traceback.
    except sqlite3.Error as error:
        hint = _writable_hint(args.db)
        print(f"{prefix}: cannot use the database {args.db}: {error}{hint}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as error:
        where = f": {error.filename}" if error.filename else ""
        print(f"{prefix}: {error.strerror or error}{where}", file=sys.stderr)
        return EXIT_FAILED


def _writable_hint(db_path: str) -> str:
    folder = Path(db_path).resolve().parent
    if os.access(folder, os.W_OK) and (not Path(db_path).exists() or os.access(db_path, os.W_OK)):
        return ""
    return (f" (the database and its folder must be writable: SQLite writes {db_path}-wal and {db_path}-shm "
            "beside it; copy it to a writable folder)")
