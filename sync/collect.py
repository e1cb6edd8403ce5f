"""The fetch half of a refresh: read GitHub into a snapshot, asking only for what may have changed."""

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Contributor, Repository, RepositoryReadme
from db.releases import ReleaseCheck
from sync.depth import (
    DepthScope,
    Readme,
    depth_scope,
    fetch_readme,
    fetch_watchers,
    needs_depth,
    needs_readme,
)
from sync.errors import RepositoryGone
from sync.github.client import GitHubClient
from sync.records import ContributorRecord, Owner, RepositoryRecord
from sync.releases import Releases, fetch_releases, needs_releases

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Progress:
    """One step of a run, for a progress bar or a log line. `total` is None while unknown."""

    phase: str  # "owners" | "details" | "profiles" | "apply"
    done: int
    total: int | None
    detail: str = ""


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True, slots=True)
class CachedState:
    """What the graph already holds, enough to decide what to ask GitHub."""

    owner_types: dict[str, str]  # login_key -> "User" | "Organization"
    repositories: dict[int, tuple[datetime | None, datetime | None]]  # id -> (pushed_at, synced_at)
    depth_known: frozenset[int] = frozenset()  # repositories whose watchers (sync/depth.py) were read
    readmes: dict[int, tuple[int, datetime]] = field(default_factory=dict)  # id -> (status, checked_at)
    release_checks: dict[int, tuple[int, datetime]] = field(default_factory=dict)  # as readmes, for releases


@dataclass(frozen=True, slots=True)
class Details:
    languages: dict[str, int] | None  # None: GitHub withholds them (451)
    contributors: list[ContributorRecord] | None  # None: unavailable (too large to list, 451)


@dataclass(slots=True)
class Snapshot:
    """Everything one run read. Built only when every owner's listing completed."""

    owners: list[Owner] = field(default_factory=list)
    repositories: list[RepositoryRecord] = field(default_factory=list)
    details: dict[int, Details] = field(default_factory=dict)  # repositories whose details were fetched
    watchers: dict[int, int | None] = field(default_factory=dict)  # repositories whose watchers were fetched
    readmes: dict[int, Readme] = field(default_factory=dict)  # repositories whose README was asked
    releases: dict[int, Releases] = field(default_factory=dict)  # repositories whose releases were asked
    depth_scope: DepthScope = DepthScope.ALL
    gone: set[int] = field(default_factory=set)  # listed, then 404 on their details


async def load_state(sessionmaker: async_sessionmaker[AsyncSession]) -> CachedState:
    async with sessionmaker() as session:
        owners = await session.execute(
            select(Contributor.login_key, Contributor.type).where(Contributor.is_owner.is_(True))
        )
        repos = (
            await session.execute(
                select(Repository.id, Repository.pushed_at, Repository.synced_at, Repository.subscribers_count)
            )
        ).all()
        readmes = await session.execute(
            select(RepositoryReadme.repository_id, RepositoryReadme.status, RepositoryReadme.checked_at)
        )
        checks = await session.execute(select(ReleaseCheck.repository_id, ReleaseCheck.status, ReleaseCheck.checked_at))
        return CachedState(
            readmes={repo_id: (status, checked) for repo_id, status, checked in readmes},
            release_checks={repo_id: (status, checked) for repo_id, status, checked in checks},
            owner_types={key: kind for key, kind in owners},
            repositories={repo_id: (pushed, synced) for repo_id, pushed, synced, _ in repos},
            depth_known=frozenset(repo_id for repo_id, _, _, watchers in repos if watchers is not None),
        )


def needs_details(record: RepositoryRecord, state: CachedState) -> bool:
    """Languages and contributors only change with a push: ask again for new or pushed repositories."""
    cached = state.repositories.get(record.id)
    if cached is None:
        return True
    pushed_at, synced_at = cached
    return synced_at is None or pushed_at != record.pushed_at


