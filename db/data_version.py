"""The data version, a counter in `meta` that every change to the cached data bumps: its readers and its bump."""

import contextlib
import sqlite3

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from db.bookkeeping import DATA_VERSION, Meta
from db.loop_sqlite import read_only_connector
from db.sqlite_file import sqlite_file_path


async def read_data_version(session: AsyncSession | AsyncConnection) -> int:
    return (await session.scalar(select(Meta.value).where(Meta.key == DATA_VERSION))) or 0


class DataVersionReader:
    """Reads the data version once per request, as cheaply as the backend allows.

    On a SQLite file that is a plain read-only sqlite3 connection, used from the event loop itself: the
    primary-key read of one row takes microseconds, where a session costs a hundred or more. A SELECT
    opens no transaction there, so each read sees every commit, from any process. Anywhere else, and
    should that connection ever fail, the async engine answers.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._sqlite: sqlite3.Connection | None = None
        path = sqlite_file_path(engine.url)
        if path is not None:
            self._sqlite = read_only_connector(path)()
            if engine.echo:  # this connection bypasses the engine: its reads are echoed here
                self._sqlite.set_trace_callback(engine.sync_engine.logger.info)

    async def read(self) -> int:
        if self._sqlite is not None:
            try:
                row = self._sqlite.execute("SELECT value FROM meta WHERE key = ?", (DATA_VERSION,)).fetchone()
                return int(row[0]) if row else 0
            except sqlite3.Error:
                pass  # locked or gone: ask the engine, which waits without blocking the loop
        async with self._engine.connect() as connection:
            return await read_data_version(connection)

    def close(self) -> None:
        if self._sqlite is not None:
            with contextlib.suppress(sqlite3.Error):
                self._sqlite.close()
            self._sqlite = None


async def bump_data_version(session: AsyncSession) -> None:
    """Mark the cached data as changed, inside the caller's transaction."""
    await session.execute(update(Meta).where(Meta.key == DATA_VERSION).values(value=Meta.value + 1))
