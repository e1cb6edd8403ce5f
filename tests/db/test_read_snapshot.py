"""A read snapshot: its sessions read one committed state, a failed statement fails only its own session,
and closing it gives its connection back."""

import pytest
from sqlalchemy import exc, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.models import Language
from db.snapshot import ReadSnapshot, SnapshotClosed


async def _count(snapshot: ReadSnapshot) -> int:
    async with snapshot.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Language)) or 0)


async def _add(engine: AsyncEngine, name: str) -> None:
    async with engine.begin() as connection:
        await connection.execute(insert(Language).values(name=name, color=None))


async def _fail(snapshot: ReadSnapshot) -> None:
    with pytest.raises(exc.DBAPIError):
        async with snapshot.session() as session:
            await session.execute(text("SELECT * FROM no_such_table"))


async def test_a_failed_statement_fails_its_session_only_and_the_state_read_stays(
    engine: AsyncEngine, reads: async_sessionmaker[AsyncSession]
) -> None:
    """Commits after the first read are not seen by later sessions, before or after one that fails (on
    PostgreSQL the failure would abort the transaction without the savepoint)."""
    snapshot = ReadSnapshot(reads)
    try:
        assert await _count(snapshot) == 0
        await _add(engine, "Go")
        await _fail(snapshot)
        await _add(engine, "Rust")
        assert await _count(snapshot) == 0
    finally:
        await snapshot.close()
    later = ReadSnapshot(reads)
    assert await _count(later) == 2
    await later.close()


async def test_a_first_session_that_fails_leaves_a_working_snapshot(
    engine: AsyncEngine, reads: async_sessionmaker[AsyncSession]
) -> None:
    """The first statement fails: the next session reads, and keeps reading the state it saw first."""
    snapshot = ReadSnapshot(reads)
    try:
        await _fail(snapshot)
        assert await _count(snapshot) == 0
        await _add(engine, "Go")
        assert await _count(snapshot) == 0
    finally:
        await snapshot.close()


async def test_closing_gives_the_connection_back_and_refuses_later_reads(
    engine: AsyncEngine, read_engine: AsyncEngine, reads: async_sessionmaker[AsyncSession]
) -> None:
    snapshot = ReadSnapshot(reads)
    assert await _count(snapshot) == 0
    assert read_engine.pool.checkedout() == 1  # type: ignore[attr-defined]
    await snapshot.close()
    assert read_engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    with pytest.raises(SnapshotClosed):
        await _count(snapshot)
    await snapshot.close()  # twice is harmless
