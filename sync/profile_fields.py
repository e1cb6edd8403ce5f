"""The profile fields of the GraphQL stage: users' organizations and status, organizations' member counts.

Read by the `profile` fragment, which sync/profiles.py sends beside `pins` in its one document per BATCH
owners, and applied in the run's transaction. A user's organizations are kept to the public memberships REST
lists (`keep_public`): GraphQL answers a token's owner its private memberships too. Follower counts are not
here: REST's profile has them (sync/records.py), with or without a token. Without a token these are not kept
(no sync would follow them): no organizations, no status, and membersWithRole counts unknown.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Contributor, Repository, RepositoryContributor
from db.profiles import OrganizationMembership, OwnerStatus
from db.upsert import upsert
from sync.errors import GitHubError
from sync.records import parse_time

# GitHub pages a user's organizations by 100 at most; the first page is what the cache keeps.
ORGANIZATIONS = 100

PROFILE_FRAGMENT = f"""
fragment profile on RepositoryOwner {{
  ... on User {{
    status {{
      emoji emojiHTML message indicatesLimitedAvailability createdAt updatedAt expiresAt organization {{ databaseId }}
    }}
    organizations(first: {ORGANIZATIONS}) {{
      nodes {{ databaseId id login name description avatarUrl url createdAt updatedAt }}
    }}
  }}
  ... on Organization {{ membersWithRole(first: 1) {{ totalCount }} }}
}}
"""


@dataclass(frozen=True, slots=True)
class Membership:
    """An organization a user belongs to, with what `organizations { nodes }` answers of it."""

    id: int  # GitHub's databaseId, the REST id the cache keys accounts on
    node_id: str
    login: str
    name: str | None
    description: str | None
    avatar_url: str
    url: str
    created_at: datetime | None
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class Status:
    emoji: str | None
    emoji_html: str | None
    message: str | None
    indicates_limited_availability: bool
    created_at: datetime
    updated_at: datetime
    expires_at: datetime | None


@dataclass(slots=True)
class ProfileFields:
    """What the `profile` fragment read, per owner id."""

    organizations: dict[int, list[Membership]]
    status: dict[int, Status]  # users with a status set
    members: dict[int, int]  # organizations' membersWithRole totalCount


def read_profile(found: Any, owner_id: int, login: str, into: ProfileFields) -> None:
    """Add one owner's `profile` fragment (an alias's answer) to `into`."""
    try:
        if "membersWithRole" in found:
            into.members[owner_id] = int(found["membersWithRole"]["totalCount"])
        if "organizations" in found:
            nodes = found["organizations"]["nodes"] or []
            into.organizations[owner_id] = [_membership(node) for node in nodes if isinstance(node, dict)]
        status = found.get("status")
        # A status limited to an organization's members reaches the sync only as the token's owner sees it.
        if isinstance(status, dict) and status.get("organization") is None:
            into.status[owner_id] = _status(status)
    except (KeyError, TypeError, ValueError) as exc:
        raise GitHubError(f"GitHub's GraphQL API sent an unreadable profile for {login}") from exc


def keep_public(into: ProfileFields, user_id: int, public: set[int]) -> None:
    """Keep the user's organizations that REST lists as public memberships, in GraphQL's order."""
    into.organizations[user_id] = [found for found in into.organizations.get(user_id, []) if found.id in public]


def _membership(node: dict[str, Any]) -> Membership:
    return Membership(
        id=int(node["databaseId"]),
        node_id=str(node["id"]),
        login=str(node["login"]),
        name=node.get("name"),
        description=node.get("description"),
        avatar_url=str(node.get("avatarUrl") or ""),
        url=str(node["url"]),
        created_at=parse_time(node.get("createdAt")),
        updated_at=parse_time(node.get("updatedAt")),
    )


def _status(status: dict[str, Any]) -> Status:
    created, updated = parse_time(status["createdAt"]), parse_time(status["updatedAt"])
    if created is None or updated is None:
        raise ValueError("status without its timestamps")
    return Status(
        emoji=status.get("emoji"),
        emoji_html=status.get("emojiHTML"),
        message=status.get("message"),
        indicates_limited_availability=bool(status["indicatesLimitedAvailability"]),
        created_at=created,
        updated_at=updated,
        expires_at=parse_time(status.get("expiresAt")),
    )


async def apply_profile_fields(session: AsyncSession, fields: ProfileFields | None) -> bool:
    """Write what the fragment read (None: the stage did not run, so nothing is kept); whether anything changed."""
    fields = fields or ProfileFields({}, {}, {})
    changed = await _apply_organizations(session, fields.organizations)
    changed |= await _apply_status(session, fields.status)
    return await _apply_members(session, fields.members) or changed


async def _apply_organizations(session: AsyncSession, organizations: dict[int, list[Membership]]) -> bool:
    stored = {
        (user_id, position): organization_id
        for user_id, position, organization_id in await session.execute(
            select(
                OrganizationMembership.user_id, OrganizationMembership.position, OrganizationMembership.organization_id
            )
        )
    }
    desired = {
        (user_id, position): membership.id
        for user_id, memberships in organizations.items()
        for position, membership in enumerate(memberships)
    }
    changed = await _write_light_organizations(
        session, {membership.id: membership for memberships in organizations.values() for membership in memberships}
    )
    if desired != stored:
        await session.execute(delete(OrganizationMembership))
        rows = [
            {"user_id": user_id, "position": position, "organization_id": organization_id}
            for (user_id, position), organization_id in sorted(desired.items())
        ]
        await upsert(session, OrganizationMembership, rows, conflict=["user_id", "position"])
        changed = True
    # Organizations no membership holds any more, that are nothing else to the cache either.
    gone = set(stored.values()) - set(desired.values())
    if gone:
        await session.execute(
            delete(Contributor).where(
                Contributor.id.in_(gone),
                Contributor.is_owner.is_(False),
                Contributor.id.not_in(select(RepositoryContributor.contributor_id)),
                Contributor.id.not_in(select(Repository.owner_id)),
                Contributor.id.not_in(select(OrganizationMembership.organization_id)),
            )
        )
    return changed


LIGHT_COLUMNS = ("node_id", "login", "login_key", "type", "avatar_url", "html_url", "name", "description")


async def _write_light_organizations(session: AsyncSession, found: dict[int, Membership]) -> bool:
    """The organizations that are not configured owners, as light rows; a configured one keeps its own row."""
    if not found:
        return False
    stored = {
        row["id"]: row
        for row in (
            await session.execute(select(Contributor.__table__).where(Contributor.id.in_(list(found))))
        ).mappings()
    }
    rows = []
    for organization_id, membership in found.items():
        row = stored.get(organization_id)
        if row is not None and row["is_owner"]:
            continue
        desired = {
            "id": organization_id,
            "node_id": membership.node_id,
            "login": membership.login,
            "login_key": membership.login.lower(),
            "type": "Organization",
            "avatar_url": membership.avatar_url,
            "html_url": membership.url,
            "name": membership.name,
            "description": membership.description,
            "created_at": membership.created_at,
            "updated_at": membership.updated_at,
        }
        if row is None or any(row[key] != value for key, value in desired.items()):
            rows.append(desired)
    if not rows:
        return False
    # A login that moved (an account renamed, another taking its old name) is parked on the old row first.
    keys = {row["login_key"]: row["id"] for row in rows}
    await session.execute(
        update(Contributor)
        .where(Contributor.login_key.in_(list(keys)), Contributor.id.not_in(list(keys.values())))
        .values(login_key="~" + Contributor.id.cast(Contributor.login_key.type))
    )
    await upsert(session, Contributor, rows, conflict=["id"])
    return True


async def _apply_status(session: AsyncSession, status: dict[int, Status]) -> bool:
    stored = {row["owner_id"]: dict(row) for row in (await session.execute(select(OwnerStatus.__table__))).mappings()}
    desired = {owner_id: {"owner_id": owner_id, **_status_row(found)} for owner_id, found in status.items()}
    if stored == desired:
        return False
    await session.execute(delete(OwnerStatus))
    await upsert(session, OwnerStatus, [desired[key] for key in sorted(desired)], conflict=["owner_id"])
    return True


def _status_row(status: Status) -> dict[str, Any]:
    return {
        "emoji": status.emoji,
        "emoji_html": status.emoji_html,
        "message": status.message,
        "indicates_limited_availability": status.indicates_limited_availability,
        "created_at": status.created_at,
        "updated_at": status.updated_at,
        "expires_at": status.expires_at,
    }


async def _apply_members(session: AsyncSession, members: dict[int, int]) -> bool:
    stored = {
        owner_id: count
        for owner_id, count in await session.execute(
            select(Contributor.id, Contributor.members_count).where(Contributor.is_owner.is_(True))
        )
    }
    changed = False
    for owner_id, count in stored.items():
        desired = members.get(owner_id)
        if count != desired:
            await session.execute(update(Contributor).where(Contributor.id == owner_id).values(members_count=desired))
            changed = True
    return changed
