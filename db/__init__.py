"""SQLite storage: schema migrations, the single writer, and read helpers.

`open_db(path)` returns a migrated `sqlite_utils.Database` in WAL mode. All writes go through
`db.writer`; readers (`db.reader`, scoring, pages) only read.
"""

from db.connection import DEFAULT_DB_PATH, open_db

__all__ = ["DEFAULT_DB_PATH", "open_db"]
