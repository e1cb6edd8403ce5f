"""Writes the users' contributed and top repository lists and the light records they need.

In the run's transaction, after the REST listings are applied, so every full record is already in place."""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.contributed import ContributedRepository, OutsideRepository
from db.models import Contributor, Language, Repository
from db.upsert import upsert
from sync.apply import delete_orphans
from sync.contributed import Contributed, LightRepository
from sync.records import Account

# The columns a light record fills; the rest keep their defaults (no watchers, disk usage or topics known).
LIGHT_COLUMNS = (
    "node_id", "owner_id", "name", "full_name", "full_name_key", "description", "homepage", "html_url", "is_fork",
    "is_archived", "is_template", "has_issues", "stargazers_count", "forks_count", "default_branch",
    "primary_language_id", "license", "created_at", "updated_at", "pushed_at",
)  # fmt: skip
ACCOUNT_COLUMNS = ("node_id", "login", "login_key", "type", "avatar_url", "html_url")


async def apply_contributed(session: AsyncSession, contributed: dict[int, Contributed] | None) -> bool:
    """Make the stored lists equal what the stage read (none when it did not run); whether anything changed.

    A repository the cache holds as a full record is pointed at; one it does not hold becomes a light record
    (with its owner as an account row), and light records no list points at any more are deleted.
    """
    users = contributed or {}
    full = set(
        await session.scalars(select(Repository.id).where(~Repository.id.in_(select(OutsideRepository.repository_id))))
    )
    light: dict[int, LightRepository] = {}
    for lists in users.values():
        for repository_id, record in lists.repositories.items():
            if repository_id not in full:
                light[repository_id] = record
    held, changed = await _write_light(session, light)
    held |= full
    desired = {
        (user_id, kind, repository_id): position
        for user_id, lists in users.items()
        for kind, ids in lists.lists.items()
        for position, repository_id in enumerate(i for i in ids if i in held)
    }
    stored = {
        (user_id, kind, repository_id): position
        for user_id, kind, repository_id, position in await session.execute(
            select(
                ContributedRepository.user_id,
                ContributedRepository.list,
                ContributedRepository.repository_id,
                ContributedRepository.position,
            )
        )
    }
    if desired != stored:
        await session.execute(delete(ContributedRepository))
        rows = [
            {"user_id": user_id, "list": kind, "repository_id": repository_id, "position": position}
            for (user_id, kind, repository_id), position in sorted(desired.items())
        ]
        await upsert(session, ContributedRepository, rows, conflict=["user_id", "list", "repository_id"])
        changed = True
    unreferenced = await session.execute(
        delete(Repository).where(
            Repository.id.in_(select(OutsideRepository.repository_id)),
            Repository.id.not_in(select(ContributedRepository.repository_id)),
        )
    )
    if unreferenced.rowcount:  # type: ignore[attr-defined]
        changed = True
        await delete_orphans(session)
    return changed


async def _write_light(session: AsyncSession, light: dict[int, LightRepository]) -> tuple[set[int], bool]:
    """The light records written (or already right) and whether any row changed."""
    if not light:
        return set(), False
    changed = await _write_owners(session, [record.owner for record in light.values()])
    languages, added = await _language_ids(session, light.values())
    changed |= added
    stored = {
        row["id"]: row
        for row in (
            await session.execute(select(Repository.__table__).where(Repository.id.in_(list(light))))
        ).mappings()
    }
    # A full name another repository row holds (a rename GitHub has not settled): that light record waits.
    taken = dict(
        (
            await session.execute(
                select(Repository.full_name_key, Repository.id).where(Repository.id.not_in(list(light)))
            )
        ).all()
    )
    rows, held = [], set()
    for repository_id, record in light.items():
        row = _light_row(record, languages)
        if taken.get(row["full_name_key"], repository_id) != repository_id:
            continue
        held.add(repository_id)
        if repository_id not in stored or any(stored[repository_id][c] != row[c] for c in LIGHT_COLUMNS):
            rows.append(row)
    if rows:
        await session.execute(
            update(Repository)
            .where(Repository.id.in_([row["id"] for row in rows]))
            .values(full_name_key="~" + Repository.id.cast(Repository.full_name_key.type))
        )
        await upsert(session, Repository, rows, conflict=["id"], update=LIGHT_COLUMNS)
        changed = True
    marks = [{"repository_id": row["id"]} for row in rows if row["id"] not in stored]
    await upsert(session, OutsideRepository, marks, conflict=["repository_id"])
    return held, changed


def _light_row(record: LightRepository, languages: dict[str, int]) -> dict[str, Any]:
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
        "is_fork": record.is_fork,
        "is_archived": record.is_archived,
        "is_template": record.is_template,
        "has_issues": record.has_issues,
        "stargazers_count": record.stargazers_count,
        "forks_count": record.forks_count,
        "default_branch": record.default_branch,
        "primary_language_id": languages[record.language[0]] if record.language else None,
        "license": record.license,
        "topics": [],
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "pushed_at": record.pushed_at,
    }


async def _write_owners(session: AsyncSession, owners: list[Account]) -> bool:
    """The light records' owners as account rows; a configured owner's row is never touched here."""
    incoming = {
        owner.id: {
            "id": owner.id,
            "node_id": owner.node_id,
            "login": owner.login,
            "login_key": owner.login.lower(),
            "type": owner.type,
            "avatar_url": owner.avatar_url,
            "html_url": owner.html_url,
        }
        for owner in owners
    }
    stored = {
        row["id"]: row
        for row in (
            await session.execute(
                select(Contributor.__table__).where(
                    Contributor.id.in_(list(incoming))
                    | Contributor.login_key.in_([row["login_key"] for row in incoming.values()])
                )
            )
        ).mappings()
    }
    rows = [
        row
        for account_id, row in incoming.items()
        if account_id not in stored
        or (not stored[account_id]["is_owner"] and any(stored[account_id][c] != row[c] for c in ACCOUNT_COLUMNS))
    ]
    if not rows:
        return False
    keys = {row["login_key"]: row["id"] for row in rows}
    clashing = [i for i, row in stored.items() if row["login_key"] in keys and keys[row["login_key"]] != i]
    if clashing:  # a login that moved between accounts: the old holder keeps a placeholder until orphaned
        await session.execute(
            update(Contributor)
            .where(Contributor.id.in_(clashing))
            .values(login_key="~" + Contributor.id.cast(Contributor.login_key.type))
        )
    await upsert(session, Contributor, rows, conflict=["id"], update=ACCOUNT_COLUMNS)
    return True


async def _language_ids(session: AsyncSession, records: Iterable[LightRepository]) -> tuple[dict[str, int], bool]:
    """Language name -> id for the records' primary languages, adding missing ones; whether any was added."""
    wanted = {record.language[0]: record.language[1] for record in records if record.language}
    found: dict[str, int] = dict(
        (await session.execute(select(Language.name, Language.id).where(Language.name.in_(list(wanted))))).all()
    )
    missing = [{"name": name, "color": color} for name, color in wanted.items() if name not in found]
    if missing:
        await upsert(session, Language, missing, conflict=["name"], update=[])
        found.update(
            (await session.execute(select(Language.name, Language.id).where(Language.name.in_(list(wanted))))).all()
        )
    return found, bool(missing)
