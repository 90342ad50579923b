"""Checks on the paths a user passes (`--db`, `--out`), so that a wrong one gets one clear line instead of
a traceback from deep inside SQLite or pathlib.

    problem = db_path_problem("hub.db")   # None when the path is usable (or does not exist yet)
    if problem:
        print(f"hubcrawl score: {problem}", file=sys.stderr)
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

# The first 16 bytes of every SQLite 3 database file (https://www.sqlite.org/fileformat.html).
SQLITE_HEADER = b"SQLite format 3\x00"


def db_path_problem(path: str | Path) -> str | None:
    """Why an existing `--db` path cannot be a database, or None. A missing path is each command's own
    business (crawl creates it, the read-only commands refuse it)."""
    path = Path(path)
    if not path.exists():
        return None
    if path.is_dir():
        return f"{path} is a folder, not a database file (give the path of the .db file)"
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        return f"cannot read {path}: {error.strerror}"
    # An empty file is a valid, empty SQLite database.
    if header and header != SQLITE_HEADER:
        return f"{path} is not a SQLite database (check the --db path)"
    return None


def missing_db_problem(path: str | Path) -> str | None:
    """For the commands that only read: a missing database is a wrong path, never a new empty file."""
    if Path(path).exists():
        return None
    return f"no database at {path} (check --db, or create it with: hubcrawl crawl --db {path})"


def prepare_output_dir(path: str | Path) -> str | None:
    """Create the `--out` folder if needed; why it cannot hold our files, or None."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        return f"--out {path} is a file, not a folder"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return f"cannot create the folder {path}: {error.strerror}"
    if not os.access(path, os.W_OK):
        return f"cannot write into the folder {path}: permission denied"
    return None


def no_models_problem(conn: sqlite3.Connection, db_path: str | Path) -> str | None:
    """Why a read-side command has nothing to work on (no crawl into this database yet), or None."""
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'models'"
    ).fetchone()
    if has_table and conn.execute("SELECT 1 FROM models LIMIT 1").fetchone():
        return None
    return f"no models in {db_path} yet: run hubcrawl crawl --db {db_path} first"