async def collect(
    client: GitHubClient,
    logins: list[str],
    state: CachedState,
    progress: ProgressCallback | None = None,
) -> Snapshot:
    snapshot = Snapshot()
    report = progress or (lambda _: None)
    seen: set[int] = set()
    for index, login in enumerate(logins):
        report(Progress("owners", index, len(logins), login))
        owner = await client.get_owner(login, known_type=state.owner_types.get(login.lower()))
        listing = await client.list_repositories(owner)
        log.info(
            "%s: %d public repositories%s",
            owner.account.login,
            len(listing.repositories),
            " (not modified)" if listing.not_modified else "",
        )
        snapshot.owners.append(owner)
        for record in listing.repositories:
            if record.owner.id != owner.account.id:
                continue  # transferred away while we paged; the new owner's listing has it if it is ours
            if record.id not in seen:  # a repository moving between owners mid-run shows up twice
                seen.add(record.id)
                snapshot.repositories.append(record)
    report(Progress("owners", len(logins), len(logins)))

    snapshot.depth_scope = scope = depth_scope(client)
    details_wanted = {record.id for record in snapshot.repositories if needs_details(record, state)}
    depth_wanted = {
        record.id
        for record in snapshot.repositories
        if needs_depth(scope, details_wanted=record.id in details_wanted, known=record.id in state.depth_known)
    }
    now = datetime.now(UTC)
    readme_wanted = {
        record.id
        for record in snapshot.repositories
        if needs_readme(scope, details_wanted=record.id in details_wanted, stored=state.readmes.get(record.id), now=now)
    }
    releases_wanted = {
        record.id
        for record in snapshot.repositories
        if needs_releases(
            scope, details_wanted=record.id in details_wanted, stored=state.release_checks.get(record.id), now=now
        )
    }
    asked = details_wanted | depth_wanted | readme_wanted | releases_wanted
    wanted = [record for record in snapshot.repositories if record.id in asked]
    done = 0
    report(Progress("details", 0, len(wanted)))

    async def fetch(record: RepositoryRecord) -> None:
        nonlocal done
        # A repository new to the graph may have been fetched by an earlier run that failed before
        # applying: its stored answers are still good when fetched after its last push.
        fresh_since = (record.pushed_at or record.created_at) if record.id not in state.repositories else None
        try:
            if record.id in details_wanted:
                languages = await client.get_languages(record, fresh_since=fresh_since)
                contributors = (
                    await client.get_contributors(record, fresh_since=fresh_since) if languages is not None else None
                )
                snapshot.details[record.id] = Details(languages, contributors)
            if record.id in depth_wanted:
                snapshot.watchers[record.id] = await fetch_watchers(client, record, fresh_since=fresh_since)
            if record.id in readme_wanted:
                snapshot.readmes[record.id] = await fetch_readme(client, record, fresh_since=fresh_since)
            if record.id in releases_wanted:
                snapshot.releases[record.id] = await fetch_releases(client, record, fresh_since=fresh_since)
        except RepositoryGone:
            log.info("%s vanished while syncing", record.full_name)
            snapshot.gone.add(record.id)
            snapshot.details.pop(record.id, None)
            snapshot.watchers.pop(record.id, None)
            snapshot.releases.pop(record.id, None)
        done += 1
        report(Progress("details", done, len(wanted), record.full_name))

    # A few workers rather than a task per repository: bounded requests and database connections alike.
    # On the first failure the others stop taking work but finish what they hold, rather than being
    # cancelled in the middle of a database call.
    pending = iter(wanted)
    failures: list[Exception] = []

    async def worker() -> None:
        for record in pending:
            if failures:
                return
            try:
                await fetch(record)
            except Exception as exc:  # noqa: BLE001  (re-raised below, after the other workers stop)
                failures.append(exc)
                return

    await asyncio.gather(*(worker() for _ in range(min(client.concurrency, len(wanted)))))
    if failures:
        raise failures[0]
    return snapshot
