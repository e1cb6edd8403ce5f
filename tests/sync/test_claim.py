"""Claiming a run: RUNNING only under the sync lock, abandoned only when its owner is gone."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.bookkeeping import SyncRun
from sync.claim import ABANDONED, claim_run, fail_abandoned_runs
from sync.errors import SyncAlreadyRunning
from tests.sync.conftest import add_run

Maker = async_sessionmaker[AsyncSession]


async def statuses(sessionmaker: Maker) -> list[tuple[int, str, str | None]]:
    async with sessionmaker() as session:
        rows = (await session.scalars(select(SyncRun).order_by(SyncRun.id))).all()
    return [(row.id, row.status, row.error) for row in rows]


async def test_a_live_owners_run_is_never_abandoned_however_old(sessionmaker: Maker) -> None:
    """Start-up used to fail every RUNNING run, another live process's included; now only an ownerless one."""
    claim = await claim_run(sessionmaker, "CLI")
    assert claim is not None
    async with sessionmaker() as session, session.begin():
        run = await session.get_one(SyncRun, claim.run_id)
        run.started_at = datetime.now(UTC) - timedelta(hours=3)  # older than any run timeout
    try:
        assert await fail_abandoned_runs(sessionmaker) == 0
        assert await statuses(sessionmaker) == [(claim.run_id, "RUNNING", None)]
        with pytest.raises(SyncAlreadyRunning, match=f"sync run {claim.run_id} is already running"):
            await claim_run(sessionmaker, "MUTATION")
    finally:
        await claim.release()


async def test_a_run_whose_owner_is_gone_is_failed_as_abandoned_at_once(sessionmaker: Maker) -> None:
    """A RUNNING row nobody holds the lock for (its process died), however young, is FAILED; the next claim
    proceeds."""
    orphan = await add_run(sessionmaker, "SCHEDULE")
    assert await fail_abandoned_runs(sessionmaker) == 1
    assert await statuses(sessionmaker) == [(orphan, "FAILED", ABANDONED)]
    await add_run(sessionmaker, "STARTUP")
    claim = await claim_run(sessionmaker, "CLI")
    assert claim is not None
    await claim.release()
    assert [status for _, status, _ in await statuses(sessionmaker)] == ["FAILED", "FAILED", "RUNNING"]


async def test_a_claim_not_needed_once_the_lock_is_held_records_nothing_and_frees_the_lock(
    sessionmaker: Maker,
) -> None:
    asked = []

    async def not_needed() -> bool:
        asked.append(True)
        return False

    assert await claim_run(sessionmaker, "STARTUP", needed=not_needed) is None
    assert asked == [True] and await statuses(sessionmaker) == []
    claim = await claim_run(sessionmaker, "CLI")
    assert claim is not None
    await claim.release()
