"""The write half of a refresh: a snapshot applied to the graph in one transaction.

Rows are compared with what is stored and only differences are written, so the data version moves exactly
when something the API serves changed. Curated showcase data is never touched.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.contributed import OutsideRepository
from db.data_version import bump_data_version
from db.models import Contributor, Language, Repository, RepositoryContributor, RepositoryLanguage
from db.profiles import OrganizationMembership
from db.upsert import upsert
from sync.collect import Snapshot
from sync.depth import apply_depth
from sync.linguist import language_color
from sync.records import Account, Owner, RepositoryRecord
from sync.releases import apply_releases

ACCOUNT_COLUMNS = ("id", "node_id", "login", "login_key", "type", "avatar_url", "html_url", "is_owner")
PROFILE_COLUMNS = (
    "name", "bio", "description", "company", "location", "email", "blog", "twitter_username",
    "followers_count", "following_count", "created_at", "updated_at",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ApplyResult:
    added: int
    updated: int
    removed: int
    unchanged: int
    changed: bool  # anything the API serves differs from before
    depth_scope: str  # which repositories depth data was read for (sync/depth.py)


async def apply_snapshot(session: AsyncSession, snapshot: Snapshot, now: datetime) -> ApplyResult:
    """Write `snapshot` inside the caller's transaction (the caller commits, or rolls back on failure)."""
    changed = False

    # Accounts first: repositories and contributions point at them.
    owner_ids = {owner.account.id for owner in snapshot.owners}
    accounts: dict[int, dict[str, Any]] = {}
    for details in snapshot.details.values():
        for contributor in details.contributors or []:
            accounts[contributor.account.id] = _account_row(contributor.account, is_owner=False)
    owner_rows = {owner.account.id: _owner_row(owner) for owner in snapshot.owners}
    stored_accounts = await _rows(session, Contributor)
    # Owners dropped from the configuration stop being owners (their repositories go below).
    for account_id, row in stored_accounts.items():
        if row["is_owner"] and account_id not in owner_ids and account_id not in accounts:
            accounts[account_id] = {**_subset(row, ACCOUNT_COLUMNS), "is_owner": False}
    for account_id in owner_ids:
        accounts.pop(account_id, None)
    changed |= await _write_accounts(session, stored_accounts, owner_rows, accounts)

    # Repositories that vanished (the listing completed without them) or whose owner is no longer ours.
    listed = {record.id: record for record in snapshot.repositories if record.id not in snapshot.gone}
    stored_repos = await _rows(session, Repository)
    # Light records (sync/contributed_rows.py) are kept by their lists, not by a listing; one listed now is
    # an outside repository whose owner became configured: it becomes a full record.
    light = set(await session.scalars(select(OutsideRepository.repository_id)))
    removed_ids = [repo_id for repo_id in stored_repos if repo_id not in listed and repo_id not in light]
    if removed_ids:
        await session.execute(delete(Repository).where(Repository.id.in_(removed_ids)))
    promoted = light & set(listed)
    if promoted:
        await session.execute(delete(OutsideRepository).where(OutsideRepository.repository_id.in_(promoted)))
        changed = True

    language_ids = await _ensure_languages(session, snapshot)
    changed |= language_ids.changed

    desired = {repo_id: _repository_row(record, language_ids.ids) for repo_id, record in listed.items()}
    added = [repo_id for repo_id in desired if repo_id not in stored_repos]
    modified = {
        repo_id
        for repo_id, row in desired.items()
        if repo_id in stored_repos and _differs(stored_repos[repo_id], row, ignore=("synced_at",))
    }
    for repo_id in snapshot.details:
        if repo_id in desired:
            desired[repo_id]["synced_at"] = now
    to_write = [
        row
        for repo_id, row in desired.items()
        if repo_id in added or repo_id in modified or repo_id in snapshot.details
    ]
    if to_write:
        # Free the names of renamed repositories first: a swap would otherwise trip the unique key.
        renamed = [
            repo_id
            for repo_id in modified
            if stored_repos[repo_id]["full_name_key"] != desired[repo_id]["full_name_key"]
        ]
        if renamed:
            await session.execute(
                update(Repository)
                .where(Repository.id.in_(renamed))
                .values(full_name_key="~" + Repository.id.cast(Repository.full_name_key.type))
            )
        # Two batches: a multi-row INSERT needs uniform keys, and synced_at moves only with fetched details.
        await upsert(session, Repository, [row for row in to_write if "synced_at" in row], conflict=["id"])
        await upsert(session, Repository, [row for row in to_write if "synced_at" not in row], conflict=["id"])

    associations_changed = await _replace_associations(
        session, snapshot, [repo_id for repo_id in snapshot.details if repo_id in desired], language_ids.ids
    )
    modified |= associations_changed - set(added)
    watchers = {repo_id: count for repo_id, count in snapshot.watchers.items() if repo_id in desired}
    readmes = {repo_id: found for repo_id, found in snapshot.readmes.items() if repo_id in desired}
    modified |= await apply_depth(session, watchers, readmes, stored_repos, now) - set(added)
    releases = {repo_id: found for repo_id, found in snapshot.releases.items() if repo_id in desired}
    modified |= await apply_releases(session, releases, now) - set(added)

    changed |= await delete_orphans(session)
    changed |= bool(added or modified or removed_ids)
    if changed:
        await bump_data_version(session)
    existing_listed = [repo_id for repo_id in desired if repo_id in stored_repos]
    return ApplyResult(
        added=len(added),
        updated=len(modified),
        removed=len(removed_ids),
        unchanged=len(existing_listed) - len(modified),
        changed=changed,
        depth_scope=snapshot.depth_scope.value,
    )


