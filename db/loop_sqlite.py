"""SQLite connections for the async engine that read on the event loop's own thread.

aiosqlite runs every call on a thread of its own: a statement through SQLAlchemy makes about five trips there
and back (cursor, execute, fetch, close, end of transaction), each ~0.1 ms on an idle 2-core machine and more
while the loop is busy, and the two threads trade the GIL on every trip. For reads of a SQLite file in WAL mode
that is more than the read itself: a reader never waits on a lock there, and a page of the API is read in
microseconds to a few milliseconds. These connections keep aiosqlite's interface, which SQLAlchemy's aiosqlite
dialect drives, and run each call at once on the caller's thread. They are opened read-only (`query_only`), so
nothing that could wait on a writer ever runs through them.

sqlite3 begins a transaction only before a write, so each SELECT would read the latest commit: the engine's
"begin" listener (`begin_read_transaction`) begins SQLite's own, so the statements of one SQLAlchemy transaction
read the one state its first SELECT sees (a WAL read snapshot), until its rollback.
"""

import sqlite3
from collections.abc import Callable, Generator
from typing import Any

import aiosqlite

# Readers in WAL mode wait only in rare moments (recovery of a crashed writer's log), and the loop waits with them.
LOOP_BUSY_TIMEOUT_S = 1.0


class _NoThread:
    """Stands in for the queue to aiosqlite's thread, which these connections never start."""

    def put_nowait(self, item: Any) -> None:
        raise RuntimeError("this SQLite connection runs on the event loop's thread and has no queue")


class LoopConnection(aiosqlite.Connection):
    """An aiosqlite connection whose calls run on the calling thread."""

    def __init__(self, connector: Callable[[], sqlite3.Connection]) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._tx = _NoThread()  # type: ignore[assignment]

    def __await__(self) -> Generator[Any, None, "LoopConnection"]:
        return self._open().__await__()

    async def _open(self) -> "LoopConnection":
        self._connection = self._connector()
        return self

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self._connection is None:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)

    def begin_read(self) -> None:
        """Begin a transaction now (a WAL reader's snapshot is taken by its first SELECT)."""
        if self._connection is not None and not self._connection.in_transaction:
            self._connection.execute("BEGIN")

    def stop(self) -> None:
        self._running = False
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def begin_read_transaction(connection: Any) -> None:
    """The read engine's "begin" listener: SQLite's own BEGIN, sent at once on this thread (so it is no
    statement of SQLAlchemy's, and none a statement count sees)."""
    driver = connection.connection.driver_connection
    if isinstance(driver, LoopConnection):
        driver.begin_read()


def read_only_connector(path: str) -> Callable[[], sqlite3.Connection]:
    def connect() -> sqlite3.Connection:
        connection = sqlite3.connect(path, timeout=LOOP_BUSY_TIMEOUT_S, check_same_thread=False)
        connection.execute("PRAGMA query_only=ON")
        return connection

    return connect
