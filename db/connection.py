"""Opening the database: WAL mode, sane pragmas, migrations applied."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlite_utils import Database

DEFAULT_DB_PATH = os.environ.get("HUBCRAWL_DB", "hubcrawl.db")

# A reader or writer waits this long for a lock held by another connection before failing.
BUSY_TIMEOUT_MS = 30_000


def connect(path: str | Path) -> sqlite3.Connection:
    """A raw connection with our pragmas; autocommit off so `with conn:` is one transaction."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level="DEFERRED")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    # NORMAL is durable across application crashes (kill -9) in WAL mode; only an OS crash can
    # lose the last transactions, never corrupt the file.
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def open_db(path: str | Path = DEFAULT_DB_PATH, *, migrate: bool = True) -> Database:
    """Open (creating if needed) and migrate the database at `path`."""
    path = Path(path)
    if path.parent and not path.parent.exists():
        raise FileNotFoundError(f"directory for database does not exist: {path.parent}")
    db = Database(connect(path))
    if db.journal_mode != "wal":
        db.enable_wal()
    if migrate:
        from db.migrations import migrations

        migrations.apply(db)
    return db
