"""Depth data: what portfolio sites read about a repository beyond its listing entry (issue 13).

Today the watcher count (GitHub's `subscribers_count`, on the single repository GET only). Its changes come
without a push, so with a token every repository is asked each run: a conditional GET answered 304 is free.
Without a token (60 requests an hour, 304s charged) only new or pushed repositories are asked.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Repository
from sync.github.client import GitHubClient
from sync.records import RepositoryRecord


class DepthScope(StrEnum):
    """Which repositories a run reads depth data for (recorded on the run, shown by syncStatus)."""

    ALL = "ALL"
    NEW_OR_PUSHED = "NEW_OR_PUSHED"


@dataclass(frozen=True, slots=True)
class Depth:
    watchers: int | None  # None: GitHub withholds the repository (403, 451)


def depth_scope(client: GitHubClient) -> DepthScope:
    return DepthScope.ALL if client.has_token else DepthScope.NEW_OR_PUSHED


def needs_depth(scope: DepthScope, *, details_wanted: bool, known: bool) -> bool:
    """Every repository with a token; without one, those whose details are read anyway (new or pushed) and
    those never read (e.g. after the upgrade that added depth data)."""
    return scope is DepthScope.ALL or details_wanted or not known


async def fetch_depth(client: GitHubClient, record: RepositoryRecord, *, fresh_since: datetime | None) -> Depth:
    """One repository's depth data. A 404 raises RepositoryGone."""
    return Depth(watchers=await client.get_watcher_count(record, fresh_since=fresh_since))


async def apply_depth(session: AsyncSession, depth: dict[int, Depth], stored: dict[int, dict[str, Any]]) -> set[int]:
    """Write the depth data that differs from `stored` (rows as they were before this run); return those ids."""
    changed = sorted(
        repo_id
        for repo_id, found in depth.items()
        if stored.get(repo_id, {}).get("subscribers_count") != found.watchers
    )
    if changed:
        rows = [{"id": repo_id, "subscribers_count": depth[repo_id].watchers} for repo_id in changed]
        await session.execute(update(Repository), rows)  # bulk UPDATE by primary key: one executemany
    return set(changed)
