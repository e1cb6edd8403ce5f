import asyncio
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
from tests.databases import COPIED, PostgresDatabases, SqliteTemplates, sqlite_url, wanted

# A PostgreSQL database the database-backed tests also run against, e.g.
# postgresql+asyncpg://repofolio:repofolio@127.0.0.1:5432/repofolio_test (.ci/postgres.sh starts one).
# Each test gets a database of its own on that server (tests/databases.py). Read here, at collection,
# because `clean_env` removes REPOFOLIO_* from the environment of every test.
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


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplates:
    return SqliteTemplates(tmp_path_factory.mktemp("templates"))


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases | None]:
    """The PostgreSQL databases tests get; None without a server, or where the role may not create databases."""
    databases = PostgresDatabases(POSTGRES_URL) if POSTGRES_URL else None
    if not databases or not asyncio.run(databases.may_create_databases()):
        if databases and databases.worker:
            pytest.fail(
                f"the PostgreSQL role of {POSTGRES_URL_VARIABLE} may not create databases, so every test would "
                "empty the same one while other xdist workers use it: grant it CREATEDB, or run `pytest -n 0`"
            )
        yield None
        return
    yield databases
    asyncio.run(databases.drop_all())


@pytest.fixture(params=["sqlite", "postgresql"])
async def db_settings(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_templates: SqliteTemplates,
    postgres_databases: PostgresDatabases | None,
) -> DatabaseSettings:
    """A database of this test's own, on SQLite and, when one is configured, on PostgreSQL: empty, or a copy of
    the migrated (and demo-loaded) template when the test asks for an `engine` (tests/databases.py)."""
    template = wanted(request.fixturenames)
    request.node.stash[COPIED] = template
    if request.param == "sqlite":
        path = tmp_path / "repofolio.db"
        if template:
            sqlite_templates.copy(template, path)
        return DatabaseSettings(database_url=sqlite_url(path))
    if not POSTGRES_URL:
        pytest.skip(f"PostgreSQL variant: set {POSTGRES_URL_VARIABLE} to run it")
    if postgres_databases:
        return DatabaseSettings(database_url=await postgres_databases.case(template))
    request.node.stash[COPIED] = None
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
    """The database at the head revision, as `repofolio serve` leaves a new one."""
    engine = create_engine(db_settings)
    await create_schema(engine)  # a copy of the template is at head already: one read of the revision
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
