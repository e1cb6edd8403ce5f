"""Releases in the depth sync (issue 13): every repository's published releases from REST /releases.

A new release needs no push (a tag of an existing commit, or a draft published), so with a token every
repository's list is asked each run: one conditional GET per page, a 304 free when nothing changed, an empty
list included (it carries an ETag too). Without a token only new or pushed repositories are asked, as for
the README. An absence (404, 409, 451, 403) carries no ETag: asked again on a push or after a week. Drafts
are dropped on arrival: GitHub lists them only to callers with push access, and a portfolio is public.
"""

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.releases import Release, ReleaseCheck
from db.upsert import upsert
from sync.depth import DepthScope, needs_readme
from sync.errors import GitHubError
from sync.github.client import GitHubClient
from sync.records import RepositoryRecord, parse_time

RELEASE_COLUMNS = (
    "node_id", "tag_name", "name", "description", "description_html", "html_url", "is_draft", "is_prerelease",
    "created_at", "published_at", "updated_at",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ReleaseRecord:
    id: int
    node_id: str
    tag_name: str
    name: str | None
    description: str | None
    description_html: str | None
    html_url: str
    is_draft: bool
    is_prerelease: bool
    created_at: datetime
    published_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ReleaseRecord":
        created_at = parse_time(data.get("created_at"))
        if created_at is None:
            raise GitHubError(f"release {data.get('id')!r} has no created_at")
        return cls(
            id=int(data["id"]),
            node_id=str(data["node_id"]),
            tag_name=str(data.get("tag_name") or ""),
            name=data.get("name"),
            description=data.get("body"),
            description_html=data.get("body_html"),
            html_url=str(data.get("html_url") or ""),
            is_draft=bool(data.get("draft", False)),
            is_prerelease=bool(data.get("prerelease", False)),
            created_at=created_at,
            published_at=parse_time(data.get("published_at")),
            updated_at=parse_time(data.get("updated_at")),
        )


@dataclass(frozen=True, slots=True)
class Releases:
    status: int  # 200 (the list, maybe empty), or why there is none
    records: tuple[ReleaseRecord, ...] = ()


def needs_releases(
    scope: DepthScope, *, details_wanted: bool, stored: tuple[int, datetime] | None, now: datetime
) -> bool:
    """The README's rule (sync/depth.py: needs_readme): every run with a token, else new or pushed
    repositories; a recorded absence only on a push or after a week."""
    return needs_readme(scope, details_wanted=details_wanted, stored=stored, now=now)


async def fetch_releases(client: GitHubClient, record: RepositoryRecord, *, fresh_since: datetime | None) -> Releases:
    status, items = await client.get_releases(record, fresh_since=fresh_since)
    records = (ReleaseRecord.from_json(item) for item in items)
    return Releases(status, tuple(release for release in records if not release.is_draft))


async def apply_releases(session: AsyncSession, found: dict[int, Releases], now: datetime) -> set[int]:
    """Write the releases that differ from what is stored for the repositories asked this run (an absence
    holds none); return the ids of the repositories whose releases changed."""
    if not found:
        return set()
    ids = list(found)
    held: dict[int, dict[int, dict[str, Any]]] = {repo_id: {} for repo_id in ids}
    for row in (await session.execute(select(Release.__table__).where(Release.repository_id.in_(ids)))).mappings():
        held[row["repository_id"]][row["id"]] = dict(row)
    checks = {
        check.repository_id: check
        for check in await session.scalars(select(ReleaseCheck).where(ReleaseCheck.repository_id.in_(ids)))
    }
    changed: set[int] = set()
    rows: list[dict[str, Any]] = []
    gone: list[int] = []
    for repo_id, releases in sorted(found.items()):
        desired = {
            record.id: {**asdict(record), "repository_id": repo_id}
            for record in releases.records
            if releases.status == 200
        }
        stale = [release_id for release_id in held[repo_id] if release_id not in desired]
        fresh = [
            row
            for release_id, row in desired.items()
            if any(held[repo_id].get(release_id, {}).get(column) != row[column] for column in RELEASE_COLUMNS)
        ]
        if stale or fresh:
            changed.add(repo_id)
            gone += stale
            rows += fresh
    if gone:
        await session.execute(delete(Release).where(Release.id.in_(gone)))
    await upsert(session, Release, rows, conflict=["id"])
    # The check moves when the answer changed, and when an absence was confirmed (the next ask is a week on).
    new_checks = [
        {"repository_id": repo_id, "status": releases.status, "checked_at": now}
        for repo_id, releases in sorted(found.items())
        if repo_id not in checks or checks[repo_id].status != releases.status
    ]
    await upsert(session, ReleaseCheck, new_checks, conflict=["repository_id"])
    rechecked = [
        {"repository_id": repo_id, "checked_at": now}
        for repo_id, releases in sorted(found.items())
        if releases.status != 200 and repo_id in checks and checks[repo_id].status == releases.status
    ]
    if rechecked:
        await session.execute(update(ReleaseCheck), rechecked)
    return changed
