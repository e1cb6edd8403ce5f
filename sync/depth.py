"""Depth data: what portfolio sites read about a repository beyond its listing entry (issue 13).

The watcher count (GitHub's `subscribers_count`, on the single repository GET only) and the README (REST
/readme). Both may change without a push (a new watcher; a README on another branch becoming the default),
so with a token every repository is asked each run: a conditional GET answered 304 is free. Without a token
(60 requests an hour, 304s charged) only new or pushed repositories are asked. A README's absence (404,
409, 451, 403) carries no ETag, so it is asked again only when the repository is pushed, or after a week.
"""

import base64
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Repository, RepositoryReadme
from db.upsert import upsert
from sync.github.client import ABSENCE_RECHECK, GitHubClient
from sync.records import RepositoryRecord

README_CAP = 512 * 1024  # bytes of README text kept; past it the text is stored truncated
BINARY_PROBE = 8000  # git's rule: a NUL byte in the first 8000 bytes makes a file binary
README_COLUMNS = ("status", "path", "oid", "byte_size", "text", "is_binary", "is_truncated")


class DepthScope(StrEnum):
    """Which repositories a run reads depth data for (recorded on the run, shown by syncStatus)."""

    ALL = "ALL"
    NEW_OR_PUSHED = "NEW_OR_PUSHED"


@dataclass(frozen=True, slots=True)
class Readme:
    status: int  # 200, or why there is none
    path: str | None = None
    oid: str | None = None
    byte_size: int | None = None
    text: str | None = None
    is_binary: bool = False
    is_truncated: bool = False

    @classmethod
    def of(cls, status: int, data: dict[str, Any] | None) -> "Readme":
        if status != 200 or data is None:
            return cls(status=status)
        size = int(data.get("size") or 0)
        # GitHub leaves `content` empty (encoding "none") for a file over 1 MB.
        raw = base64.b64decode(data.get("content") or "") if data.get("encoding") == "base64" else b""
        truncated = len(raw) > README_CAP or len(raw) < size
        binary = b"\0" in raw[:BINARY_PROBE]
        text = None if binary else raw[:README_CAP].decode("utf-8", errors="ignore" if truncated else "replace")
        return cls(200, str(data.get("path") or ""), data.get("sha"), size, text, binary, truncated)

    def row(self, repository_id: int, checked_at: datetime) -> dict[str, Any]:
        return {
            "repository_id": repository_id,
            "checked_at": checked_at,
            **{c: getattr(self, c) for c in README_COLUMNS},
        }


def depth_scope(client: GitHubClient) -> DepthScope:
    return DepthScope.ALL if client.has_token else DepthScope.NEW_OR_PUSHED


def needs_depth(scope: DepthScope, *, details_wanted: bool, known: bool) -> bool:
    """Every repository with a token; without one, those whose details are read anyway (new or pushed) and
    those never read (e.g. after the upgrade that added depth data)."""
    return scope is DepthScope.ALL or details_wanted or not known


def needs_readme(
    scope: DepthScope, *, details_wanted: bool, stored: tuple[int, datetime] | None, now: datetime
) -> bool:
    """As needs_depth, except that a recorded absence is asked again only on a push or after a week."""
    if stored is None or details_wanted:
        return True
    status, checked_at = stored
    if status != 200:
        return checked_at <= now - ABSENCE_RECHECK
    return scope is DepthScope.ALL


async def fetch_watchers(client: GitHubClient, record: RepositoryRecord, *, fresh_since: datetime | None) -> int | None:
    """The watcher count; None while GitHub withholds the repository. A 404 raises RepositoryGone."""
    return await client.get_watcher_count(record, fresh_since=fresh_since)


async def fetch_readme(client: GitHubClient, record: RepositoryRecord, *, fresh_since: datetime | None) -> Readme:
    return Readme.of(*await client.get_readme(record, fresh_since=fresh_since))


async def apply_depth(
    session: AsyncSession,
    watchers: dict[int, int | None],
    readmes: dict[int, Readme],
    stored: dict[int, dict[str, Any]],
    now: datetime,
) -> set[int]:
    """Write the depth data that differs from what is stored (`stored`: repository rows as they were before
    this run); return the ids of the repositories whose served data changed."""
    changed = {
        repo_id for repo_id, count in watchers.items() if stored.get(repo_id, {}).get("subscribers_count") != count
    }
    if changed:
        rows = [{"id": repo_id, "subscribers_count": watchers[repo_id]} for repo_id in sorted(changed)]
        await session.execute(update(Repository), rows)  # bulk UPDATE by primary key: one executemany
    if not readmes:
        return changed
    held = {
        row.repository_id: row
        for row in await session.scalars(
            select(RepositoryReadme).where(RepositoryReadme.repository_id.in_(list(readmes)))
        )
    }
    new_readmes = [
        found.row(repo_id, now)
        for repo_id, found in sorted(readmes.items())
        if repo_id not in held or any(getattr(held[repo_id], c) != getattr(found, c) for c in README_COLUMNS)
    ]
    await upsert(session, RepositoryReadme, new_readmes, conflict=["repository_id"])
    rechecked = [  # an absence confirmed: only when it was last asked moves
        {"repository_id": repo_id, "checked_at": now}
        for repo_id, found in sorted(readmes.items())
        if found.status != 200 and repo_id in held and repo_id not in {r["repository_id"] for r in new_readmes}
    ]
    if rechecked:
        await session.execute(update(RepositoryReadme), rechecked)
    return changed | {row["repository_id"] for row in new_readmes}
