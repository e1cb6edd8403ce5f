import asyncio

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from db.bookkeeping import Meta
from db.engine import create_engine, create_schema, create_sessionmaker
from db.migrate import alembic_config
from db.models import Repository
from db.settings import DatabaseSettings
from tests.db.legacy import ROWS, make_195a580_database

GRAPH_TABLES = {"repository", "language", "contributor", "repository_language", "repository_contributor"}


async def test_schema_creation_is_idempotent(engine: AsyncEngine) -> None:
    """Creating the schema twice keeps every table and a single data-version row."""
    await create_schema(engine)
    async with engine.connect() as conn:
        tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        assert tables >= GRAPH_TABLES
        assert await conn.scalar(select(func.count()).select_from(Meta)) == 1


@pytest.mark.parametrize("db_settings", ["sqlite"], indirect=True)
async def test_sqlite_connections_enforce_foreign_keys_and_use_wal(engine: AsyncEngine) -> None:
    """Every SQLite connection has foreign keys on and the database is in WAL mode."""
    async with engine.connect() as conn:
        assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
        assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"


async def test_processes_starting_at_once_on_a_new_database_all_succeed(
    db_settings: DatabaseSettings,
) -> None:
    """Three engines migrating one empty database concurrently all succeed, with one meta row."""
    engines = [create_engine(db_settings) for _ in range(3)]
    await engines[0].dispose()  # the fixture-free path: nothing has created any table yet
    try:
        await asyncio.wait_for(asyncio.gather(*(create_schema(engine) for engine in engines)), timeout=30)
        async with engines[0].connect() as conn:
            assert set(await conn.run_sync(lambda c: inspect(c).get_table_names())) >= GRAPH_TABLES
            assert await conn.scalar(select(func.count()).select_from(Meta)) == 1
    finally:
        for engine in engines:
            await engine.dispose()


async def test_processes_starting_at_once_on_a_195a580_database_stamp_it_once(db_settings: DatabaseSettings) -> None:
    """Three engines opening one database made before migrations concurrently all succeed: it is stamped
    once, at head, and keeps its rows."""
    await make_195a580_database(db_settings.database_url)
    engines = [create_engine(db_settings) for _ in range(3)]
    try:
        await asyncio.wait_for(asyncio.gather(*(create_schema(engine) for engine in engines)), timeout=30)
        async with engines[0].connect() as conn:
            revisions = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
            assert revisions == list(ScriptDirectory.from_config(alembic_config()).get_heads())
            assert await conn.scalar(select(func.count()).select_from(Repository)) == len(ROWS["repository"])
    finally:
        for engine in engines:
            await engine.dispose()


@pytest.mark.parametrize("db_settings", ["sqlite"], indirect=True)
async def test_a_session_closed_mid_write_leaves_nothing_behind(engine: AsyncEngine) -> None:
    """A session that wrote and closed without committing (the pool does not roll back again on SQLite)
    leaves no row and no open transaction: the next sessions, on every pooled connection, read and write."""
    sessionmaker = create_sessionmaker(engine)
    async with sessionmaker() as session:
        await session.execute(text("UPDATE meta SET value = value + 100"))
    async with sessionmaker() as first, sessionmaker() as second:
        assert await first.scalar(select(Meta.value)) == await second.scalar(select(Meta.value)) < 100
        await second.execute(text("UPDATE meta SET value = value + 1"))
        await second.commit()
