"""Claiming a sync run: the sync lock first, then the RUNNING record, so a run is RUNNING only while the
process that runs it lives (db/ownership.py), and one process at a time syncs a database.

Whoever takes the lock finds any RUNNING run abandoned (its owner is provably gone, since it held the lock
until it recorded the end) and marks it FAILED; whoever cannot take it is told which run is in progress.
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.bookkeeping import SyncRun
from db.ownership import SyncLock, try_sync_lock
from sync.errors import SyncAlreadyRunning, SyncLockBusy, SyncLockLost

log = logging.getLogger(__name__)

TRIGGERS = ("CLI", "MUTATION", "SCHEDULE", "STARTUP")
RUNNING, SUCCEEDED, FAILED, CANCELLED = "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"
ABANDONED = "abandoned: the process running it stopped before it finished"
# How long to wait for the holder of the lock to show its RUNNING run (it holds the lock a moment before
# inserting it, and a moment after recording the end) before calling the lock stuck.
LOCK_PATIENCE = 10.0
LOCK_POLL = 0.05


@dataclass
class Claim:
    """A RUNNING run and the lock that ties it to this process; `release` once its end is recorded."""

    run_id: int
    lock: SyncLock

    async def release(self) -> None:
        await asyncio.shield(self.lock.release())


async def claim_run(
    sessionmaker: async_sessionmaker[AsyncSession],
    trigger: str,
    *,
    needed: Callable[[], Awaitable[bool]] | None = None,
    patience: float = LOCK_PATIENCE,
) -> Claim | None:
    """Take the sync lock and record a RUNNING run; SyncAlreadyRunning with the run another process has
    in progress. With `needed`, it is asked once the lock is held, so no other run can change its answer,
    and None returned (nothing recorded) when it says no."""
    if trigger not in TRIGGERS:
        raise ValueError(f"trigger must be one of {TRIGGERS}, not {trigger!r}")
    lock = await _lock_or_busy(sessionmaker, patience)
    try:
        await _fail_abandoned(sessionmaker)
        if needed is not None and not await needed():
            await lock.release()
            return None
        run_id = await _insert_running(sessionmaker, trigger)
    except BaseException:
        await asyncio.shield(lock.release())
        raise
    return Claim(run_id, lock)


async def ensure_still_owner(session: AsyncSession, run_id: int, lock: SyncLock | None) -> None:
    """SyncLockLost unless this process still holds the sync lock and its run is still RUNNING; asked in the
    transaction that applies a snapshot, just before it commits. The run's row is locked (PostgreSQL), so a
    process that took the lock meanwhile either has failed it already (seen here) or waits for this commit
    before it fails it and starts its own run: one process's snapshot at a time, never two interleaved."""
    if lock is not None and not await lock.still_held():
        raise SyncLockLost()
    status = await session.scalar(select(SyncRun.status).where(SyncRun.id == run_id).with_for_update())
    if status != RUNNING:
        raise SyncLockLost()


async def fail_abandoned_runs(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    """Mark the runs left RUNNING by a process that died as FAILED, if no live process is syncing; return
    how many. A live process's run, in this process or another, is never touched."""
    lock = await try_sync_lock(engine_of(sessionmaker))
    if lock is None:
        return 0
    try:
        return await _fail_abandoned(sessionmaker)
    finally:
        await asyncio.shield(lock.release())


async def running_run_id(sessionmaker: async_sessionmaker[AsyncSession]) -> int | None:
    """The id of the run RUNNING in the database (any process), if any."""
    async with sessionmaker() as session:
        return await session.scalar(
            select(SyncRun.id).where(SyncRun.status == RUNNING).order_by(SyncRun.id.desc()).limit(1)
        )


def engine_of(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncEngine:
    engine = sessionmaker.kw.get("bind")
    if not isinstance(engine, AsyncEngine):
        raise TypeError("the sessionmaker must be bound to an AsyncEngine")
    return engine


async def _lock_or_busy(sessionmaker: async_sessionmaker[AsyncSession], patience: float) -> SyncLock:
    engine = engine_of(sessionmaker)
    deadline = time.monotonic() + patience
    while True:
        lock = await try_sync_lock(engine)
        if lock is not None:
            return lock
        busy = await running_run_id(sessionmaker)
        if busy is not None:
            raise SyncAlreadyRunning(busy)
        if time.monotonic() >= deadline:
            raise SyncLockBusy(patience)
        await asyncio.sleep(LOCK_POLL)


async def _fail_abandoned(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    async with sessionmaker() as session, session.begin():
        result = await session.execute(
            update(SyncRun)
            .where(SyncRun.status == RUNNING)
            .values(status=FAILED, finished_at=datetime.now(UTC), error=ABANDONED)
        )
    count = int(result.rowcount or 0)  # type: ignore[attr-defined]
    if count:
        log.warning("marked %d abandoned sync run(s) as failed: the process running them is gone", count)
    return count


async def _insert_running(sessionmaker: async_sessionmaker[AsyncSession], trigger: str) -> int:
    try:
        async with sessionmaker() as session, session.begin():
            run = SyncRun(trigger=trigger, status=RUNNING, started_at=datetime.now(UTC))
            session.add(run)
            await session.flush()
            return run.id
    except IntegrityError:
        # The database's own guard (one RUNNING run at most) caught what the lock should have: say who runs.
        busy = await running_run_id(sessionmaker)
        if busy is None:
            raise
        raise SyncAlreadyRunning(busy) from None
