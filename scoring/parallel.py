"""Use the second core: run a producer in a forked child process and stream what it yields back.

    with Producer(lambda: (expensive(k) for k in range(10)), fork=True) as produced:
        for item in produced:      # the child computes item k+1 while the parent uses item k
            use(item)

The scorer's slow parts are SQLite reads and writes beside Python string building, all under one GIL
when run as threads. Processes run them side by side. `fork` matters: the child starts with the
parent's memory (the computed score table) instead of having it pickled to it; only the results
travel, through a pipe.

Without fork (`fork=False`, or a platform without it) the producer runs lazily in-process, item by
item, with the same results: parallelism changes the timing, never the output.

The child never touches the parent's SQLite connections (a connection must not cross a fork); it
opens its own when it needs one, and leaves through os._exit, so nothing inherited is finalized.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import traceback
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Generic, TypeVar

T = TypeVar("T")

_ITEM, _DONE, _ERROR = "item", "done", "error"


class ChildFailed(RuntimeError):
    """The producer raised in the child process; the message holds the child's traceback."""


def fork_available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


class Producer(Generic[T]):
    """Items of `produce()`, computed in a forked child (fork=True) or in-process (fork=False)."""

    def __init__(self, produce: Callable[[], Iterable[T]], *, fork: bool) -> None:
        self._produce = produce
        self._fork = fork and fork_available()
        self._child: multiprocessing.process.BaseProcess | None = None
        self._receiver: Connection | None = None

    def __enter__(self) -> Producer[T]:
        """Forks now (fork=True). The caller must hold no SQLite transaction at this moment: the child
        inherits the process's file locks state, and opens connections of its own."""
        if self._fork:
            context = multiprocessing.get_context("fork")
            self._receiver, sender = context.Pipe(duplex=False)
            self._child = context.Process(target=_run_in_child, args=(self._produce, sender), daemon=True)
            self._child.start()
            sender.close()  # the child holds the only writing end: EOF if it dies
        return self

    def __iter__(self) -> Iterator[T]:
        if self._child is None or self._receiver is None:
            yield from self._produce()
            return
        while True:
            try:
                kind, payload = self._receiver.recv()
            except EOFError:
                self._child.join(timeout=5)  # reap it, so that its exit code is known
                ended = f"the child process ended early (exit code {self._child.exitcode})"
                raise ChildFailed(ended) from None
            if kind == _DONE:
                return
            if kind == _ERROR:
                raise ChildFailed(payload)
            yield payload

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._child is None or self._receiver is None:
            return
        self._receiver.close()
        if exc_type is not None:
            self._child.terminate()  # nobody will read what it still produces
        self._child.join()
        self._child.close()


def _run_in_child(produce: Callable[[], Iterable[T]], sender: Connection) -> None:
    code = 0
    try:
        for item in produce():
            sender.send((_ITEM, item))
        sender.send((_DONE, None))
    except BaseException:  # report everything, KeyboardInterrupt included: the parent decides
        code = 1
        with contextlib.suppress(OSError):  # the parent may have stopped listening
            sender.send((_ERROR, traceback.format_exc()))
    finally:
        sender.close()
        os._exit(code)  # skip finalizers: inherited SQLite connections must not be closed here