# Accounts -------------------------------------------------------------------------------------------


def _account_row(account: Account, *, is_owner: bool) -> dict[str, Any]:
    return {
        "id": account.id,
        "node_id": account.node_id,
        "login": account.login,
        "login_key": account.login.lower(),
        "type": account.type,
        "avatar_url": account.avatar_url,
        "html_url": account.html_url,
        "is_owner": is_owner,
    }


def _owner_row(owner: Owner) -> dict[str, Any]:
    return {
        **_account_row(owner.account, is_owner=True),
        **{column: getattr(owner, column) for column in PROFILE_COLUMNS},
    }


async def _write_accounts(
    session: AsyncSession,
    stored: dict[int, dict[str, Any]],
    owners: dict[int, dict[str, Any]],
    contributors: dict[int, dict[str, Any]],
) -> bool:
    changed_owners = [row for key, row in owners.items() if key not in stored or _differs(stored[key], row)]
    changed_contributors = [row for key, row in contributors.items() if key not in stored or _differs(stored[key], row)]
    incoming = changed_owners + changed_contributors
    if not incoming:
        return False
    # A login moves between accounts when one is renamed and another takes the old name; park the
    # clashing keys first (an account we no longer see keeps a placeholder until it is orphaned).
    keys = {row["login_key"]: row["id"] for row in incoming}
    clashing = [
        account_id
        for account_id, row in stored.items()
        if row["login_key"] in keys and keys[row["login_key"]] != account_id
    ]
    if clashing:
        await session.execute(
            update(Contributor)
            .where(Contributor.id.in_(clashing))
            .values(login_key="~" + Contributor.id.cast(Contributor.login_key.type))
        )
    await upsert(session, Contributor, changed_owners, conflict=["id"])
    # Contributors carry account columns only: an owner's profile is never blanked by its contributions.
    await upsert(session, Contributor, changed_contributors, conflict=["id"])
    return True


# Languages ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Languages:
    ids: dict[str, int]
    changed: bool


async def _ensure_languages(session: AsyncSession, snapshot: Snapshot) -> _Languages:
    names = {record.language for record in snapshot.repositories if record.language}
    for details in snapshot.details.values():
        names.update((details.languages or {}).keys())
    stored = {row.name: row for row in (await session.execute(select(Language))).scalars()}
    rows = [
        {"name": name, "color": language_color(name)}
        for name in sorted(names)
        if name not in stored or stored[name].color != language_color(name)
    ]
    await upsert(session, Language, rows, conflict=["name"])
    ids = {name: language_id for name, language_id in await session.execute(select(Language.name, Language.id))}
    return _Languages(ids=ids, changed=bool(rows))


# Repositories ---------------------------------------------------------------------------------------


def _repository_row(record: RepositoryRecord, language_ids: dict[str, int]) -> dict[str, Any]:
    return {
        "id": record.id,
        "node_id": record.node_id,
        "owner_id": record.owner.id,
        "name": record.name,
        "full_name": record.full_name,
        "full_name_key": record.full_name.lower(),
        "description": record.description,
        "homepage": record.homepage,
        "html_url": record.html_url,
        "is_fork": record.fork,
        "is_archived": record.archived,
        "is_template": record.is_template,
        "has_issues": record.has_issues,
        "visibility": record.visibility,
        "stargazers_count": record.stargazers_count,
        "forks_count": record.forks_count,
        "disk_usage": record.size,
        "default_branch": record.default_branch,
        "primary_language_id": language_ids.get(record.language) if record.language else None,
        "license": record.license,
        "topics": list(record.topics),
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "pushed_at": record.pushed_at,
    }


