"""One sync at a time: per process (an asyncio lock), and per database (the sync lock, sync/claim.py)."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from sync.cache import DbResponseCache
from sync.claim import Claim, claim_run, running_run_id
from sync.collect import ProgressCallback
from sync.errors import SyncAlreadyRunning
from sync.github.client import GitHubClient
from sync.github.transport import Sleep
from sync.images.revalidate import revalidate_after_sync
from sync.refresh import SyncSummary, refresh
from sync.settings import SyncSettings

log = logging.getLogger(__name__)

# Retry a little after GitHub's reset time rather than on it: clocks differ.
RETRY_MARGIN = timedelta(seconds=5)


class SyncRunner:
    """Starts refreshes for the lifespan, the scheduler, the mutation and the CLI.

    `request` starts a run in the background unless one is running (then it answers with that run);
    `run` runs to completion. When a run stops on a spent rate limit, the runner retries by itself just
    after the reset (`retry_at`). `aclose` cancels whatever is in flight; the run is recorded CANCELLED.

    `sleep` is how the GitHub client waits between retries, `retry_sleep` how the runner waits for the
    reset; tests pass ones that return at once.
    """

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        http: httpx.AsyncClient,
        settings: SyncSettings,
        *,
        sleep: Sleep = asyncio.sleep,
        retry_sleep: Sleep = asyncio.sleep,
        retry_margin: timedelta = RETRY_MARGIN,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.settings = settings
        self.client = GitHubClient(http, settings, cache=DbResponseCache(sessionmaker), sleep=sleep)
        self._retry_margin = retry_margin
        self._retry_sleep = retry_sleep
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[SyncSummary] | None = None
        self._run_id: int | None = None
        self._retry_task: asyncio.Task[None] | None = None
        self.retry_at: datetime | None = None
        self.last_summary: SyncSummary | None = None
        self._closed = False

    def __repr__(self) -> str:
        return f"<SyncRunner running={self.running} retry_at={self.retry_at}>"

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def current_run_id(self) -> int | None:
        return self._run_id if self.running else None

    async def request(self, trigger: str) -> tuple[int, bool]:
        """Start a run in the background; (run id, True), or (the running run's id, False), whichever
        process runs it."""
        async with self._lock:
            try:
                claim = await self._claim(trigger)
            except SyncAlreadyRunning as busy:
                return busy.run_id, False
            assert claim is not None
            self._start(claim, trigger, None)
            return claim.run_id, True

    async def request_if(self, trigger: str, needed: Callable[[], Awaitable[bool]]) -> int | None:
        """Start a run in the background if `needed()`, asked once this process holds the sync lock (so
        several processes starting at once sync once); the run's id, else None."""
        async with self._lock:
            try:
                claim = await self._claim(trigger, needed)
            except SyncAlreadyRunning as busy:
                log.info("%s sync not started: sync run %d is already running", trigger.lower(), busy.run_id)
                return None
            if claim is None:
                return None
            self._start(claim, trigger, None)
            return claim.run_id

    async def run(self, trigger: str, progress: ProgressCallback | None = None) -> SyncSummary:
        """Run to completion and return the summary; SyncAlreadyRunning when a run is in progress."""
        async with self._lock:
            claim = await self._claim(trigger)
            assert claim is not None
            task = self._start(claim, trigger, progress)
        # Cancelling the caller cancels the run too (Ctrl-C on the CLI, scheduler shutdown).
        return await task

    async def wait(self) -> SyncSummary | None:
        """The summary of the run in flight once it ends (None when idle)."""
        task = self._task
        if task is None:
            return self.last_summary
        with contextlib.suppress(asyncio.CancelledError):
            return await asyncio.shield(task)
        return None

    async def aclose(self) -> None:
        """Cancel the pending retry and any run in flight, and wait for them to wind down."""
        self._closed = True
        for task in (self._retry_task, self._task):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._retry_task = None

    async def _claim(self, trigger: str, needed: Callable[[], Awaitable[bool]] | None = None) -> Claim | None:
        if self._closed:
            raise RuntimeError("the sync runner is closed")
        if self.running:
            busy = await running_run_id(self.sessionmaker)
            if busy is not None:
                raise SyncAlreadyRunning(busy)
            # Our run has recorded its end (syncStatus already shows it) and is only reading its summary and
            # letting go of the lock: let it finish rather than refuse a new run the API says may start.
            await self.wait()
        return await claim_run(self.sessionmaker, trigger, needed=needed)

    def _start(self, claim: Claim, trigger: str, progress: ProgressCallback | None) -> asyncio.Task[SyncSummary]:
        self._run_id = claim.run_id
        self._task = asyncio.create_task(self._execute(claim, trigger, progress), name=f"repofolio-sync-{claim.run_id}")
        return self._task

    async def _execute(self, claim: Claim, trigger: str, progress: ProgressCallback | None) -> SyncSummary:
        try:
            summary = await refresh(
                self.sessionmaker,
                self.client,
                self.settings,
                trigger=trigger,
                progress=progress,
                run_id=claim.run_id,
                lock=claim.lock,
            )
        finally:
            await claim.release()
        try:
            await revalidate_after_sync(self.sessionmaker, self.settings)
        except Exception:  # best effort: a copy that could not be revalidated is served as it was
            log.exception("could not revalidate the stored images")
        self.last_summary = summary
        if summary.retry_at is not None:
            self._schedule_retry(summary.retry_at + self._retry_margin)
        elif summary.succeeded:
            self._cancel_retry()
        return summary

    def _schedule_retry(self, at: datetime) -> None:
        self._cancel_retry()
        self.retry_at = at
        log.info("GitHub rate limit spent; retrying at %s", f"{at:%Y-%m-%d %H:%M:%S}Z")
        self._retry_task = asyncio.create_task(self._retry_later(at), name="repofolio-sync-retry")

    def _cancel_retry(self) -> None:
        current = asyncio.current_task()
        if self._retry_task is not None and self._retry_task is not current and not self._retry_task.done():
            self._retry_task.cancel()
        self._retry_task = None
        self.retry_at = None

    async def _retry_later(self, at: datetime) -> None:
        await self._retry_sleep(max(0.0, (at - datetime.now(UTC)).total_seconds()))
        self._retry_task = None
        self.retry_at = None
        try:
            await self.request("SCHEDULE")
        except Exception:  # the retry is best effort: the nightly job still comes
            log.exception("could not start the rate-limit retry")
