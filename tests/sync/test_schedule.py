import asyncio
import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.bookkeeping import SyncLease, SyncRun
from db.models import Repository, RepositoryContributor, RepositoryLanguage
from sync.runner import SyncRunner
from sync.schedule import (
    JOB_ID,
    create_scheduler,
    cron_trigger,
    last_fire_time,
    next_run_at,
    nightly_time,
    scheduled_sync,
    startup_sync_needed,
)
from sync.settings import SyncSettings
from tests.sync.conftest import Sleeps, SyncOnce, add_run

Maker = async_sessionmaker[AsyncSession]


async def count(sessionmaker: Maker, model: type[SyncRun] | type[SyncLease]) -> int:
    async with sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_scheduler_holds_one_cron_job_with_a_stable_id(
    sessionmaker: Maker, http: httpx.AsyncClient, settings: SyncSettings
) -> None:
    runner = SyncRunner(sessionmaker, http, settings)
    scheduler = create_scheduler(runner, settings)
    scheduler.start()
    try:
        [job] = scheduler.get_jobs()
        assert job.id == JOB_ID and job.max_instances == 1 and job.coalesce is True
        assert job.misfire_grace_time == 3600
        when = next_run_at(scheduler)
        assert when is not None and when.tzinfo is not None
        assert (when.hour, when.minute) == nightly_time(settings)
        assert timedelta(0) < when - datetime.now(UTC) <= timedelta(days=1)
    finally:
        scheduler.shutdown(wait=False)
        await runner.aclose()


def test_nightly_minute_is_derived_from_the_configuration_and_falls_between_two_and_five() -> None:
    """Every process with the same owners picks the same minute; different setups spread over 02:00-04:59."""
    same = [SyncSettings(github_owners=owners) for owners in ("octocat,acme", "ACME, octocat", "acme,octocat")]
    assert len({nightly_time(settings) for settings in same}) == 1
    picks = {nightly_time(SyncSettings(github_owners=f"owner{i}")) for i in range(300)}
    assert all(2 <= hour <= 4 and 0 <= minute <= 59 for hour, minute in picks)
    assert len(picks) > 100 and {hour for hour, _ in picks} == {2, 3, 4}


def test_cron_and_timezone_are_configurable() -> None:
    """A standard crontab: weekday 1 is Monday (APScheduler 3 alone would read Tuesday)."""
    settings = SyncSettings(sync_cron="30 1 * * 1", sync_timezone="Europe/Paris")
    trigger = cron_trigger(settings)
    after = datetime(2025, 1, 1, tzinfo=UTC)  # a Wednesday
    assert trigger.get_next_fire_time(None, after) == datetime(2025, 1, 6, 1, 30, tzinfo=ZoneInfo("Europe/Paris"))
    weekend = cron_trigger(SyncSettings(sync_cron="0 4 * * 0,6"))
    saturday = weekend.get_next_fire_time(None, after)
    assert saturday == datetime(2025, 1, 4, 4, tzinfo=UTC)
    assert weekend.get_next_fire_time(saturday, saturday + timedelta(seconds=1)) == datetime(2025, 1, 5, 4, tzinfo=UTC)
    weekdays = cron_trigger(SyncSettings(sync_cron="0 4 * * 0-2"))
    assert weekdays.get_next_fire_time(None, after + timedelta(days=3)) == datetime(2025, 1, 5, 4, tzinfo=UTC)


def test_the_lease_key_is_the_latest_fire_time() -> None:
    trigger = CronTrigger(hour=3, minute=17, timezone=UTC)
    now = datetime(2025, 3, 4, 3, 17, 0, 450_000, tzinfo=UTC)
    expected = datetime(2025, 3, 4, 3, 17, tzinfo=UTC)
    assert last_fire_time(trigger, now, timedelta(hours=1)) == expected
    assert last_fire_time(trigger, now + timedelta(minutes=40), timedelta(hours=1)) == expected


