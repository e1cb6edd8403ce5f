"""The read engine: the API's queries on a SQLite file read on the event loop's thread, and only read."""

import asyncio
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import exc, func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import create_engine, create_read_engine, create_schema, create_sessionmaker
from db.models import Language
from db.settings import DatabaseSettings


@pytest.fixture
async def engines(tmp_path: Path) -> AsyncIterator[tuple[AsyncEngine, AsyncEngine]]:
    settings = DatabaseSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'reads.db'}")
    engine = create_engine(settings)
    await create_schema(engine)
    reader = create_read_engine(settings, engine)
    yield engine, reader
    await reader.dispose()
    await engine.dispose()


async def _languages(reader: AsyncEngine) -> list[str]:
    async with create_sessionmaker(reader)() as session:
        return list(await session.scalars(select(Language.name).order_by(Language.name)))


async def test_reads_see_each_commit_of_the_writing_engine_at_once(engines: tuple[AsyncEngine, AsyncEngine]) -> None:
    engine, reader = engines
    assert await _languages(reader) == []
    for name in ("Go", "Python"):
        async with engine.begin() as connection:
            await connection.execute(insert(Language).values(name=name, color=None))
        assert name in await _languages(reader)  # the pooled read connection holds no old snapshot
    assert await _languages(reader) == ["Go", "Python"]


async def test_one_transaction_of_the_read_engine_reads_one_state(engines: tuple[AsyncEngine, AsyncEngine]) -> None:
    """A commit between two statements of one read transaction is not seen by the second (sqlite3 alone
    begins no transaction before a SELECT), and the next transaction sees it."""
    engine, reader = engines
    async with create_sessionmaker(reader)() as session:
        assert list(await session.scalars(select(Language.name))) == []
        async with engine.begin() as connection:
            await connection.execute(insert(Language).values(name="Go", color=None))
        assert list(await session.scalars(select(Language.name))) == []
    assert await _languages(reader) == ["Go"]


async def test_a_write_through_the_read_engine_is_refused_and_changes_nothing(
    engines: tuple[AsyncEngine, AsyncEngine],
) -> None:
    engine, reader = engines
    with pytest.raises(exc.OperationalError, match="readonly"):
        async with reader.begin() as connection:
            await connection.execute(insert(Language).values(name="Go", color=None))
    async with engine.connect() as connection:
        assert await connection.scalar(select(func.count()).select_from(Language)) == 0


async def test_reads_start_no_thread(engines: tuple[AsyncEngine, AsyncEngine]) -> None:
    _, reader = engines
    before = threading.active_count()
    await asyncio.gather(*(_languages(reader) for _ in range(5)))
    assert threading.active_count() == before


async def test_changing_a_read_connections_isolation_level_fails_at_once(
    engines: tuple[AsyncEngine, AsyncEngine],
) -> None:
    """aiosqlite sets it through its thread's queue; with no thread that would wait forever."""
    _, reader = engines
    async with asyncio.timeout(5):
        with pytest.raises(RuntimeError, match="event loop's thread"):
            async with reader.connect() as connection:
                await connection.execution_options(isolation_level="SERIALIZABLE")


async def test_other_databases_read_through_the_writing_engine() -> None:
    settings = DatabaseSettings(database_url="sqlite+aiosqlite://")
    engine = create_engine(settings)
    try:
        assert create_read_engine(settings, engine) is engine
    finally:
        await engine.dispose()
