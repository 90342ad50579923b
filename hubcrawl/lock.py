"""One crawl per database at a time: an exclusive `fcntl.flock` on `<db>.lock`.

The kernel releases a flock when its process ends, however it ends (even `kill -9`), so a lock can
never go stale. The holder writes its pid into the file so that a refused run can say who holds it.

    with CrawlLock.acquire("hub.db.lock"):           # raises LockHeld at once when taken
        ...
    with CrawlLock.acquire("hub.db.lock", wait=60):  # or retries for up to 60 s
        ...
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path
from types import TracebackType
from typing import IO

# How often a waiting acquire() tries again.
POLL_SECONDS = 0.1


class LockHeld(Exception):
    """Another process holds the lock. `pid` is the holder's, when it wrote one."""

    def __init__(self, path: Path, pid: int | None) -> None:
        holder = f"process {pid}" if pid else "another process"
        super().__init__(f"{path} is held by {holder}")
        self.path = path
        self.pid = pid


def lock_path_for(db_path: str | Path) -> Path:
    return Path(f"{db_path}.lock")


class CrawlLock:
    def __init__(self, path: Path, handle: IO[str]) -> None:
        self.path = path
        self._handle: IO[str] | None = handle

    @classmethod
    def acquire(cls, path: str | Path, *, wait: float = 0.0) -> CrawlLock:
        """Take the lock, waiting up to `wait` seconds; LockHeld if it is still taken after that."""
        path = Path(path)
        # "a+" creates the file without truncating it: the current holder's pid must survive our attempt.
        handle = path.open("a+", encoding="utf-8")
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    pid = read_holder_pid(path)
                    handle.close()
                    raise LockHeld(path, pid) from None
                time.sleep(POLL_SECONDS)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        return cls(path, handle)

    def release(self) -> None:
        if self._handle is None:
            return
        # Leave the file in place (deleting it would race with a process that just opened it).
        self._handle.truncate(0)
        fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
        self._handle.close()
        self._handle = None

    def __enter__(self) -> CrawlLock:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.release()


def read_holder_pid(path: str | Path) -> int | None:
    try:
        text = Path(path).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None
