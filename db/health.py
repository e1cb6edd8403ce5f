"""Is the database whole? A cheap check for readiness (cached, re-run at most every few minutes) and the full
one for `repofolio db check`.

SQLite checks itself: `PRAGMA quick_check` (every page's structure, not index contents: linear in the
file's size, milliseconds for a portfolio) and `PRAGMA integrity_check` (also every index against its
table), then `PRAGMA foreign_key_check`. PostgreSQL has no cheap equivalent, so readiness there is a
round trip, and the full check reads every row of every table in the schema by a sequential scan (a
damaged page fails the read) and, when the amcheck extension is installed, checks every B-tree index
with `bt_index_check`. Any other database error is reported as a reason too, never raised.
"""

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from db.faults import CORRUPT, storage_fault

# How long a readiness result stands before the next /readyz re-checks (in the background, answering
# with the last result meanwhile).
QUICK_CHECK_MAX_AGE = 300.0
MAX_PROBLEMS = 100

Database = AsyncEngine | async_sessionmaker[AsyncSession]


@dataclass(frozen=True, slots=True)
class Integrity:
    """The outcome of one check: `reason` is one line when `ok` is False."""

    ok: bool
    reason: str = ""
    checked_at: float = 0.0  # time.monotonic() when it finished
    found: bool = False  # the check itself ran to its verdict (not: the database could not be reached)


async def ping(database: Database) -> Integrity:
    """A round trip: can the database be reached at all?"""
    return await _checked(database, "ping")


async def quick_check(database: Database) -> Integrity:
    """The cheap check readiness runs."""
    return await _checked(database, "quick")


async def full_check(engine: AsyncEngine) -> Integrity:
    """Everything the database can check about itself (slow on a large database)."""
    return await _checked(engine, "full")


async def _checked(database: Database, kind: Literal["ping", "quick", "full"]) -> Integrity:
    try:
        async with _connection(database) as conn:
            if kind == "ping":
                await conn.execute(text("SELECT 1"))
                problems = []
            elif conn.dialect.name == "sqlite":
                problems = await _sqlite_problems(conn, full=kind == "full")
            elif conn.dialect.name == "postgresql" and kind == "full":
                problems = await _postgresql_problems(conn)
            else:
                await conn.execute(text("SELECT 1"))
                problems = []
    except Exception as error:  # a corrupt file often fails the check's own read
        fault = storage_fault(error)
        if fault == CORRUPT:
            return Integrity(False, f"{CORRUPT}: {_first_line(error)}", time.monotonic(), found=True)
        return Integrity(False, fault or f"the database cannot be read: {type(error).__name__}", time.monotonic())
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return Integrity(False, f"{CORRUPT}: {problems[0]}{more}", time.monotonic(), found=True)
    return Integrity(True, checked_at=time.monotonic(), found=True)


async def _sqlite_problems(conn: AsyncConnection, *, full: bool) -> list[str]:
    pragma = "integrity_check" if full else "quick_check"
    rows = (await conn.exec_driver_sql(f"PRAGMA {pragma}({MAX_PROBLEMS})")).scalars().all()
    problems = [str(row) for row in rows if row != "ok"]
    if full and not problems:
        broken: list[tuple[Any, ...]] = [tuple(row) for row in await conn.exec_driver_sql("PRAGMA foreign_key_check")]
        for table, rowid, parent, *_ in broken:
            problems.append(f"row {rowid} of {table} refers to a missing row of {parent}")
    return problems


async def _postgresql_problems(conn: AsyncConnection) -> list[str]:
    async with conn.begin():
        tables = (
            await conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"))
        ).scalars()
        # Every heap page read, not an index-only answer from the visibility map.
        for setting in ("enable_indexscan", "enable_indexonlyscan", "enable_bitmapscan"):
            await conn.execute(text(f"SET LOCAL {setting} = off"))
        for table in list(tables):
            quoted = conn.dialect.identifier_preparer.quote(table)
            await conn.execute(text(f"SELECT count(*) FROM {quoted}"))
        if await conn.scalar(text("SELECT 1 FROM pg_extension WHERE extname = 'amcheck'")):
            await conn.execute(
                text(
                    "SELECT bt_index_check(c.oid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                    "JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE a.amname = 'btree' AND n.nspname = current_schema()"
                )
            )
    return []


@contextlib.asynccontextmanager
async def _connection(database: Database) -> AsyncIterator[AsyncConnection]:
    if isinstance(database, AsyncEngine):
        async with database.connect() as conn:
            yield conn
    else:
        async with database() as session:
            yield await session.connection()


def _first_line(error: BaseException) -> str:
    lines = str(getattr(error, "orig", None) or error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


class IntegrityMonitor:
    """The readiness check: a round trip on every call, and the quick check's last verdict, re-checked when
    older than `max_age` seconds.

    The first call waits for the quick check; later ones answer with its last verdict, and a stale one
    starts a re-check in the background, so a slow check never holds up /readyz. Only verdicts are kept:
    a database that could not be reached is asked again on the next call.
    """

    def __init__(self, *, max_age: float = QUICK_CHECK_MAX_AGE, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_age = max_age
        self._clock = clock
        self._last: Integrity | None = None
        self._task: asyncio.Task[Integrity] | None = None

    async def current(self, database: Database) -> Integrity:
        last = self._last
        if last is None or self._clock() - last.checked_at >= self.max_age:
            if self._task is None or self._task.done():
                self._task = asyncio.create_task(self._check(database), name="repofolio-integrity-check")
            if last is None:
                return await asyncio.shield(self._task)
        if not last.ok:
            return last
        return await ping(database)

    async def _check(self, database: Database) -> Integrity:
        result = await quick_check(database)
        if result.found:
            self._last = Integrity(result.ok, result.reason, self._clock(), found=True)
        return result

    async def wait(self) -> Integrity | None:
        """The result of the check in flight once it ends (the last verdict when none is)."""
        if self._task is not None:
            return await asyncio.shield(self._task)
        return self._last

    async def aclose(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