async def test_the_lease_lets_exactly_one_of_two_processes_sync_a_fire_time(
    sessionmaker: Maker,
    http: httpx.AsyncClient,
    settings: SyncSettings,
    sleeps: Sleeps,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Two schedulers fire for the same night on one database: one syncs, the other logs "skipped"."""
    caplog.set_level(logging.INFO, logger="sync.schedule")
    first = SyncRunner(sessionmaker, http, settings, sleep=sleeps)
    second = SyncRunner(sessionmaker, http, settings, sleep=sleeps)
    trigger = cron_trigger(settings)
    try:
        results = await asyncio.gather(
            scheduled_sync(first, trigger, settings), scheduled_sync(second, trigger, settings)
        )
    finally:
        await first.aclose()
        await second.aclose()
    ran = [result for result in results if result is not None]
    assert len(ran) == 1 and ran[0].succeeded and ran[0].trigger == "SCHEDULE"
    assert await count(sessionmaker, SyncRun) == 1 and await count(sessionmaker, SyncLease) == 1
    assert any("skipped" in record.getMessage() for record in caplog.records)


async def test_a_started_scheduler_runs_the_job(
    sessionmaker: Maker, http: httpx.AsyncClient, settings: SyncSettings, sleeps: Sleeps
) -> None:
    """Fired by APScheduler itself (moved to now), the job takes the lease and syncs."""
    runner = SyncRunner(sessionmaker, http, settings, sleep=sleeps)
    scheduler = create_scheduler(runner, settings)
    scheduler.start()
    try:
        scheduler.modify_job(JOB_ID, next_run_time=datetime.now(UTC))
        async with asyncio.timeout(10):
            while await count(sessionmaker, SyncLease) == 0 or runner.running or runner.last_summary is None:  # noqa: ASYNC110
                await asyncio.sleep(0.02)
        assert runner.last_summary.succeeded
    finally:
        scheduler.shutdown(wait=False)
        await runner.aclose()


async def test_next_run_at_includes_the_rate_limit_retry(
    sessionmaker: Maker, http: httpx.AsyncClient, settings: SyncSettings
) -> None:
    runner = SyncRunner(sessionmaker, http, settings)
    scheduler = create_scheduler(runner, settings)
    soon = datetime.now(UTC) + timedelta(minutes=5)
    runner.retry_at = soon
    assert next_run_at(scheduler, runner) == soon
    runner.retry_at = None
    assert next_run_at(scheduler, runner) == next_run_at(scheduler)
    await runner.aclose()


async def test_startup_sync_runs_on_an_empty_or_stale_cache_only(
    sessionmaker: Maker, settings: SyncSettings, sync_once: SyncOnce
) -> None:
    """Only a successful run makes the cache fresh: a failed, cancelled or running one after it does not."""
    assert await startup_sync_needed(sessionmaker, settings)
    assert not await startup_sync_needed(sessionmaker, SyncSettings())  # no owners: nothing to sync
    summary = await sync_once()
    assert not await startup_sync_needed(sessionmaker, settings)
    async with sessionmaker() as session, session.begin():
        run = await session.get_one(SyncRun, summary.run_id)
        run.finished_at = datetime.now(UTC) - timedelta(hours=25)
    assert await startup_sync_needed(sessionmaker, settings)
    assert not await startup_sync_needed(
        sessionmaker, settings.model_copy(update={"startup_sync_max_age": timedelta(days=2)})
    )
    for status in ("FAILED", "CANCELLED"):  # ended a moment ago, without fresh data
        ended_id = await add_run(sessionmaker, "CLI")
        async with sessionmaker() as session, session.begin():
            ended = await session.get_one(SyncRun, ended_id)
            ended.status, ended.finished_at = status, datetime.now(UTC)
        assert await startup_sync_needed(sessionmaker, settings), status
    await add_run(sessionmaker, "CLI")
    assert await startup_sync_needed(sessionmaker, settings)


async def test_startup_sync_runs_on_a_recently_synced_but_empty_cache(
    sessionmaker: Maker, settings: SyncSettings, sync_once: SyncOnce
) -> None:
    """A fresh successful run that left no repositories (e.g. the owners had none yet) still syncs at start-up."""
    assert (await sync_once()).succeeded
    assert not await startup_sync_needed(sessionmaker, settings)
    async with sessionmaker() as session, session.begin():
        for table in (RepositoryLanguage, RepositoryContributor, Repository):
            await session.execute(delete(table))
    assert await startup_sync_needed(sessionmaker, settings)
