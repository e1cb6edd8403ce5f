"""The integrity checks pass a whole database on SQLite and PostgreSQL, and a write refused for a read-only
transaction is named as a read-only database on both."""

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from db.faults import READ_ONLY, storage_fault
from db.health import full_check, quick_check


async def test_a_whole_database_passes_the_quick_and_the_full_check(engine: AsyncEngine) -> None:
    assert (await quick_check(engine)).ok
    assert (await full_check(engine)).ok


async def test_a_write_the_database_refuses_as_read_only_is_named_so(engine: AsyncEngine) -> None:
    pragma = "PRAGMA query_only = ON" if engine.dialect.name == "sqlite" else "SET default_transaction_read_only = on"
    async with engine.connect() as conn:
        await conn.exec_driver_sql(pragma)
        await conn.commit()
        with pytest.raises(Exception) as raised:
            await conn.execute(text("INSERT INTO meta (key, value) VALUES ('probe', 1)"))
        await conn.rollback()
        await conn.exec_driver_sql("PRAGMA query_only = OFF" if engine.dialect.name == "sqlite" else "RESET ALL")
    assert storage_fault(raised.value) == READ_ONLY
