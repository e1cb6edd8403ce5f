import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.bookkeeping import SyncRun
from sync.errors import SyncAlreadyRunning
from sync.github.transport import create_http_client
from sync.runner import SyncRunner
from sync.settings import SyncSettings
from tests.fakes.github import FakeGitHub
from tests.sync.conftest import Sleeps, dump, repositories

Maker = async_sessionmaker[AsyncSession]


@pytest.fixture
async def slow_http(fake: FakeGitHub, settings: SyncSettings) -> AsyncIterator[httpx.AsyncClient]:
    """GitHub answering in 20 ms, so a run is still going when the test acts on it."""
    fake.latency = 0.02
    async with create_http_client(settings, transport=httpx.MockTransport(fake.handle_async)) as client:
        yield client


async def runs(sessionmaker: Maker) -> list[SyncRun]:
    async with sessionmaker() as session:
        return list((await session.scalars(select(SyncRun).order_by(SyncRun.id))).all())


async def eventually(condition: Callable[[], Awaitable[bool]]) -> None:
    """Poll `condition` every 20 ms for up to 10 seconds."""
    for _ in range(500):
        if await condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not met within 10 seconds")


async def test_two_concurrent_triggers_start_one_sync(
    sessionmaker: Maker, slow_http: httpx.AsyncClient, settings: SyncSettings, sleeps: Sleeps
) -> None:
    """Two requests at once: one starts the run, the other is told about that same run."""
    runner = SyncRunner(sessionmaker, slow_http, settings, sleep=sleeps)
    try:
        (first_id, first_started), (second_id, second_started) = await asyncio.gather(
            runner.request("MUTATION"), runner.request("MUTATION")
        )
        assert first_id == second_id and sorted([first_started, second_started]) == [False, True]
        assert runner.running
        summary = await asyncio.wait_for(runner.wait(), timeout=10)
        assert summary is not None and summary.succeeded
        assert [(run.id, run.status) for run in await runs(sessionmaker)] == [(first_id, "SUCCEEDED")]
        assert not runner.running
    finally:
        await runner.aclose()


async def test_a_run_in_another_process_blocks_a_new_one(
    sessionmaker: Maker, slow_http: httpx.AsyncClient, settings: SyncSettings, sleeps: Sleeps
) -> None:
    """The RUNNING record of another process's run counts: no second sync on the same database."""
    mine = SyncRunner(sessionmaker, slow_http, settings, sleep=sleeps)
    other = SyncRunner(sessionmaker, slow_http, settings, sleep=sleeps)
    try:
        run_id, started = await mine.request("SCHEDULE")
        assert started
        assert await other.request("MUTATION") == (run_id, False)
        with pytest.raises(SyncAlreadyRunning, match=f"sync run {run_id} is already running"):
            await other.run("CLI")
        await asyncio.wait_for(mine.wait(), timeout=10)
        assert (await other.request("MUTATION"))[1] is True
        await asyncio.wait_for(other.wait(), timeout=10)
    finally:
        await mine.aclose()
        await other.aclose()


async def test_closing_cancels_the_run_in_flight_and_keeps_the_cache(
    sessionmaker: Maker, slow_http: httpx.AsyncClient, settings: SyncSettings, sleeps: Sleeps, fake: FakeGitHub
) -> None:
    """Shutdown mid-run: the run is recorded CANCELLED and the graph tables are untouched."""
    runner = SyncRunner(sessionmaker, slow_http, settings, sleep=sleeps)
    await runner.run("CLI")
    before = await dump(sessionmaker)
    fake.add_repos("octocat", 20, language_bytes={"Python": 1})
    run_id, _ = await runner.request("SCHEDULE")
    await eventually(lambda: _details_started(fake))
    await runner.aclose()

    assert not runner.running
    assert (await runs(sessionmaker))[-1].status == "CANCELLED"
    assert await dump(sessionmaker) == before
    with pytest.raises(RuntimeError, match="closed"):
        await runner.request("MUTATION")


async def _details_started(fake: FakeGitHub) -> bool:
    return any("repo-00" in call.path for call in fake.requests)


async def test_a_spent_rate_limit_schedules_a_retry_just_after_the_reset(
    sessionmaker: Maker, http: httpx.AsyncClient, settings: SyncSettings, sleeps: Sleeps, fake: FakeGitHub
) -> None:
    """The run stops on the limit; the runner waits until just after the reset, retries, and that run succeeds."""
    # GitHub's window resets now; the fake's clock stays a minute before that until the runner's wait is over.
    reset = int(datetime.now(UTC).timestamp())
    fake.clock = lambda: reset - 60
    fake.rate_limit(remaining=4, reset_at=reset)
    waits: list[float] = []
    reset_passed = asyncio.Event()

    async def wait_for_the_reset(seconds: float) -> None:
        waits.append(seconds)
        await reset_passed.wait()  # the runner's wait lasts until the test lets time pass

    margin = timedelta(seconds=30)
    runner = SyncRunner(sessionmaker, http, settings, sleep=sleeps, retry_sleep=wait_for_the_reset, retry_margin=margin)
    try:
        failed = await runner.run("STARTUP")
        assert failed.status == "FAILED" and failed.retry_at == datetime.fromtimestamp(reset, UTC)
        assert runner.retry_at == datetime.fromtimestamp(reset, UTC) + margin

        async def waiting() -> bool:
            return bool(waits)

        await eventually(waiting)
        assert len(waits) == 1 and 20 < waits[0] <= 30  # until reset + margin, not a fixed delay
        assert len(await runs(sessionmaker)) == 1  # nothing retried while the wait lasts
        fake.clock = lambda: reset + 60
        reset_passed.set()

        async def retried() -> bool:
            done = await runs(sessionmaker)
            return len(done) == 2 and done[1].status != "RUNNING"

        await eventually(retried)
        second = (await runs(sessionmaker))[1]
        assert (second.trigger, second.status) == ("SCHEDULE", "SUCCEEDED")
        assert runner.retry_at is None
        assert len(await repositories(sessionmaker)) == 4
    finally:
        await runner.aclose()
