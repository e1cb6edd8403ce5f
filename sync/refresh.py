"""The refresh job: one plain async function the scheduler, the CLI and the tests all call."""

import asyncio
import itertools
import logging
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.bookkeeping import SyncRun
from db.data_version import bump_data_version
from db.faults import storage_fault
from db.ownership import SyncLock
from sync.apply import ApplyResult, apply_snapshot
from sync.cache import DbResponseCache
from sync.claim import CANCELLED, FAILED, SUCCEEDED, Claim, claim_run, ensure_still_owner
from sync.collect import Progress, ProgressCallback, collect, load_state
from sync.contributions import apply_contributions, collect_contributions, load_fetched
from sync.counts import apply_counts, collect_counts, load_open_counts
from sync.errors import NoOwnersConfigured, RateLimited, SyncError
from sync.github.client import GitHubClient
from sync.github.transport import Sleep
from sync.profiles import apply_profiles, collect_profiles
from sync.settings import SyncSettings

log = logging.getLogger(__name__)

MAX_ERROR_LENGTH = 300
# Retrying the record of a run's end that a storage fault refused: the waits between tries, then for how long.
RECORD_RETRY_WAITS = (0.5, 1.0, 2.0, 5.0)
RECORD_PATIENCE = 600.0


@dataclass(frozen=True, slots=True)
class SyncSummary:
    """How one run went, as recorded in its SyncRun row."""

    run_id: int
    trigger: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    github_requests: int = 0
    not_modified: int = 0
    rate_limit_remaining: int | None = None
    error: str | None = None
    retry_at: datetime | None = None  # when the rate limit resets, if it stopped the run
    data_changed: bool = False
    skipped: tuple[str, ...] = ()  # what the run left out and why, one line each
    graphql_points: int = 0  # GitHub GraphQL points the run cost

    @property
    def succeeded(self) -> bool:
        return self.status == SUCCEEDED

    @property
    def duration(self) -> timedelta | None:
        return self.finished_at - self.started_at if self.finished_at else None


async def refresh(
    sessionmaker: async_sessionmaker[AsyncSession],
    client: GitHubClient,
    settings: SyncSettings,
    *,
    trigger: str,
    progress: ProgressCallback | None = None,
    run_id: int | None = None,
    record_sleep: Sleep = asyncio.sleep,
    lock: SyncLock | None = None,
) -> SyncSummary:
    """Fetch what changed on GitHub and apply it to the graph in one transaction; record the run.

    Returns the summary whether the run succeeded or failed (a failure leaves the graph as it was).
    Cancellation is recorded as CANCELLED and re-raised. Claims the run first (sync/claim.py:
    SyncAlreadyRunning while another process syncs), unless `run_id` names a run the caller has claimed
    (the runner does this to answer with the id at once, and releases the claim itself; it passes the
    claim's `lock`, asked again before the snapshot is applied: a run whose lock was lost gives up). A storage fault
    that refuses the record of the run's end is retried (`record_sleep` between tries) while the claim is
    held, so the run ends FAILED with its reason once the database takes writes again.
    """
    if client.cache is None:
        client = client.with_cache(DbResponseCache(sessionmaker))
    if run_id is not None:
        return await _refresh(sessionmaker, client, settings, trigger, progress, run_id, record_sleep, lock)
    claim: Claim | None = await claim_run(sessionmaker, trigger)
    assert claim is not None  # no `needed` asked
    try:
        return await _refresh(sessionmaker, client, settings, trigger, progress, claim.run_id, record_sleep, claim.lock)
    finally:
        await claim.release()


