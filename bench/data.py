"""Benchmark databases: graph.demo.generator's deterministic generator, written to a SQLite file."""

import asyncio
from pathlib import Path

from db.engine import create_engine, create_schema, create_sessionmaker
from db.settings import DatabaseSettings
from graph.demo.generator import DemoData, generate
from graph.demo.load import load_rows

SEED = 7


def database_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def dataset(size: int) -> DemoData:
    """`size` repositories of one user (~3 languages and ~4 contributors each), always the same rows."""
    return generate(user_repos=size, org_repos=0, seed=SEED)


async def _write(path: Path, data: DemoData) -> None:
    engine = create_engine(DatabaseSettings(database_url=database_url(path)))
    try:
        await create_schema(engine)
        await load_rows(create_sessionmaker(engine), data)
    finally:
        await engine.dispose()


def build_database(path: Path, size: int) -> DemoData:
    """A fresh database file holding `dataset(size)`."""
    path.unlink(missing_ok=True)
    data = dataset(size)
    asyncio.run(_write(path, data))
    return data
