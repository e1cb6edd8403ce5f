import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from db.engine import create_engine, create_read_engine, create_schema, create_sessionmaker
from db.settings import DatabaseSettings

# A PostgreSQL database the database-backed tests also run against, e.g.
# postgresql+asyncpg://repofolio:repofolio@127.0.0.1:5432/repofolio_test (.ci/postgres.sh starts one).
# Every table in it is dropped before each test. Read here, at collection, because `clean_env` removes
# REPOFOLIO_* from the environment of every test.
POSTGRES_URL_VARIABLE = "REPOFOLIO_TEST_POSTGRES_URL"
POSTGRES_URL = os.environ.get(POSTGRES_URL_VARIABLE, "")


def pytest_report_header() -> str:
    if not POSTGRES_URL:
        return f"databases: sqlite (PostgreSQL variants skipped: {POSTGRES_URL_VARIABLE} is not set)"
    return f"databases: sqlite, postgresql at {make_url(POSTGRES_URL).render_as_string(hide_password=True)}"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """A developer's shell (REPOFOLIO_*, GITHUB_TOKEN, a .env in the cwd) never leaks into a test."""
    for name in list(os.environ):
        if name.startswith("REPOFOLIO_") or name == "GITHUB_TOKEN":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    yield


@pytest.fixture(params=["sqlite", "postgresql"])
async def db_settings(request: pytest.FixtureRequest, tmp_path: Path) -> DatabaseSettings:
    """An empty database: a fresh SQLite file, and the same tests again on PostgreSQL when one is configured."""
    if request.param == "sqlite":
        return DatabaseSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'repofolio.db'}")
    if not POSTGRES_URL:
        pytest.skip(f"PostgreSQL variant: set {POSTGRES_URL_VARIABLE} to run it")
    await _empty_postgres(POSTGRES_URL)
    return DatabaseSettings(database_url=POSTGRES_URL)


async def _empty_postgres(url: str) -> None:
    # Dropping the schema is one statement however many tables a test left behind; the role owns the
    # database, so it may recreate `public`.
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


@pytest.fixture
async def engine(db_settings: DatabaseSettings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(db_settings)
    await create_schema(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


@pytest.fixture
async def read_engine(db_settings: DatabaseSettings, engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    """The engine the API reads through, as the app builds it (on SQLite, its own read-only connections)."""
    reader = create_read_engine(db_settings, engine)
    yield reader
    if reader is not engine:
        await reader.dispose()


@pytest.fixture
def reads(read_engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(read_engine)
