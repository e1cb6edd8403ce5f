"""One read transaction shared by every statement of a unit of work (the API: one GraphQL execution)."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

logger = logging.getLogger(__name__)

# PostgreSQL: one snapshot for the whole transaction (READ COMMITTED takes one per statement), and READ ONLY,
# so such a transaction never waits on a writer or fails to serialize.
POSTGRESQL_SNAPSHOT = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
# Reused by every session: a savepoint of the same name hides the earlier ones, and ROLLBACK TO goes back to
# the latest. None is released (that would be one more round trip each): a read-only transaction's
# savepoints hold nothing, and all of them end with it.
SAVEPOINT = "SAVEPOINT read_snapshot"
ROLLBACK_TO_SAVEPOINT = "ROLLBACK TO SAVEPOINT read_snapshot"


class SnapshotClosed(RuntimeError):
    """A read asked for after its unit of work ended."""

    def __init__(self) -> None:
        super().__init__("this read snapshot is closed: its unit of work has ended")


class SnapshotLost(RuntimeError):
    """A failed read left the transaction unusable after other reads had used it."""

    def __init__(self) -> None:
        super().__init__("this read snapshot was lost after a failed statement")


class ReadSnapshot:
    """Sessions that all read one committed state, whatever commits meanwhile.

    The first session opens one connection and one transaction on it (PostgreSQL: REPEATABLE READ READ ONLY;
    a SQLite file through the read engine: a real read transaction, db/loop_sqlite.py, whose snapshot its
    first SELECT takes); every later session is bound to that connection, until `close`. asyncpg runs one
    statement at a time on a connection, so the sessions take turns: each holds the connection for its
    `async with` block (on the read engine's SQLite connections no statement yields, so nobody ever waits).
    Sessions of a sessionmaker that reads elsewhere (an in-memory SQLite database) share its one connection
    without a snapshot of their own.

    A failed statement fails its own session only. PostgreSQL aborts the whole transaction on one, so each
    session after the transaction has begun starts at a savepoint it rolls back to on failure (sent to
    asyncpg directly: one round trip, and no statement of SQLAlchemy's); a session that fails before, the
    first, leaves a transaction nobody else has read through: it is dropped and the next session begins
    another.
    """

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker
        self._lock = asyncio.Lock()
        self._holder: asyncio.Task[Any] | None = None
        self._connection: AsyncConnection | None = None
        self._driver: Any = None  # the asyncpg connection under a PostgreSQL snapshot, else None
        self._lost = False
        self._closed = False
        self._closing: asyncio.Task[None] | None = None

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session on the snapshot's connection, which it holds until the block ends."""
        task = asyncio.current_task()
        if task is not None and task is self._holder:
            # The lock is not reentrant: a second session inside the first would wait for itself forever.
            raise RuntimeError("a read snapshot's session was opened inside another of the same snapshot")
        async with self._lock:
            if self._closed:
                raise SnapshotClosed()
            if self._lost:
                raise SnapshotLost()
            self._holder = task
            try:
                if self._connection is None:
                    self._connection = await self._begin()
                # Before the first statement asyncpg has not begun the transaction: nothing to keep yet.
                savepoint = self._driver is not None and self._driver.is_in_transaction()
                if savepoint:
                    await self._driver.execute(SAVEPOINT)
                try:
                    async with self._sessionmaker(bind=self._connection) as session:
                        yield session
                except BaseException:
                    if self._driver is not None:
                        await asyncio.shield(self._recover(savepoint))
                    raise
            finally:
                self._holder = None

    async def _begin(self) -> AsyncConnection:
        engine: AsyncEngine = self._sessionmaker.kw["bind"]
        connection = await engine.connect()
        try:
            if connection.dialect.name == "postgresql":
                await connection.execution_options(**POSTGRESQL_SNAPSHOT)
                self._driver = (await connection.get_raw_connection()).driver_connection
            await connection.begin()  # the read engine's listener begins SQLite's own transaction
        except BaseException:
            await asyncio.shield(connection.close())
            raise
        return connection

    async def _recover(self, savepoint: bool) -> None:
        if savepoint:
            try:
                await self._driver.execute(ROLLBACK_TO_SAVEPOINT)
                return
            except Exception:  # noqa: BLE001 - the connection itself is unusable: dropped below
                self._lost = True  # what the earlier sessions read is gone with it
        await self._discard()

    async def close(self) -> None:
        """End the transaction and give the connection back, once the session using it (if any) is done.
        Later sessions raise SnapshotClosed. Shielded: a cancelled caller still leaves no connection out."""
        self._closed = True
        if self._closing is None:
            if self._connection is None and not self._lock.locked():
                return
            self._closing = asyncio.ensure_future(self._end())
        await asyncio.shield(self._closing)

    async def _end(self) -> None:
        async with self._lock:
            await self._discard()

    async def _discard(self) -> None:
        connection, self._connection, self._driver = self._connection, None, None
        if connection is None:
            return
        try:
            await connection.close()
        except Exception as error:  # a connection broken mid-statement: the pool drops it instead
            logger.warning("a read snapshot ended with %s; its connection is discarded", type(error).__name__)
            with contextlib.suppress(Exception):
                await connection.invalidate()
            with contextlib.suppress(Exception):
                await connection.close()
