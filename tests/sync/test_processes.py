"""Sync ownership across real processes: `repofolio sync` and `repofolio serve` in processes of their own,
against the fake GitHub over a socket, on SQLite and PostgreSQL.

The fake holds the first languages request (and every one after it) until the test releases it, so a sync
is mid-run at a known point: another process starts beside it, or it is killed there with SIGKILL.
"""

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, select

from db.bookkeeping import SyncLease, SyncRun
from db.engine import create_engine, create_sessionmaker
from db.ownership import try_sync_lock
from db.settings import DatabaseSettings
from graph.app import Settings
from graph.settings import ApiSettings
from sync.claim import ABANDONED
from sync.github.transport import create_http_client
from sync.runner import SyncRunner
from sync.schedule import cron_trigger, scheduled_sync
from sync.settings import SyncSettings
from tests.fakes.github import FakeGitHub
from tests.fakes.hold import Hold
from tests.fakes.server import serve_in_thread
from tests.graph.conftest import running_app
from tests.sync.processes import WAIT, Command, environment

ADMIN_TOKEN = "admin-token-for-process-tests"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
STATUS = "{ syncStatus { state lastRun { status trigger error } } }"
REFRESH = "mutation { requestRefresh { started run { status trigger } } }"

Run = tuple[str, str, str | None]  # trigger, status, error


@pytest.fixture
def github(fake: FakeGitHub) -> Iterator[str]:
    with serve_in_thread(fake) as base_url:
        yield base_url


@pytest.fixture
def hold(fake: FakeGitHub, github: str) -> Iterator[Hold]:
    """Requested after `github`, so released before the server stops."""
    fake.hold = Hold("/languages")
    yield fake.hold
    fake.hold.release()


@pytest.fixture
def env(db_settings: DatabaseSettings, github: str) -> dict[str, str]:
    return environment(db_settings.database_url, github)


@pytest.fixture
async def runs(db_settings: DatabaseSettings) -> AsyncIterator[Any]:
    """Read the sync_run table: (trigger, status, error) of each run, in order."""
    engine = create_engine(db_settings)

    async def read() -> list[Run]:
        async with create_sessionmaker(engine)() as session:
            rows = (await session.scalars(select(SyncRun).order_by(SyncRun.id))).all()
        return [(row.trigger, row.status, row.error) for row in rows]

    yield read
    await engine.dispose()


def app_settings(db_settings: DatabaseSettings, github: str) -> Settings:
    return Settings(
        api=ApiSettings(admin_token=ADMIN_TOKEN),
        database=db_settings,
        sync=SyncSettings(github_api_url=github, github_owners="octocat,acme", retry_backoff=0.01),
    )


async def graphql(client: httpx.AsyncClient, query: str, **headers: str) -> Any:
    body = (await client.post("/graphql", json={"query": query}, headers=headers)).json()
    assert "errors" not in body, body["errors"]
    return body["data"]


async def eventually(condition: Callable[[], Awaitable[bool]]) -> None:
    """Poll `condition` every 50 ms for up to WAIT seconds."""
    for _ in range(int(WAIT / 0.05)):
        if await condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"condition not met within {WAIT} seconds")


async def lock_freed(db_settings: DatabaseSettings) -> float:
    """Seconds until the sync lock is free (a killed holder's PostgreSQL session takes a moment to end)."""
    engine = create_engine(db_settings)
    started = time.monotonic()
    try:
        while (lock := await try_sync_lock(engine)) is None:
            assert time.monotonic() - started < WAIT, "the sync lock stayed held"
            await asyncio.sleep(0.01)
        await lock.release()
    finally:
        await engine.dispose()
    return time.monotonic() - started


async def test_a_sync_killed_mid_run_locks_out_no_later_sync(
    env: dict[str, str], tmp_path: Path, hold: Hold, runs: Any
) -> None:
    """While a sync runs, a second `repofolio sync` is refused; once the first is killed with SIGKILL, the
    next one runs at once (it used to be refused for REPOFOLIO_RUN_TIMEOUT, an hour) and the killed run is
    recorded as abandoned."""
    first = Command(["sync"], env, tmp_path)
    try:
        await asyncio.to_thread(hold.wait_arrived, WAIT)
        second = Command(["sync"], env, tmp_path)
        assert await asyncio.to_thread(second.finish) == 1
        assert "repofolio sync: sync run 1 is already running" in second.output
        first.kill()
    finally:
        first.stop()
    hold.release()
    third = Command(["sync"], env, tmp_path)
    assert await asyncio.to_thread(third.finish) == 0, third.output
    assert "Sync run 2: succeeded" in third.output
    assert await runs() == [("CLI", "FAILED", ABANDONED), ("CLI", "SUCCEEDED", None)]


