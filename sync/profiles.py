"""The GraphQL stage of a sync: what only GitHub's GraphQL API tells about the owners (their pinned repositories,
and the profile fields of sync/profile_fields.py: organizations, status, member counts).

Collected after the REST listings, for every owner in as few documents as fit (BATCH owners each), and
applied in the run's one transaction. Without a token the stage is skipped, with one line saying so; any
fault fails the run before anything is applied, so the previous cache stays whole.
"""

import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.contributed import ALL, OutsideRepository
from db.models import Repository
from db.profiles import PinnedItem
from db.upsert import upsert
from sync.contributed import ALIASES, CONTRIBUTED_FRAGMENT, Contributed, contributed_of
from sync.contributed_rows import apply_contributed
from sync.errors import GitHubError, OwnerNotFound
from sync.github.client import GitHubClient
from sync.profile_fields import PROFILE_FRAGMENT, ProfileFields, apply_profile_fields, keep_public, read_profile
from sync.records import Owner

log = logging.getLogger(__name__)

STAGE = "GitHub GraphQL stage (pinned items, organizations, status)"
NO_TOKEN = f"{STAGE} skipped: no token (set REPOFOLIO_GITHUB_TOKEN; GitHub's GraphQL API has no anonymous access)"
# Owners per document: each costs one point (GitHub's minimum) up to far more owners than a portfolio has.
BATCH = 25
# GitHub lets a profile pin at most six items.
PINS = 6

PINS_FRAGMENT = f"""
fragment pins on RepositoryOwner {{
  login
  ... on ProfileOwner {{
    pinnedItems(first: {PINS}) {{
      totalCount
      nodes {{ __typename ... on Repository {{ databaseId nameWithOwner }} }}
    }}
  }}
}}
"""


@dataclass(frozen=True, slots=True)
class Pin:
    repository_id: int  # GitHub's databaseId: the REST id the cache keys repositories on
    name_with_owner: str


@dataclass(slots=True)
class Profiles:
    """What the stage read. `pins` is None when the stage did not run."""

    pins: dict[int, list[Pin]] | None = None  # owner id -> repositories pinned, in GitHub's order
    contributed: dict[int, Contributed] | None = None  # user id -> its lists (sync/contributed.py)
    fields: ProfileFields | None = None
    skipped: list[str] = field(default_factory=list)


def profiles_document(count: int) -> str:
    variables = ", ".join(f"$o{i}: String!" for i in range(count))
    owners = "\n".join(
        f"  o{i}: repositoryOwner(login: $o{i}) {{ ...pins ...profile ...contributed }}" for i in range(count)
    )
    return f"query Profiles({variables}) {{\n{owners}\n}}\n{PINS_FRAGMENT}{PROFILE_FRAGMENT}{CONTRIBUTED_FRAGMENT}"


async def collect_profiles(github: GitHubClient, owners: list[Owner]) -> Profiles:
    """Every owner's pins (gists dropped here; repositories the cache lacks are dropped when applied) and
    profile fields; users' organizations are kept to the public memberships REST lists (one conditional GET
    per user, a 304 when they did not change)."""
    client = github.graphql
    if not client.has_token:
        log.info(NO_TOKEN)
        return Profiles(skipped=[NO_TOKEN])
    pins: dict[int, list[Pin]] = {}
    contributed: dict[int, Contributed] = {}
    fields = ProfileFields({}, {}, {})
    for start in range(0, len(owners), BATCH):
        batch = owners[start : start + BATCH]
        answer = await client.query(
            profiles_document(len(batch)), {f"o{i}": owner.account.login for i, owner in enumerate(batch)}
        )
        for i, owner in enumerate(batch):
            found = answer.data.get(f"o{i}")
            if found is None:  # gone since its REST profile was read a moment ago
                raise OwnerNotFound(owner.account.login)
            pins[owner.account.id] = _pins_of(found, owner.account.login)
            if ALIASES[ALL] in found:  # users only: organizations contribute to nothing on GitHub
                contributed[owner.account.id] = contributed_of(found, owner.account.login)
            read_profile(found, owner.account.id, owner.account.login, fields)
    for owner in owners:
        if not owner.is_organization:
            keep_public(fields, owner.account.id, await github.public_organization_ids(owner.account.login))
    return Profiles(pins=pins, contributed=contributed, fields=fields)


def _pins_of(owner: Any, login: str) -> list[Pin]:
    try:
        nodes = owner["pinnedItems"]["nodes"]
        return [
            Pin(int(node["databaseId"]), str(node["nameWithOwner"]))
            for node in nodes
            if isinstance(node, dict) and node.get("__typename") == "Repository"
        ]
    except (KeyError, TypeError, ValueError) as exc:
        raise GitHubError(f"GitHub's GraphQL API sent unreadable pins for {login}") from exc


async def apply_profiles(session: AsyncSession, profiles: Profiles) -> bool:
    """Write the pins and profile fields inside the run's transaction, after its repositories; whether anything
    changed.

    A pin of a repository the cache does not hold (another owner's, one private or gone) is skipped. When the
    stage did not run (no token), no pins are kept: pinnedItems then answers the curated entries, as it does
    for a deployment that never had a token, rather than pins no sync will follow any more.
    """
    contributed_changed = await apply_contributed(session, profiles.contributed)
    stored = {
        (owner_id, position): repository_id
        for owner_id, position, repository_id in await session.execute(
            select(PinnedItem.owner_id, PinnedItem.position, PinnedItem.repository_id)
        )
    }
    desired: dict[tuple[int, int], int] = {}
    if profiles.pins:
        wanted = {pin.repository_id for pins in profiles.pins.values() for pin in pins}
        full = ~Repository.id.in_(select(OutsideRepository.repository_id))  # light records are never pins
        held = set(await session.scalars(select(Repository.id).where(Repository.id.in_(wanted), full)))
        for owner_id, pins in profiles.pins.items():
            kept = [pin.repository_id for pin in pins if pin.repository_id in held]
            desired.update({(owner_id, position): repository_id for position, repository_id in enumerate(kept)})
    changed = await apply_profile_fields(session, profiles.fields)
    if desired == stored:
        return changed or contributed_changed
    await session.execute(delete(PinnedItem))
    rows = [
        {"owner_id": owner_id, "position": position, "repository_id": repository_id}
        for (owner_id, position), repository_id in sorted(desired.items())
    ]
    await upsert(session, PinnedItem, rows, conflict=["owner_id", "position"])
    return True
