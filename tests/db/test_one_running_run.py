"""The database allows one RUNNING sync run at most (revision 0002), and a database made at the revision
before it, with several RUNNING runs left by the old start-ups, upgrades with every other row intact."""

from typing import Any

import pytest
from alembic import command
from sqlalchemy import Connection, MetaData, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db import migrate
from db.bookkeeping import SyncRun
from db.engine import create_engine, create_schema
from db.settings import DatabaseSettings
from tests.db.legacy import ROWS, T0, T1, make_195a580_database, read_rows

ABANDONED = "abandoned: the process running it stopped before it finished"


def _run(number: int, status: str, **values: Any) -> dict[str, Any]:
    return {**ROWS["sync_run"][0], "id": number, "status": status, "finished_at": None, **values}


async def test_a_second_running_run_is_refused_by_the_database(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """Whatever the processes do (a check-then-insert racing another), two RUNNING rows cannot both commit;
    any number of ended runs can."""
    async with sessionmaker() as session, session.begin():
        session.add_all(
            SyncRun(trigger="CLI", status=status, started_at=T0) for status in ("RUNNING", "FAILED", "FAILED")
        )
    with pytest.raises(IntegrityError):
        async with sessionmaker() as session, session.begin():
            session.add(SyncRun(trigger="STARTUP", status="RUNNING", started_at=T1))
    async with sessionmaker() as session:
        assert list(await session.scalars(select(SyncRun.status).order_by(SyncRun.id))) == [
            "RUNNING",
            "FAILED",
            "FAILED",
        ]


def _stamp_previous_revision(conn: Connection) -> None:
    command.stamp(migrate.alembic_config(conn), "0001")


async def test_a_database_at_the_previous_revision_upgrades_keeping_its_newest_running_run(
    db_settings: DatabaseSettings,
) -> None:
    """At revision 0001 with three RUNNING runs (as start-ups racing each other left them): the upgrade fails
    the two older ones as abandoned, keeps the newest RUNNING, and every other row of every table as it was."""
    url = db_settings.database_url
    await make_195a580_database(url)
    engine = create_engine(db_settings)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_stamp_previous_revision)
            sync_run = (await conn.run_sync(_reflect)).tables["sync_run"]
            await conn.execute(
                insert(sync_run),
                [
                    _run(2, "RUNNING"),
                    _run(3, "FAILED", error="x", finished_at=T1),
                    _run(4, "RUNNING"),
                    _run(5, "RUNNING"),
                ],
            )
        before = await read_rows(url)

        state = await create_schema(engine)
        assert state.current == ("0001",)
        after = await read_rows(url)
        assert {k: v for k, v in after.items() if k != "sync_run"} == {
            k: v for k, v in before.items() if k != "sync_run"
        }
        runs = {row["id"]: row for row in after["sync_run"]}
        assert [(n, runs[n]["status"], runs[n]["error"]) for n in sorted(runs)] == [
            (1, "SUCCEEDED", None),
            (2, "FAILED", ABANDONED),
            (3, "FAILED", "x"),
            (4, "FAILED", ABANDONED),
            (5, "RUNNING", None),
        ]
        assert runs[2]["finished_at"] is not None and runs[1] == before["sync_run"][0]
        with pytest.raises(IntegrityError):
            async with engine.begin() as conn:
                await conn.execute(insert(sync_run), [_run(6, "RUNNING")])
    finally:
        await engine.dispose()


def _reflect(conn: Connection) -> MetaData:
    metadata = MetaData()
    metadata.reflect(conn)
    return metadata
