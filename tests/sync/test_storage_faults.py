"""A full disk, a locked database and a read-only one end a sync with one line naming the fault, the cache
whole. The faults are SQLite's own: a page limit the file cannot grow past (SQLITE_FULL, as when the disk
fills), another connection's exclusive lock held past the busy timeout (SQLITE_BUSY), and the file opened
read-only (SQLITE_READONLY, as a file without write permission gives: the tests run as root, whom chmod
does not stop)."""

import asyncio
import io
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.faults import DISK_FULL, LOCKED, READ_ONLY
from db.settings import DatabaseSettings
from sync.collect import Progress
from sync.console import run_sync_command
from sync.refresh import FAILED
from sync.settings import SyncSettings
from tests.fakes.github import FakeGitHub
from tests.sync.conftest import SyncOnce, dump

Maker = async_sessionmaker[AsyncSession]


@pytest.fixture
def db_settings(tmp_path: Path) -> DatabaseSettings:
    """SQLite only: these are SQLite's faults, made for real."""
    return DatabaseSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'repofolio.db'}")


def _grow(fake: FakeGitHub) -> None:
    # Enough new rows that saving them needs pages the file does not have yet.
    fake.rate_limit(limit=5000, remaining=5000)
    for n in range(40):
        fake.add_repo("octocat", f"big-{n}", description="x" * 300, language_bytes={"Python": n + 1})


class OnCheckout:
    """Runs PRAGMAs on every connection the engine hands out once armed (from the apply phase on)."""

    def __init__(self, engine: AsyncEngine, *pragmas: str) -> None:
        self.pragmas = pragmas
        self.armed = False
        event.listen(engine.sync_engine, "checkout", self._checkout)

    def _checkout(self, dbapi_connection: Any, *_: Any) -> None:
        if self.armed:
            cursor = dbapi_connection.cursor()
            for pragma in self.pragmas:
                cursor.execute(pragma)
            cursor.close()

    def arm_at_apply(self, step: Progress) -> None:
        if step.phase == "apply" and step.done == 0:
            self.armed = True


def _no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    assert [record.getMessage() for record in caplog.records if record.exc_info] == []


async def test_a_full_disk_fails_the_run_with_one_line_and_keeps_the_cache(
    sync_once: SyncOnce, sessionmaker: Maker, engine: AsyncEngine, fake: FakeGitHub, caplog: pytest.LogCaptureFixture
) -> None:
    assert (await sync_once()).succeeded
    before = await dump(sessionmaker)
    _grow(fake)
    # max_page_count cannot go below the file's size: 1 means "not one page more".
    full = OnCheckout(engine, "PRAGMA max_page_count = 1")
    caplog.set_level(logging.INFO)

    summary = await sync_once(progress=full.arm_at_apply)

    assert (summary.status, summary.error) == (FAILED, DISK_FULL)
    assert await dump(sessionmaker) == before
    _no_traceback(caplog)


@pytest.fixture
def locker(db_settings: DatabaseSettings) -> Iterator[sqlite3.Connection]:
    """Another connection to the file, as another process would hold it."""
    path = db_settings.database_url.removeprefix("sqlite+aiosqlite:///")
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    yield connection
    connection.close()


async def test_a_database_locked_past_the_busy_timeout_fails_the_run_with_one_line_and_keeps_the_cache(
    sync_once: SyncOnce,
    sessionmaker: Maker,
    engine: AsyncEngine,
    fake: FakeGitHub,
    locker: sqlite3.Connection,
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert (await sync_once()).succeeded
    before = await dump(sessionmaker)
    _grow(fake)
    short_wait = OnCheckout(engine, "PRAGMA busy_timeout = 50")

    def lock_at_apply(step: Progress) -> None:
        short_wait.arm_at_apply(step)
        if step.phase == "apply" and step.done == 0:
            locker.execute("BEGIN EXCLUSIVE")

    def release(context: Any) -> None:
        # Once the sync has given up, the other process lets go, so the failure can be recorded.
        if locker.in_transaction:
            locker.execute("ROLLBACK")

    event.listen(engine.sync_engine, "handle_error", release)
    caplog.set_level(logging.INFO)

    summary = await sync_once(progress=lock_at_apply)

    assert (summary.status, summary.error) == (FAILED, LOCKED)
    assert await dump(sessionmaker) == before
    _no_traceback(caplog)


async def test_a_read_only_database_ends_the_sync_command_with_one_line(
    sync_once: SyncOnce,
    sessionmaker: Maker,
    db_settings: DatabaseSettings,
    settings: SyncSettings,
) -> None:
    assert (await sync_once()).succeeded
    before = await dump(sessionmaker)
    path = db_settings.database_url.removeprefix("sqlite+aiosqlite:///")
    read_only = DatabaseSettings(database_url=f"sqlite+aiosqlite:///file:{path}?mode=ro&uri=true")

    out = io.StringIO()

    code = await asyncio.to_thread(run_sync_command, read_only, settings, stream=out)

    assert code == 1
    assert out.getvalue() == f"repofolio sync: {READ_ONLY}; the cache is unchanged\n"
    assert await dump(sessionmaker) == before


async def test_a_fault_that_refuses_the_failures_record_too_ends_the_run_failed_once_the_database_is_writable(
    sync_once: SyncOnce,
    sessionmaker: Maker,
    engine: AsyncEngine,
    fake: FakeGitHub,
    locker: sqlite3.Connection,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The lock that failed the apply still held when the failure is recorded: that write failed too, the
    error escaped the run and left it RUNNING; now the record is retried until the database takes it."""
    assert (await sync_once()).succeeded
    before = await dump(sessionmaker)
    _grow(fake)
    short_wait = OnCheckout(engine, "PRAGMA busy_timeout = 50")
    errors: list[object] = []
    waits: list[float] = []

    async def record_sleep(seconds: float) -> None:
        waits.append(seconds)

    def lock_at_apply(step: Progress) -> None:
        short_wait.arm_at_apply(step)
        if step.phase == "apply" and step.done == 0:
            locker.execute("BEGIN EXCLUSIVE")

    def release_after_the_record_fails(context: Any) -> None:
        errors.append(context)
        if len(errors) == 3 and locker.in_transaction:  # the apply, then two tries at the record
            locker.execute("ROLLBACK")

    event.listen(engine.sync_engine, "handle_error", release_after_the_record_fails)
    caplog.set_level(logging.INFO)

    summary = await sync_once(progress=lock_at_apply, record_sleep=record_sleep)

    assert (summary.status, summary.error) == (FAILED, LOCKED)
    assert waits == [0.5, 1.0]
    assert await dump(sessionmaker) == before
    assert f"sync run {summary.run_id}: {LOCKED}, so its end is not recorded yet; retrying" in caplog.messages
    _no_traceback(caplog)
