"""The sync lock: held by the process that runs a sync, for as long as the run lasts, and released by the
operating system or the database the moment that process dies, however it dies.

On PostgreSQL it is a session advisory lock on a connection kept for the run (the server drops it when the
connection closes, which a killed process's socket does at once); on a SQLite file, an exclusive `flock` on
a file beside the database (the kernel drops it when the process's descriptors close). A database with no
file (in memory) lives in one process, so a lock within the process is enough there.

Whoever holds the lock owns every RUNNING run: a RUNNING run found by a process that got the lock was left
by a process that is gone.
"""

import contextlib
import fcntl
import threading
from typing import IO, Protocol

from sqlalchemy import func, select, text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db.sqlite_file import sqlite_file_path

# pg_try_advisory_lock key of the sync ("repofolio sync" folded into a bigint); not the schema lock's key.
SYNC_LOCK_KEY = 0x7266_7379_6E63_0001
SQLITE_LOCK_SUFFIX = ".sync-lock"
# pg_locks shows a bigint advisory key as its high and low 32 bits (classid, objid), objsubid 1.
LOCK_KEY_HALVES = {"high": SYNC_LOCK_KEY >> 32, "low": SYNC_LOCK_KEY & 0xFFFF_FFFF}
ADVISORY_LOCK_HELD = text(
    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid()"
    " AND classid::bigint = :high AND objid::bigint = :low AND objsubid = 1)"
)


class SyncLock(Protocol):
    async def still_held(self) -> bool:
        """Whether this process still holds the lock (a PostgreSQL session can end under it: a server
        restart, pg_terminate_backend), asked before a run applies what it fetched."""
        ...

    async def release(self) -> None: ...


async def try_sync_lock(engine: AsyncEngine) -> SyncLock | None:
    """The sync lock of the engine's database if no live process holds it (this one included), else None.

    Never waits for it.
    """
    if engine.dialect.name == "postgresql":
        return await _AdvisoryLock.try_acquire(engine)
    path = sqlite_lock_path(engine.url)
    if path is not None:
        return _FileLock.try_acquire(path)
    return _ProcessLock.try_acquire(engine.url.render_as_string(hide_password=False))


def sqlite_lock_path(url: URL) -> str | None:
    """The file whose flock is the sync lock of a SQLite database file, else None."""
    database = sqlite_file_path(url)
    return None if database is None else f"{database}{SQLITE_LOCK_SUFFIX}"


class _AdvisoryLock:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    @classmethod
    async def try_acquire(cls, engine: AsyncEngine) -> "_AdvisoryLock | None":
        connection = await engine.connect()
        try:
            acquired = await connection.scalar(select(func.pg_try_advisory_lock(SYNC_LOCK_KEY)))
            # A session lock outlives the transaction; ending it keeps the connection from idling in one.
            await connection.commit()
        except BaseException:
            await connection.close()
            raise
        if not acquired:
            await connection.close()
            return None
        return cls(connection)

    async def still_held(self) -> bool:
        try:
            held = await self._connection.scalar(ADVISORY_LOCK_HELD, LOCK_KEY_HALVES)
            await self._connection.commit()
        except Exception:  # the session is gone, and the lock with it
            return False
        return bool(held)

    async def release(self) -> None:
        try:
            await self._connection.scalar(select(func.pg_advisory_unlock(SYNC_LOCK_KEY)))
            await self._connection.commit()
        except Exception:
            # The connection broke, and with it the lock; never hand the pool a connection that may hold it.
            with contextlib.suppress(Exception):
                await self._connection.invalidate()
        finally:
            await self._connection.close()


class _FileLock:
    def __init__(self, file: IO[bytes]) -> None:
        self._file = file

    @classmethod
    def try_acquire(cls, path: str) -> "_FileLock | None":
        file = open(path, "a+b")  # noqa: SIM115  (held open for the run: closing it releases the lock)
        try:
            # flock, not fcntl's record locks: those are the process's, so a second open in this process
            # would share them; flock locks belong to the open file, and two opens conflict anywhere.
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            file.close()
            return None
        except BaseException:
            file.close()
            raise
        return cls(file)

    async def still_held(self) -> bool:
        return not self._file.closed  # an flock lasts as long as the open file

    async def release(self) -> None:
        self._file.close()


class _ProcessLock:
    _held: set[str] = set()
    _guard = threading.Lock()

    def __init__(self, key: str) -> None:
        self._key: str | None = key

    @classmethod
    def try_acquire(cls, key: str) -> "_ProcessLock | None":
        with cls._guard:
            if key in cls._held:
                return None
            cls._held.add(key)
        return cls(key)

    async def still_held(self) -> bool:
        return self._key is not None

    async def release(self) -> None:
        with self._guard:
            if self._key is not None:
                self._held.discard(self._key)
                self._key = None
