"""syncStatus: the cache's own state, read from the sync's bookkeeping."""

from __future__ import annotations

from enum import Enum

import strawberry
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from db.bookkeeping import SyncRun as SyncRunRow
from db.data_version import read_data_version
from db.models import Repository
from graph.read.queries import visible_repository
from graph.schema.context import Context
from graph.schema.ids import own_id
from graph.schema.scalars import DateTime
from graph.schema.types.node import Node
from sync.schedule import next_run_at


@strawberry.enum(description="Whether a sync is under way.")
class SyncState(Enum):
    IDLE = "IDLE"
    RUNNING = "RUNNING"


@strawberry.enum(description="How a sync run ended, or that it is still running.")
class SyncRunStatus(Enum):
    CANCELLED = "CANCELLED"
    FAILED = "FAILED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"


@strawberry.enum(description="What started a sync run.")
class SyncTrigger(Enum):
    CLI = "CLI"
    MUTATION = "MUTATION"
    SCHEDULE = "SCHEDULE"
    STARTUP = "STARTUP"


@strawberry.enum(description="Which repositories a sync run read depth data (watchers) for.")
class SyncDepthScope(Enum):
    ALL = strawberry.enum_value("ALL", description="Every repository: with a token a 304 costs nothing.")
    NEW_OR_PUSHED = strawberry.enum_value(
        "NEW_OR_PUSHED",
        description="Without a token: only repositories new to the cache or pushed since the last run, so "
        "a new watcher of a repository without a push waits for its next push (or a run with a token).",
    )


@strawberry.type(description="One refresh of the cache from GitHub.")
class SyncRun(Node):
    depth_scope: SyncDepthScope | None = strawberry.field(
        description="Which repositories the run read depth data for; null for a run that did not finish "
        "or was recorded before depth data existed."
    )
    error: str | None = strawberry.field(description="Why the run failed, in one line.")
    finished_at: DateTime | None = strawberry.field(description="When the run ended.")
    github_requests: int = strawberry.field(description="Requests sent to GitHub (REST and GraphQL).")
    graphql_points: int = strawberry.field(description="Points of GitHub's GraphQL rate limit the run cost.")
    not_modified: int = strawberry.field(description="Requests GitHub answered 304 (free against the rate limit).")
    rate_limit_remaining: int | None = strawberry.field(description="GitHub's remaining request budget at the end.")
    skipped: list[str] = strawberry.field(
        description=(
            "What the run left out and why, one line each: e.g. the GraphQL stage (pinned items) without a "
            "token. Empty when nothing was skipped."
        )
    )
    repositories_added: int = strawberry.field(description="Repositories new to the cache.")
    repositories_removed: int = strawberry.field(description="Repositories that left the cache.")
    repositories_unchanged: int = strawberry.field(description="Repositories that did not change.")
    repositories_updated: int = strawberry.field(description="Repositories whose data changed.")
    started_at: DateTime = strawberry.field(description="When the run started.")
    status: SyncRunStatus = strawberry.field(description="How the run ended, or RUNNING.")
    trigger: SyncTrigger = strawberry.field(description="What started the run.")

    @classmethod
    def of(cls, row: SyncRunRow) -> SyncRun:
        return cls(
            depth_scope=SyncDepthScope(row.depth_scope) if row.depth_scope else None,
            error=row.error,
            finished_at=row.finished_at,
            github_requests=row.github_requests,
            graphql_points=row.graphql_points,
            id=strawberry.ID(own_id("SyncRun", row.id)),
            not_modified=row.not_modified,
            rate_limit_remaining=row.rate_limit_remaining,
            skipped=row.skipped.splitlines() if row.skipped else [],
            repositories_added=row.repositories_added,
            repositories_removed=row.repositories_removed,
            repositories_unchanged=row.repositories_unchanged,
            repositories_updated=row.repositories_updated,
            started_at=row.started_at,
            status=SyncRunStatus(row.status),
            trigger=SyncTrigger(row.trigger),
        )


async def _latest(session: AsyncSession, *statuses: str) -> SyncRunRow | None:
    stmt = select(SyncRunRow).order_by(SyncRunRow.started_at.desc(), SyncRunRow.id.desc()).limit(1)
    if statuses:
        stmt = stmt.where(SyncRunRow.status.in_(statuses))
    return await session.scalar(stmt)


@strawberry.type(description="The state of the cache: its version, its last runs and the next one.")
class SyncStatus:
    data_version: str = strawberry.field(description="Changes whenever the cached data changes.")
    last_run: SyncRun | None = strawberry.field(description="The most recent run, whatever its outcome.")
    last_successful_run: SyncRun | None = strawberry.field(description="The most recent run that succeeded.")
    repository_count: int = strawberry.field(description="Repositories the API shows.")
    state: SyncState = strawberry.field(description="RUNNING while a sync is under way.")

    @strawberry.field(description="When the scheduler will next refresh the cache, or null when it is off.")
    def next_run_at(self, info: Info[Context, None]) -> DateTime | None:
        services = info.context.services
        return next_run_at(services.scheduler, services.runner) if services.scheduler is not None else None


async def sync_status(info: Info[Context, None]) -> SyncStatus:
    async with info.context.reads() as session:
        last = await _latest(session)
        succeeded = await _latest(session, "SUCCEEDED")
        version = await read_data_version(session)
        count = await session.scalar(
            select(func.count()).select_from(Repository).where(visible_repository(info.context.include_hidden))
        )
    return SyncStatus(
        data_version=str(version),
        last_run=SyncRun.of(last) if last else None,
        last_successful_run=SyncRun.of(succeeded) if succeeded else None,
        repository_count=count or 0,
        state=SyncState.RUNNING if last is not None and last.status == "RUNNING" else SyncState.IDLE,
    )
