"""Typed records of what GitHub returns, parsed from its REST payloads."""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sync.errors import GitHubError


def parse_time(value: Any) -> datetime | None:
    """GitHub's ISO-8601 timestamps ("2011-01-26T19:01:12Z") as aware datetimes."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise GitHubError(f"unreadable timestamp {value!r} from GitHub") from exc


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


@dataclass(frozen=True, slots=True)
class Account:
    """A GitHub account as it appears inside other payloads (owner, contributor)."""

    id: int
    node_id: str | None
    login: str
    type: str
    avatar_url: str
    html_url: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Account":
        return cls(
            id=int(data["id"]),
            node_id=data.get("node_id"),
            login=data["login"],
            type=data.get("type") or "User",
            avatar_url=data.get("avatar_url") or "",
            html_url=data.get("html_url") or "",
        )


@dataclass(frozen=True, slots=True)
class Owner:
    """A configured owner with its profile (from /users/{login} or /orgs/{login})."""

    account: Account
    name: str | None
    bio: str | None
    description: str | None
    company: str | None
    location: str | None
    email: str | None
    blog: str | None
    twitter_username: str | None
    created_at: datetime | None
    updated_at: datetime | None
    followers_count: int | None = None  # REST's `followers` and `following`: public counts, no token needed
    following_count: int | None = None

    @property
    def is_organization(self) -> bool:
        return self.account.type == "Organization"

    @classmethod
    def from_json(cls, data: dict[str, Any], *, organization: bool = False) -> "Owner":
        account = Account.from_json(data)
        if organization:
            # /orgs/{login} omits `type`; /users/{login} for an organization says "Organization".
            account = replace(account, type="Organization")
        return cls(
            account=account,
            name=data.get("name"),
            bio=data.get("bio"),
            description=data.get("description"),
            company=data.get("company"),
            location=data.get("location"),
            email=data.get("email"),
            blog=data.get("blog") or None,
            twitter_username=data.get("twitter_username"),
            followers_count=_count(data.get("followers")),
            following_count=_count(data.get("following")),
            created_at=parse_time(data.get("created_at")),
            updated_at=parse_time(data.get("updated_at")),
        )


@dataclass(frozen=True, slots=True)
class RepositoryRecord:
    """One entry of an owner's repository listing."""

    id: int
    node_id: str
    owner: Account
    name: str
    full_name: str
    description: str | None
    homepage: str | None
    html_url: str
    fork: bool
    archived: bool
    is_template: bool
    has_issues: bool
    private: bool
    visibility: str
    stargazers_count: int
    forks_count: int
    size: int | None
    default_branch: str | None
    language: str | None
    license: dict[str, Any] | None
    topics: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    pushed_at: datetime | None
    open_issues_count: int = 0  # open issues and open pull requests together (sync/counts.py splits them)

    @property
    def is_public(self) -> bool:
        return not self.private and self.visibility == "public"

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "RepositoryRecord":
        private = bool(data.get("private", False))
        created_at = parse_time(data.get("created_at"))
        updated_at = parse_time(data.get("updated_at")) or created_at
        if created_at is None or updated_at is None:
            raise GitHubError(f"repository {data.get('full_name')!r} has no created_at")
        return cls(
            id=int(data["id"]),
            node_id=data["node_id"],
            owner=Account.from_json(data["owner"]),
            name=data["name"],
            full_name=data["full_name"],
            description=data.get("description"),
            homepage=data.get("homepage") or None,
            html_url=data.get("html_url") or "",
            fork=bool(data.get("fork", False)),
            archived=bool(data.get("archived", False)),
            is_template=bool(data.get("is_template", False)),
            has_issues=bool(data.get("has_issues", True)),
            private=private,
            # Older payloads (and GitHub Enterprise) may lack `visibility`: derive it from `private`.
            visibility=data.get("visibility") or ("private" if private else "public"),
            stargazers_count=int(data.get("stargazers_count") or 0),
            forks_count=int(data.get("forks_count") or 0),
            size=data.get("size"),
            default_branch=data.get("default_branch"),
            language=data.get("language"),
            license=data.get("license"),
            topics=tuple(data.get("topics") or ()),
            created_at=created_at,
            updated_at=updated_at,
            pushed_at=parse_time(data.get("pushed_at")),
            open_issues_count=int(data.get("open_issues_count") or 0),
        )


@dataclass(frozen=True, slots=True)
class ContributorRecord:
    account: Account
    contributions: int

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ContributorRecord":
        return cls(account=Account.from_json(data), contributions=int(data.get("contributions") or 0))


def is_public_repository(data: Any) -> bool:
    """Whether a raw listing entry is public: private and internal repositories are never cached."""
    if not isinstance(data, dict):
        return False
    private = bool(data.get("private", False))
    return not private and (data.get("visibility") or "public") == "public"
