from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.engine import create_engine, create_schema, create_sessionmaker
from db.settings import DatabaseSettings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """A developer's shell (REPOFOLIO_*, GITHUB_TOKEN, a .env in the cwd) never leaks into a test."""
    import os

    for name in list(os.environ):
        if name.startswith("REPOFOLIO_") or name == "GITHUB_TOKEN":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    yield


@pytest.fixture
def db_settings(tmp_path: Path) -> DatabaseSettings:
    return DatabaseSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'repofolio.db'}")


@pytest.fixture
async def engine(db_settings: DatabaseSettings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(db_settings)
    await create_schema(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)
