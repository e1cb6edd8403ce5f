"""DataVersionReader: the per-request read of the data version, through sqlite3 or the engine."""

from pathlib import Path

from db.data_version import DataVersionReader, bump_data_version
from db.engine import create_engine, create_schema, create_sessionmaker
from db.settings import DatabaseSettings


async def test_the_reader_sees_a_bump_committed_by_another_engine_at_once(tmp_path: Path) -> None:
    settings = DatabaseSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'version.db'}")
    engine, other = create_engine(settings), create_engine(settings)
    await create_schema(engine)
    reader = DataVersionReader(engine)
    try:
        before = await reader.read()
        async with create_sessionmaker(other)() as session, session.begin():
            await bump_data_version(session)
        assert await reader.read() == before + 1
    finally:
        reader.close()
        await engine.dispose()
        await other.dispose()


async def test_an_in_memory_database_is_read_through_the_engine() -> None:
    engine = create_engine(DatabaseSettings(database_url="sqlite+aiosqlite://"))
    await create_schema(engine)
    reader = DataVersionReader(engine)
    try:
        assert await reader.read() == 1
    finally:
        reader.close()
        await engine.dispose()


async def test_a_closed_reader_falls_back_to_the_engine(tmp_path: Path) -> None:
    engine = create_engine(DatabaseSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'version.db'}"))
    await create_schema(engine)
    reader = DataVersionReader(engine)
    reader.close()
    try:
        assert await reader.read() == 1
    finally:
        await engine.dispose()
