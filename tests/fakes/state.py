"""The records FakeGitHub keeps: accounts, repositories, the rate-limit bucket and the request log."""

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from tests.fakes.releases import FakeRelease

# Fixed clocks so payload timestamps are the same on every run: account n is created ACCOUNT_EPOCH + n days,
# repository n REPO_EPOCH + n hours (n counts from 0 in creation order).
ACCOUNT_EPOCH = datetime(2015, 1, 1, tzinfo=UTC)
REPO_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)

REPO_ENDPOINTS = ("repo", "languages", "contributors", "readme", "releases", "pulls")


@dataclass
class FakeAccount:
    id: int
    login: str
    type: str  # User | Organization | Bot
    created_at: datetime
    updated_at: datetime
    profile: dict[str, Any] = field(default_factory=dict)


@dataclass
class FakeRepo:
    """One repository. Field names are what `add_repo` and `set_repo` accept."""

    id: int
    owner: FakeAccount
    name: str
    created_at: datetime
    updated_at: datetime
    pushed_at: datetime | None
    description: str | None = None
    homepage: str | None = None
    fork: bool = False
    archived: bool = False
    disabled: bool = False
    private: bool = False
    visibility: str = "public"  # public | private | internal
    is_template: bool = False
    has_issues: bool = True
    stargazers: int = 0
    forks: int = 0
    watchers: int = 0  # subscribers; GitHub's `watchers_count` is (confusingly) the star count
    size: int = 0  # kilobytes
    default_branch: str = "main"
    topics: list[str] = field(default_factory=list)
    license: dict[str, Any] | None = None
    language_bytes: dict[str, int] = field(default_factory=dict)
    contributors: list[tuple[str, int]] = field(default_factory=list)  # (login, contributions)
    anonymous_contributors: list[tuple[str, str, int]] = field(default_factory=list)  # (name, email, n)
    # Issues and pull requests by state (FakeGitHub.set_counts); REST's open_issues_count is derived from them.
    issue_counts: dict[str, int] = field(default_factory=lambda: {"OPEN": 0, "CLOSED": 0})
    pull_counts: dict[str, int] = field(default_factory=lambda: {"OPEN": 0, "CLOSED": 0, "MERGED": 0})
    readme: tuple[str, bytes] | None = None  # (path, content) of the README GitHub picks, if any
    releases: list[FakeRelease] = field(default_factory=list)  # see FakeGitHub.add_release
    answers: dict[str, int] = field(default_factory=dict)  # endpoint -> forced status (see FakeGitHub.answer)
    deleted: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.owner.login}/{self.name}"

    @property
    def open_issues(self) -> int:
        """REST's open_issues_count: open issues and open pull requests together, as GitHub counts them."""
        return self.issue_counts["OPEN"] + self.pull_counts["OPEN"]

    @property
    def language(self) -> str | None:
        """GitHub's primary language: the one with the most bytes."""
        if not self.language_bytes:
            return None
        return max(self.language_bytes.items(), key=lambda item: item[1])[0]

    def set_visibility(self, *, private: bool, visibility: str | None) -> None:
        """`visibility` wins; without one, `private` picks private or public."""
        if visibility is None:
            visibility = "private" if private else "public"
        if visibility not in ("public", "private", "internal"):
            raise ValueError(f"visibility must be public, private or internal, not {visibility!r}")
        self.visibility = visibility
        self.private = visibility != "public"


@dataclass
class RepoNames:
    """Which repository each name reaches: the live ones, and old names (renamed away) that redirect to an id."""

    live: dict[str, FakeRepo] = field(default_factory=dict)  # lower(full_name) -> live repository
    redirects: dict[str, int] = field(default_factory=dict)  # lower(old full_name) -> repository id

    def find(self, owner: str, name: str) -> FakeRepo | int | None:
        key = f"{owner}/{name}".lower()
        return self.live.get(key) or self.redirects.get(key)

    def add(self, repo: FakeRepo) -> None:
        self.live[repo.full_name.lower()] = repo
        self.redirects.pop(repo.full_name.lower(), None)

    def moved(self, repo: FakeRepo, old_full_name: str) -> None:
        """`repo` was renamed (or transferred) from `old_full_name`, which now redirects to it."""
        del self.live[old_full_name.lower()]
        self.add(repo)
        self.redirects[old_full_name.lower()] = repo.id

    def remove(self, repo: FakeRepo) -> None:
        """A deleted repository: neither its name nor any old one reaches it."""
        del self.live[repo.full_name.lower()]
        self.redirects = {k: v for k, v in self.redirects.items() if v != repo.id}


# The FakeRepo fields add_repo and set_repo take: all but its identity and what other methods manage.
REPO_FIELDS = {f.name for f in fields(FakeRepo)} - {"id", "owner", "name", "answers", "deleted"}


def check_repo_fields(names: Iterable[str]) -> None:
    unknown = set(names) - REPO_FIELDS
    if unknown:
        raise TypeError(f"unknown repository fields {sorted(unknown)}; known: {sorted(REPO_FIELDS)}")


@dataclass
class RateBucket:
    """GitHub's core rate limit for one kind of caller; refills when the clock passes `reset_at`."""

    limit: int
    remaining: int
    reset_at: int  # epoch seconds
    window: int = 3600

    @property
    def used(self) -> int:
        return self.limit - self.remaining

    def refill(self, now: float) -> None:
        if now >= self.reset_at:
            self.remaining = self.limit
            self.reset_at = int(now) + self.window


@dataclass(frozen=True)
class Call:
    """One request the fake answered; the Authorization value is kept apart (authorization_seen)."""

    method: str
    path: str
    query: str
    status: int
    authorized: bool
    conditional: bool  # carried If-None-Match
