"""The `contributed` fragment of the profiles document: repositoriesContributedTo and topRepositories.

The repositories a user contributed to (all of them, and per contribution type) and GitHub's top repositories
of the user, with what a light record of an outside repository needs.
GitHub answers repositoriesContributedTo for any set of contributionTypes; the sync asks the default set (no
contributionTypes) and one list per type in the same fragment (aliases), so any set a client asks for is the
union of stored lists. Each list is GitHub's first 100 (its page limit); public repositories only. A
repository outside the configured owners is kept as a light record (sync/contributed_rows.py writes them).
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from db.contributed import ALL, CONTRIBUTION_TYPES, TOP
from sync.errors import GitHubError
from sync.records import Account, parse_time

# GitHub's page limit: a list stops at its first LIMIT entries (a portfolio's lists are far shorter).
LIMIT = 100
# topRepositories needs an order; the one asked is stored as GitHub's rank (graph/read/contributed.py).
TOP_ORDER = "{field: STARGAZERS, direction: DESC}"
ALIASES = {ALL: "contributedAll", TOP: "topRepositories", **{kind: f"contributed{kind}" for kind in CONTRIBUTION_TYPES}}

_LISTED = f"first: {LIMIT}, includeUserRepositories: true, privacy: PUBLIC"
_PER_TYPE = "\n".join(
    f"  {ALIASES[kind]}: repositoriesContributedTo({_LISTED}, contributionTypes: [{kind}]) {{ nodes {{ databaseId }} }}"
    for kind in CONTRIBUTION_TYPES
)
CONTRIBUTED_FRAGMENT = f"""
fragment contributed on User {{
  {ALIASES[ALL]}: repositoriesContributedTo({_LISTED}) {{ nodes {{ ...lightRepository }} }}
{_PER_TYPE}
  {ALIASES[TOP]}: topRepositories(first: {LIMIT}, orderBy: {TOP_ORDER}) {{ nodes {{ ...lightRepository }} }}
}}

fragment lightRepository on Repository {{
  databaseId id name nameWithOwner url description homepageUrl
  isPrivate isFork isArchived isTemplate hasIssuesEnabled stargazerCount forkCount createdAt updatedAt pushedAt
  primaryLanguage {{ name color }}
  defaultBranchRef {{ name }}
  licenseInfo {{ key name spdxId url id }}
  owner {{ __typename login id avatarUrl url ... on User {{ databaseId }} ... on Organization {{ databaseId }} }}
}}
"""


@dataclass(frozen=True, slots=True)
class LightRepository:
    """What the cache keeps of a repository outside the configured owners: GitHub's non-null fields and a few
    cheap ones."""

    id: int
    node_id: str
    owner: Account
    name: str
    full_name: str
    html_url: str
    description: str | None
    homepage: str | None
    is_fork: bool
    is_archived: bool
    is_template: bool
    has_issues: bool
    stargazers_count: int
    forks_count: int
    created_at: datetime
    updated_at: datetime
    pushed_at: datetime | None
    language: tuple[str, str | None] | None  # (name, color)
    default_branch: str | None
    license: dict[str, Any] | None


@dataclass(slots=True)
class Contributed:
    """One user's lists: list name -> repository ids in GitHub's order, and the repositories they name."""

    lists: dict[str, list[int]] = field(default_factory=dict)
    repositories: dict[int, LightRepository] = field(default_factory=dict)


def contributed_of(user: dict[str, Any], login: str) -> Contributed:
    """The user's lists from its part of the answer (private repositories dropped: the cache is public)."""
    try:
        found = Contributed()
        for kind in (ALL, TOP):
            nodes = [node for node in user[ALIASES[kind]]["nodes"] if node and not node["isPrivate"]]
            for node in nodes:
                found.repositories.setdefault(int(node["databaseId"]), _light(node))
            found.lists[kind] = _unique(int(node["databaseId"]) for node in nodes)
        for kind in CONTRIBUTION_TYPES:
            ids = (int(node["databaseId"]) for node in user[ALIASES[kind]]["nodes"] if node)
            # Each is a subset of ALL; an id beyond ALL's first 100 (or a private one) is not kept.
            found.lists[kind] = _unique(i for i in ids if i in found.lists[ALL])
        return found
    except (KeyError, TypeError, ValueError, GitHubError) as exc:
        raise GitHubError(f"GitHub's GraphQL API sent unreadable contributed repositories for {login}") from exc


def _unique(ids: Any) -> list[int]:
    return list(dict.fromkeys(ids))


def _light(node: dict[str, Any]) -> LightRepository:
    owner = node["owner"]
    language = node.get("primaryLanguage")
    branch = node.get("defaultBranchRef")
    license_info = node.get("licenseInfo")
    created = parse_time(node["createdAt"])
    updated = parse_time(node["updatedAt"])
    if created is None or updated is None:
        raise GitHubError("a repository without its timestamps")
    return LightRepository(
        id=int(node["databaseId"]),
        node_id=str(node["id"]),
        owner=Account(
            id=int(owner["databaseId"]),
            node_id=owner.get("id"),
            login=str(owner["login"]),
            type="Organization" if owner["__typename"] == "Organization" else "User",
            avatar_url=owner.get("avatarUrl") or "",
            html_url=owner.get("url") or "",
        ),
        name=str(node["name"]),
        full_name=str(node["nameWithOwner"]),
        html_url=str(node["url"]),
        description=node.get("description"),
        homepage=node.get("homepageUrl") or None,
        is_fork=bool(node["isFork"]),
        is_archived=bool(node["isArchived"]),
        is_template=bool(node["isTemplate"]),
        has_issues=bool(node["hasIssuesEnabled"]),
        stargazers_count=int(node["stargazerCount"]),
        forks_count=int(node["forkCount"]),
        created_at=created,
        updated_at=updated,
        pushed_at=parse_time(node.get("pushedAt")),
        language=(str(language["name"]), language.get("color")) if language else None,
        default_branch=branch["name"] if branch else None,
        license=_license(license_info) if license_info else None,
    )


def _license(info: dict[str, Any]) -> dict[str, Any]:
    """GraphQL's licenseInfo in the shape the cache keeps licenses in (REST's license object)."""
    return {
        "key": info.get("key"),
        "name": info.get("name"),
        "spdx_id": info.get("spdxId"),
        "url": info.get("url"),
        "node_id": info.get("id"),
    }
