"""The nightly sync: an APScheduler 3 cron job, and a lease so several processes sync once per night."""

import hashlib
import logging
import os
import socket
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.bookkeeping import SyncLease, SyncRun
from db.models import Repository
from sync.claim import SUCCEEDED
from sync.crontab import crontab_trigger
from sync.errors import SyncAlreadyRunning
from sync.refresh import SyncSummary
from sync.runner import SyncRunner
from sync.settings import SyncSettings

log = logging.getLogger(__name__)

JOB_ID = "repofolio-sync"
NIGHT_START_HOUR = 2
NIGHT_MINUTES = 180  # 02:00 to 04:59
LEASE_RETENTION = timedelta(days=30)


def nightly_time(settings: SyncSettings) -> tuple[int, int]:
    """(hour, minute) between 02:00 and 04:59, derived from the configuration.

    Spread like a random pick, yet every process with the same configuration picks the same minute,
    so the lease can tell that they are firing for the same night.
    """
    seed = "|".join([settings.github_api_url, *sorted(owner.lower() for owner in settings.github_owners)])
    offset = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big") % NIGHT_MINUTES
    return NIGHT_START_HOUR + offset // 60, offset % 60


def cron_trigger(settings: SyncSettings) -> CronTrigger:
    timezone = ZoneInfo(settings.sync_timezone)
    if settings.sync_cron:
        return crontab_trigger(settings.sync_cron, timezone)
    hour, minute = nightly_time(settings)
    return CronTrigger(hour=hour, minute=minute, timezone=timezone)


def create_scheduler(runner: SyncRunner, settings: SyncSettings) -> AsyncIOScheduler:
    """A scheduler (not started) holding the one sync job; the lifespan starts and shuts it down."""
    trigger = cron_trigger(settings)
    scheduler = AsyncIOScheduler(timezone=ZoneInfo(settings.sync_timezone))
    scheduler.add_job(
        scheduled_sync,
        trigger,
        args=[runner, trigger, settings],
        id=JOB_ID,
        name="repofolio sync",
        replace_existing=True,
        max_instances=1,
        coalesce=True,
        misfire_grace_time=max(1, int(settings.misfire_grace.total_seconds())),
    )
    return scheduler


def next_run_at(scheduler: AsyncIOScheduler, runner: SyncRunner | None = None) -> datetime | None:
    """When the next sync starts (UTC): the job's next fire time, or the runner's rate-limit retry."""
    candidates: list[datetime] = []
    job = scheduler.get_job(JOB_ID)
    if job is not None:
        # Before start() a job has no next_run_time yet; ask its trigger.
        when = getattr(job, "next_run_time", None)
        if when is None and not scheduler.running:
            when = job.trigger.get_next_fire_time(None, datetime.now(UTC))
        if when is not None:
            candidates.append(when.astimezone(UTC))
    if runner is not None and runner.retry_at is not None:
        candidates.append(runner.retry_at.astimezone(UTC))
    return min(candidates) if candidates else None


def last_fire_time(trigger: CronTrigger, now: datetime, lookback: timedelta) -> datetime:
    """The latest fire time at or before `now` (within `lookback`), in UTC: the night's lease key."""
    fire = trigger.get_next_fire_time(None, now - lookback)
    latest: datetime | None = None
    while fire is not None and fire <= now:
        latest = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    if latest is None:  # fired a moment early, or from outside the schedule
        latest = fire or now
    return latest.astimezone(UTC).replace(microsecond=0)


async def acquire_lease(sessionmaker: async_sessionmaker[AsyncSession], fire_time: datetime, holder: str) -> bool:
    """Insert the lease row for `fire_time`; whoever inserts first wins (SQLite and PostgreSQL alike)."""
    now = datetime.now(UTC)
    try:
        async with sessionmaker() as session, session.begin():
            session.add(SyncLease(fire_time=fire_time, holder=holder, acquired_at=now))
    except IntegrityError:
        return False
    async with sessionmaker() as session, session.begin():
        await session.execute(delete(SyncLease).where(SyncLease.fire_time < now - LEASE_RETENTION))
    return True


async def scheduled_sync(runner: SyncRunner, trigger: CronTrigger, settings: SyncSettings) -> SyncSummary | None:
    """The job: take the night's lease, then sync; a process that loses the lease writes nothing."""
    fire_time = last_fire_time(trigger, datetime.now(UTC), settings.misfire_grace + timedelta(minutes=1))
    holder = f"{socket.gethostname()}:{os.getpid()}:{id(runner):x}"
    if not await acquire_lease(runner.sessionmaker, fire_time, holder):
        log.info("scheduled sync for %s skipped: another process holds the lease", f"{fire_time:%Y-%m-%d %H:%M}Z")
        return None
    try:
        return await runner.run("SCHEDULE")
    except SyncAlreadyRunning as exc:
        log.warning("scheduled sync for %s skipped: %s", f"{fire_time:%Y-%m-%d %H:%M}Z", exc)
        return None


async def startup_sync_needed(sessionmaker: async_sessionmaker[AsyncSession], settings: SyncSettings) -> bool:
    """Whether to sync at start-up: owners are configured and the cache is empty or older than allowed."""
    if not settings.github_owners:
        return False
    async with sessionmaker() as session:
        last_success = await session.scalar(select(func.max(SyncRun.finished_at)).where(SyncRun.status == SUCCEEDED))
        repositories = await session.scalar(select(func.count()).select_from(Repository))
    if last_success is None or not repositories:
        return True
    if isinstance(last_success, str):  # in case an aggregate comes back as SQLite's text
        last_success = datetime.fromisoformat(last_success)
    if last_success.tzinfo is None:
        last_success = last_success.replace(tzinfo=UTC)
    return datetime.now(UTC) - last_success > settings.startup_sync_max_age