async def test_a_server_started_during_a_cli_sync_leaves_it_running_and_answers_already_running(
    env: dict[str, str], tmp_path: Path, hold: Hold, runs: Any, db_settings: DatabaseSettings, github: str
) -> None:
    """The server's start-up neither fails the live CLI run (syncStatus shows it RUNNING) nor starts its own;
    requestRefresh answers `started: false` with that run."""
    cli = Command(["sync"], env, tmp_path)
    try:
        await asyncio.to_thread(hold.wait_arrived, WAIT)
        async with running_app(app_settings(db_settings, github)) as client:
            status = (await graphql(client, STATUS))["syncStatus"]
            assert status == {"state": "RUNNING", "lastRun": {"status": "RUNNING", "trigger": "CLI", "error": None}}
            refresh = (await graphql(client, REFRESH, **ADMIN))["requestRefresh"]
            assert refresh == {"started": False, "run": {"status": "RUNNING", "trigger": "CLI"}}
            hold.release()
            assert await asyncio.to_thread(cli.finish) == 0, cli.output
    finally:
        cli.stop()
    assert await runs() == [("CLI", "SUCCEEDED", None)]


async def test_after_a_kill_a_running_server_starts_the_requested_refresh(
    env: dict[str, str], tmp_path: Path, hold: Hold, runs: Any, db_settings: DatabaseSettings, github: str
) -> None:
    """requestRefresh after the syncing process was killed starts a run (it answered `started: false` for an
    hour), as soon as the owner is gone."""
    cli = Command(["sync"], env, tmp_path)
    try:
        await asyncio.to_thread(hold.wait_arrived, WAIT)
        async with running_app(app_settings(db_settings, github)) as client:
            cli.kill()
            hold.release()
            await lock_freed(db_settings)
            refresh = (await graphql(client, REFRESH, **ADMIN))["requestRefresh"]
            assert refresh == {"started": True, "run": {"status": "RUNNING", "trigger": "MUTATION"}}

            async def settled() -> bool:
                return bool((await graphql(client, STATUS))["syncStatus"]["state"] == "IDLE")

            await eventually(settled)
    finally:
        cli.stop()
    assert await runs() == [("CLI", "FAILED", ABANDONED), ("MUTATION", "SUCCEEDED", None)]


async def test_a_scheduled_sync_says_why_it_skips_and_runs_once_the_syncing_process_is_killed(
    env: dict[str, str],
    tmp_path: Path,
    hold: Hold,
    runs: Any,
    db_settings: DatabaseSettings,
    github: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Skipped while another process syncs, with a warning naming that run (it was silent); the next fire
    time after that process is killed syncs."""
    settings = app_settings(db_settings, github).sync
    trigger = cron_trigger(settings)
    engine = create_engine(db_settings)
    cli = Command(["sync"], env, tmp_path)
    try:
        sessionmaker = create_sessionmaker(engine)
        await asyncio.to_thread(hold.wait_arrived, WAIT)
        async with create_http_client(settings) as http:
            runner = SyncRunner(sessionmaker, http, settings)
            try:
                with caplog.at_level(logging.WARNING, logger="sync.schedule"):
                    assert await scheduled_sync(runner, trigger, settings) is None
                assert "skipped: sync run 1 is already running" in caplog.text
                cli.kill()
                hold.release()
                async with sessionmaker() as session, session.begin():
                    await session.execute(delete(SyncLease))  # the next night's fire time
                await lock_freed(db_settings)
                summary = await scheduled_sync(runner, trigger, settings)
            finally:
                await runner.aclose()
    finally:
        cli.stop()
        await engine.dispose()
    assert summary is not None and summary.succeeded, summary
    assert await runs() == [("CLI", "FAILED", ABANDONED), ("SCHEDULE", "SUCCEEDED", None)]


async def test_three_servers_starting_together_on_an_empty_database_run_one_start_up_sync(
    env: dict[str, str], tmp_path: Path, hold: Hold, runs: Any
) -> None:
    """Each start-up used to fail the others' runs as abandoned and start its own (3 syncs); now the first
    syncs and the others see its run in progress."""
    servers = [Command(["serve", "--port", "0"], env, tmp_path) for _ in range(3)]
    try:
        for server in servers:
            await asyncio.to_thread(server.wait_for, "Application startup complete")
        assert await runs() == [("STARTUP", "RUNNING", None)]
        hold.release()

        async def ended() -> bool:
            return bool((await runs())[-1][1] != "RUNNING")

        await eventually(ended)
    finally:
        for server in servers:
            server.stop()
    assert await runs() == [("STARTUP", "SUCCEEDED", None)]


async def test_a_server_prints_its_sync_lines_beside_uvicorns_in_its_style(env: dict[str, str], tmp_path: Path) -> None:
    """`repofolio serve` configured no logging of ours: its start-up sync's INFO lines went nowhere."""
    server = Command(["serve", "--port", "0"], env, tmp_path)
    try:
        await asyncio.to_thread(server.wait_for, "sync run 1 succeeded")
    finally:
        server.stop()
    assert "INFO:     sync run 1 started (STARTUP)" in server.lines
    assert any(line.startswith("INFO:     sync run 1 succeeded in ") for line in server.lines)
    assert "INFO:     Application startup complete." in server.lines
