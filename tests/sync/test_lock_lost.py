"""A run whose sync lock is lost mid-run (PostgreSQL: the session holding the advisory lock ends, as a server
restart or pg_terminate_backend ends it) gives up before applying its snapshot, since another process may
have taken the lock and be syncing."""

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.bookkeeping import SyncRun
from db.ownership import LOCK_KEY_HALVES
from db.settings import DatabaseSettings
from sync.claim import FAILED, RUNNING, claim_run
from sync.errors import SyncLockLost
from sync.github.transport import create_http_client
from sync.runner import SyncRunner
from sync.settings import SyncSettings
from tests.fakes.github import FakeGitHub
from tests.fakes.hold import Hold
from tests.sync.conftest import dump

Maker = async_sessionmaker[AsyncSession]
WAIT = 60.0


@pytest.fixture
async def held_http(fake: FakeGitHub, settings: SyncSettings) -> AsyncIterator[httpx.AsyncClient]:
    """The fake GitHub with the first languages request (and every one after it) held until released."""
    fake.hold = Hold("/languages")
    async with create_http_client(settings, transport=httpx.MockTransport(fake.handle_async)) as client:
        yield client
    fake.hold.release()


async def terminate_lock_session(engine: AsyncEngine) -> int:
    """pg_terminate_backend on the session holding the sync lock of this database; how many sessions it ended.

    pg_locks shows the whole server's locks: a test running beside this one (pytest -n) may hold the same key
    in a database of its own."""
    async with engine.connect() as connection:
        ended = await connection.scalars(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND classid::bigint = :high AND objid::bigint = :low AND objsubid = 1"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            ),
            LOCK_KEY_HALVES,
        )
        return sum(1 for ok in ended if ok)


async def test_a_run_whose_lock_session_was_terminated_gives_up_and_leaves_the_other_processs_run_alone(
    db_settings: DatabaseSettings,
    engine: AsyncEngine,
    sessionmaker: Maker,
    fake: FakeGitHub,
    held_http: httpx.AsyncClient,
    settings: SyncSettings,
) -> None:
    """It applied its snapshot anyway, beside the process that took the lock after the session ended."""
    if engine.dialect.name != "postgresql":
        pytest.skip("a SQLite file's flock cannot be taken from its process while it runs")
    before = await dump(sessionmaker)
    runner = SyncRunner(sessionmaker, held_http, settings)
    try:
        run_id, started = await runner.request("CLI")
        assert started
        await asyncio.to_thread(fake.hold.wait_arrived, WAIT)  # type: ignore[union-attr]
        assert await terminate_lock_session(engine) == 1
        # Another process takes the free lock: the first run looks abandoned to it, and it starts its own.
        other = await asyncio.wait_for(claim_run(sessionmaker, "SCHEDULE"), WAIT)
        assert other is not None
        fake.hold.release()  # type: ignore[union-attr]
        summary = await asyncio.wait_for(runner.wait(), WAIT)
        assert summary is not None
        assert (summary.run_id, summary.status, summary.error) == (run_id, FAILED, str(SyncLockLost()))
        assert await dump(sessionmaker) == before  # the cache whole: nothing of the first run applied
        async with sessionmaker() as session:
            statuses = (await session.execute(select(SyncRun.id, SyncRun.status).order_by(SyncRun.id))).all()
        assert [tuple(row) for row in statuses] == [(run_id, FAILED), (other.run_id, RUNNING)]
        await other.release()
    finally:
        await runner.aclose()
