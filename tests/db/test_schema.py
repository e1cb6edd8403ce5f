from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import create_schema


async def test_schema_creation_is_idempotent_and_sqlite_is_configured(engine: AsyncEngine) -> None:
    """Creating the schema twice keeps every table, with foreign keys and WAL on each connection."""
    await create_schema(engine)
    async with engine.connect() as conn:
        tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        assert {"repository", "language", "contributor", "repository_language", "repository_contributor"} <= tables
        assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
        assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
