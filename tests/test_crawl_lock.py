"""hubcrawl.lock: one holder at a time, the holder's pid on record, released on exit."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest

from hubcrawl.lock import CrawlLock, LockHeld, lock_path_for, read_holder_pid


def test_lock_path_sits_beside_the_database(tmp_path):
    assert lock_path_for(tmp_path / "hub.db") == tmp_path / "hub.db.lock"


def test_second_acquire_is_refused_and_names_the_holder(tmp_path):
    path = tmp_path / "hub.db.lock"
    with CrawlLock.acquire(path):
        assert read_holder_pid(path) == os.getpid()
        with pytest.raises(LockHeld) as refused:
            CrawlLock.acquire(path)
        assert refused.value.pid == os.getpid()
        # The refused attempt must not have erased the holder's pid.
        assert read_holder_pid(path) == os.getpid()


def test_released_lock_can_be_taken_again(tmp_path):
    path = tmp_path / "hub.db.lock"
    CrawlLock.acquire(path).release()
    with CrawlLock.acquire(path) as lock:
        assert lock.path == path


def test_waiting_acquire_gets_the_lock_once_released(tmp_path):
    path = tmp_path / "hub.db.lock"
    holder = CrawlLock.acquire(path)
    threading.Timer(0.2, holder.release).start()
    with CrawlLock.acquire(path, wait=10):
        assert read_holder_pid(path) == os.getpid()


def test_lock_of_a_killed_process_is_free(tmp_path):
    path = tmp_path / "hub.db.lock"
    code = (f"from hubcrawl.lock import CrawlLock; lock = CrawlLock.acquire({str(path)!r}); "
            "print('held', flush=True); import time; time.sleep(60)")
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "held"
        with pytest.raises(LockHeld) as refused:
            CrawlLock.acquire(path)
        assert refused.value.pid == child.pid
    finally:
        child.kill()
        child.wait()
    deadline = time.monotonic() + 5
    with CrawlLock.acquire(path, wait=max(0.0, deadline - time.monotonic())):
        pass