async def _replace_associations(
    session: AsyncSession, snapshot: Snapshot, repo_ids: list[int], language_ids: dict[str, int]
) -> set[int]:
    """Replace languages and contributors of the repositories fetched this run; return those that differ."""
    if not repo_ids:
        return set()
    stored_languages: dict[int, dict[int, int]] = {repo_id: {} for repo_id in repo_ids}
    language_links = select(RepositoryLanguage.repository_id, RepositoryLanguage.language_id, RepositoryLanguage.bytes)
    for repo_id, language_id, size in await session.execute(
        language_links.where(RepositoryLanguage.repository_id.in_(repo_ids))
    ):
        stored_languages[repo_id][language_id] = size
    stored_contributors: dict[int, dict[int, int]] = {repo_id: {} for repo_id in repo_ids}
    contributions = select(
        RepositoryContributor.repository_id, RepositoryContributor.contributor_id, RepositoryContributor.contributions
    )
    for repo_id, account_id, count in await session.execute(
        contributions.where(RepositoryContributor.repository_id.in_(repo_ids))
    ):
        stored_contributors[repo_id][account_id] = count

    changed: set[int] = set()
    language_rows: list[dict[str, Any]] = []
    contributor_rows: list[dict[str, Any]] = []
    for repo_id in repo_ids:
        details = snapshot.details[repo_id]
        languages = {language_ids[name]: size for name, size in (details.languages or {}).items()}
        contributors: dict[int, int] = {}
        for contributor in details.contributors or []:
            # One account listed twice (GitHub merges by email) counts once, with its contributions summed.
            account_id = contributor.account.id
            contributors[account_id] = contributors.get(account_id, 0) + contributor.contributions
        if languages != stored_languages[repo_id] or contributors != stored_contributors[repo_id]:
            changed.add(repo_id)
            language_rows += [
                {"repository_id": repo_id, "language_id": lang, "bytes": size} for lang, size in languages.items()
            ]
            contributor_rows += [
                {"repository_id": repo_id, "contributor_id": account, "contributions": n}
                for account, n in contributors.items()
            ]
    if changed:
        await session.execute(delete(RepositoryLanguage).where(RepositoryLanguage.repository_id.in_(changed)))
        await session.execute(delete(RepositoryContributor).where(RepositoryContributor.repository_id.in_(changed)))
        await upsert(session, RepositoryLanguage, language_rows, conflict=["repository_id", "language_id"])
        await upsert(session, RepositoryContributor, contributor_rows, conflict=["repository_id", "contributor_id"])
    return changed


async def delete_orphans(session: AsyncSession) -> bool:
    """Accounts and languages nothing points at any more (the API lists every cached contributor).

    A user's organizations are kept here; sync/profiles.py lets go of those no membership holds any more."""
    accounts = await session.execute(
        delete(Contributor).where(
            Contributor.is_owner.is_(False),
            Contributor.id.not_in(select(RepositoryContributor.contributor_id)),
            Contributor.id.not_in(select(Repository.owner_id)),
            Contributor.id.not_in(select(OrganizationMembership.organization_id)),
        )
    )
    languages = await session.execute(
        delete(Language).where(
            Language.id.not_in(select(RepositoryLanguage.language_id)),
            Language.id.not_in(
                select(Repository.primary_language_id).where(Repository.primary_language_id.is_not(None))
            ),
        )
    )
    return bool(accounts.rowcount or languages.rowcount)  # type: ignore[attr-defined]


# Helpers --------------------------------------------------------------------------------------------


async def _rows(session: AsyncSession, model: type[Contributor] | type[Repository]) -> dict[int, dict[str, Any]]:
    result = await session.execute(select(model.__table__))
    return {row["id"]: dict(row) for row in result.mappings()}


def _differs(stored: dict[str, Any], desired: dict[str, Any], *, ignore: Iterable[str] = ()) -> bool:
    skip = set(ignore)
    return any(stored.get(key) != value for key, value in desired.items() if key not in skip)


def _subset(row: dict[str, Any], columns: Iterable[str]) -> dict[str, Any]:
    return {column: row[column] for column in columns}