async def _refresh(
    sessionmaker: async_sessionmaker[AsyncSession],
    client: GitHubClient,
    settings: SyncSettings,
    trigger: str,
    progress: ProgressCallback | None,
    run_id: int,
    record_sleep: Sleep,
    lock: SyncLock | None,
) -> SyncSummary:
    requests_before, not_modified_before = client.stats.requests, client.stats.not_modified
    graphql_before, points_before = client.graphql.stats.requests, client.graphql.stats.cost
    skipped: list[str] = []
    started = time.monotonic()
    log.info("sync run %d started (%s)", run_id, trigger)

    def finish(status: str, result: ApplyResult | None = None, error: str | None = None) -> dict[str, object]:
        values: dict[str, object] = {
            "status": status,
            "finished_at": datetime.now(UTC),
            "github_requests": client.stats.requests - requests_before + client.graphql.stats.requests - graphql_before,
            "graphql_points": client.graphql.stats.cost - points_before,
            "skipped": "\n".join(skipped) or None,
            "not_modified": client.stats.not_modified - not_modified_before,
            "rate_limit_remaining": client.rate_limit.remaining if client.rate_limit else None,
            "error": error,
        }
        if result is not None:
            values.update(
                depth_scope=result.depth_scope,
                repositories_added=result.added,
                repositories_updated=result.updated,
                repositories_removed=result.removed,
                repositories_unchanged=result.unchanged,
            )
        return values

    retry_at: datetime | None = None
    result: ApplyResult | None = None
    try:
        async with asyncio.timeout(settings.run_timeout.total_seconds()):
            if not settings.github_owners:
                raise NoOwnersConfigured()
            state = await load_state(sessionmaker)
            snapshot = await collect(client, settings.github_owners, state, progress)
            if progress:
                progress(Progress("profiles", 0, 1))
            profiles = await collect_profiles(client, snapshot.owners)
            skipped.extend(profiles.skipped)
            fetched = await load_fetched(sessionmaker)
            contributions = await collect_contributions(client.graphql, snapshot.owners, fetched, datetime.now(UTC))
            skipped.extend(contributions.skipped)
            listed = [record for record in snapshot.repositories if record.id not in snapshot.gone]
            counts = await collect_counts(client, listed, await load_open_counts(sessionmaker), set(snapshot.details))
            skipped.extend(counts.skipped)
            if progress:
                progress(Progress("profiles", 1, 1))
                progress(Progress("apply", 0, 1))
            async with sessionmaker() as session, session.begin():
                result = await apply_snapshot(session, snapshot, datetime.now(UTC))
                changed = await apply_profiles(session, profiles)
                changed = await apply_contributions(session, contributions) or changed
                changed = bool(await apply_counts(session, counts)) or changed
                if changed and not result.changed:
                    await bump_data_version(session)
                    result = replace(result, changed=True)
                await ensure_still_owner(session, run_id, lock)
            if progress:
                progress(Progress("apply", 1, 1))
        values = finish(SUCCEEDED, result)
    except asyncio.CancelledError:
        # Shielded: the record must be written even if the canceller insists.
        await asyncio.shield(_record(sessionmaker, run_id, finish(CANCELLED, error="cancelled")))
        log.warning("sync run %d cancelled; the cache is unchanged", run_id)
        raise
    except TimeoutError:
        values = finish(FAILED, error=f"timed out after {settings.run_timeout}")
    except RateLimited as exc:
        retry_at = exc.reset_at
        values = finish(FAILED, error=one_line(str(exc), settings))
    except SyncError as exc:
        values = finish(FAILED, error=one_line(str(exc), settings))
    except Exception as exc:  # a storage fault, a bug or an unexpected database error: recorded, never raised
        fault = storage_fault(exc)
        if fault is None:
            log.exception("sync run %d crashed", run_id)
        values = finish(FAILED, error=one_line(fault or f"unexpected error: {type(exc).__name__}", settings))
    await _record_end(sessionmaker, run_id, values, record_sleep)
    summary = await _summary(sessionmaker, run_id, retry_at=retry_at, changed=bool(result and result.changed))
    elapsed = time.monotonic() - started
    if summary.succeeded:
        log.info(
            "sync run %d succeeded in %.1fs: %d added, %d updated, %d removed, %d unchanged; "
            "%d GitHub requests (%d not modified)",
            run_id, elapsed, summary.added, summary.updated, summary.removed, summary.unchanged,
            summary.github_requests, summary.not_modified,
        )  # fmt: skip
    else:
        log.warning("sync run %d failed after %.1fs: %s", run_id, elapsed, summary.error)
    return summary


def one_line(message: str, settings: SyncSettings) -> str:
    """A reason fit for the run record: one line, bounded, and never the token."""
    text = " ".join(message.split())
    token = settings.token
    if token:
        text = text.replace(token, "***")
    return text[:MAX_ERROR_LENGTH]


async def _record(sessionmaker: async_sessionmaker[AsyncSession], run_id: int, values: dict[str, object]) -> None:
    async with sessionmaker() as session, session.begin():
        await session.execute(update(SyncRun).where(SyncRun.id == run_id).values(**values))


async def _record_end(
    sessionmaker: async_sessionmaker[AsyncSession], run_id: int, values: dict[str, object], sleep: Sleep
) -> None:
    """Record the run's end, retrying while a storage fault refuses it (the fault that failed the run often
    refuses its record too). The claim is still held, so no other process calls the run abandoned meanwhile;
    past RECORD_PATIENCE the error is raised, and the next claim fails the run as abandoned."""
    deadline = time.monotonic() + RECORD_PATIENCE
    for attempt in itertools.count():
        try:
            await _record(sessionmaker, run_id, values)
            return
        except Exception as exc:
            fault = storage_fault(exc)
            if fault is None or time.monotonic() >= deadline:
                raise
            if attempt == 0:
                log.warning("sync run %d: %s, so its end is not recorded yet; retrying", run_id, fault)
        await sleep(RECORD_RETRY_WAITS[min(attempt, len(RECORD_RETRY_WAITS) - 1)])


async def _summary(
    sessionmaker: async_sessionmaker[AsyncSession], run_id: int, *, retry_at: datetime | None, changed: bool
) -> SyncSummary:
    async with sessionmaker() as session:
        run = await session.get_one(SyncRun, run_id)
    return summary_of(run, retry_at=retry_at, changed=changed)


def summary_of(run: SyncRun, *, retry_at: datetime | None = None, changed: bool = False) -> SyncSummary:
    return SyncSummary(
        run_id=run.id,
        trigger=run.trigger,
        status=run.status,
        started_at=run.started_at,
        finished_at=run.finished_at,
        added=run.repositories_added,
        updated=run.repositories_updated,
        removed=run.repositories_removed,
        unchanged=run.repositories_unchanged,
        github_requests=run.github_requests,
        not_modified=run.not_modified,
        rate_limit_remaining=run.rate_limit_remaining,
        error=run.error,
        retry_at=retry_at,
        data_changed=changed,
        skipped=tuple(run.skipped.splitlines()) if run.skipped else (),
        graphql_points=run.graphql_points,
    )
