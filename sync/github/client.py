"""The GitHub client the sync reads through: typed reads of owners, repositories, languages and contributors."""

import asyncio
import copy
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx

from sync.cache import ResponseCache
from sync.errors import GitHubError, OwnerNotFound, RepositoryGone
from sync.github import rest
from sync.github.graphql import GraphQLClient
from sync.github.ratelimit import RateLimit, RequestStats
from sync.github.transport import Sleep, Transport, url_path
from sync.records import ContributorRecord, Owner, RepositoryRecord, is_public_repository
from sync.settings import SyncSettings

PER_PAGE = 100
WITHHELD = frozenset({403, 451})  # a repository too large to serve, or blocked
README_ABSENT = frozenset({403, 404, 409, 451})
FULL_MEDIA_TYPE = "application/vnd.github.full+json"  # Markdown bodies with GitHub's HTML beside them
ABSENCE_RECHECK = timedelta(days=7)  # an answer without an ETag is charged each time it is asked


@dataclass(frozen=True, slots=True)
class Listing:
    repositories: list[RepositoryRecord]
    not_modified: bool  # every page answered 304


class GitHubClient:
    """Reads GitHub for the sync. Handed its `httpx.AsyncClient`; never owns or closes it.

    With a `cache`, every GET carries the stored ETag as If-None-Match and a 304 reuses the stored body.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        settings: SyncSettings,
        *,
        cache: ResponseCache | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._transport = Transport(http, settings, sleep=sleep)
        self.cache = cache
        # GitHub's GraphQL API on the same connection pool, with its own points budget.
        self.graphql = GraphQLClient(http, settings, sleep=sleep)

    def __repr__(self) -> str:
        return f"<GitHubClient {self._transport.api}>"

    def with_cache(self, cache: ResponseCache) -> "GitHubClient":
        """The same client (shared transport: counters, rate limit, concurrency) reading and writing `cache`."""
        clone = copy.copy(self)
        clone.cache = cache
        return clone

    @property
    def stats(self) -> RequestStats:
        return self._transport.stats

    @property
    def rate_limit(self) -> RateLimit | None:
        return self._transport.stats.rate_limit

    @property
    def has_token(self) -> bool:
        """Whether requests carry a token: only then does GitHub answer a conditional GET's 304 for free."""
        return self._transport.settings.token is not None

    @property
    def concurrency(self) -> int:
        return self._transport.settings.concurrency

    def url(self, path: str) -> str:
        return f"{self._transport.api}{path}"

    async def get_owner(self, login: str, *, known_type: str | None = None) -> Owner:
        """The owner's profile: /orgs/{login} for an organization, else /users/{login}."""
        login_path = quote(login)
        org_url = self.url(f"/orgs/{login_path}")
        if known_type is None and self.cache is not None and await self.cache.get(org_url) is not None:
            known_type = "Organization"
        if known_type != "Organization":
            page = await rest.get(self._transport, self.cache, self.url(f"/users/{login_path}"), accept={404})
            if page.status == 404:
                raise OwnerNotFound(login)
            data = _expect_object(page.data, f"/users/{login}")
            if data.get("type") != "Organization":
                return Owner.from_json(data)
        page = await rest.get(self._transport, self.cache, org_url, accept={404})
        if page.status == 404:
            raise OwnerNotFound(login)
        return Owner.from_json(_expect_object(page.data, f"/orgs/{login}"), organization=True)

    async def list_repositories(self, owner: Owner) -> Listing:
        """The owner's public repositories, every page. Private and internal ones are dropped on arrival."""
        login = quote(owner.account.login)
        if owner.is_organization:
            url = self.url(f"/orgs/{login}/repos?type=public&per_page={PER_PAGE}")
        else:
            url = self.url(f"/users/{login}/repos?type=owner&per_page={PER_PAGE}")
        repositories: list[RepositoryRecord] = []
        all_not_modified = True
        for page in await rest.get_all(self._transport, self.cache, url, keep=_public_only):
            all_not_modified &= page.not_modified
            for item in page.data or []:
                record = RepositoryRecord.from_json(item)
                if record.is_public:
                    repositories.append(record)
        return Listing(repositories=repositories, not_modified=all_not_modified)

    async def public_organization_ids(self, login: str) -> set[int]:
        """The ids of the organizations the user shows publicly: /users/{login}/orgs lists public memberships
        only, whoever asks (GitHub's GraphQL `organizations` answers a token's owner its private ones too)."""
        url = self.url(f"/users/{quote(login)}/orgs?per_page={PER_PAGE}")
        ids: set[int] = set()
        for page in await rest.get_all(self._transport, self.cache, url, accept={404}, keep=_organization_ids):
            if page.status == 404:
                raise OwnerNotFound(login)
            try:
                ids.update(int(item["id"]) for item in page.data or [])
            except (KeyError, TypeError, ValueError) as exc:
                raise GitHubError(
                    f"GitHub sent an unexpected payload for /users/{login}/orgs", url=url_path(url)
                ) from exc
        return ids

    async def get_watcher_count(self, repo: RepositoryRecord, *, fresh_since: datetime | None = None) -> int | None:
        """GitHub's `subscribers_count` (watchers), which only the single repository GET carries: with a token
        its conditional GET costs nothing when unchanged. None while GitHub withholds the repository (403,
        451): such an answer carries no ETag, so it is asked again after ABSENCE_RECHECK only. A 404 raises
        RepositoryGone."""
        url = self.url(f"/repos/{quote(repo.full_name, safe='/')}")
        stored = await self.cache.get(url) if self.cache is not None else None
        if stored is not None and stored.status in WITHHELD and stored.fetched_at > datetime.now(UTC) - ABSENCE_RECHECK:
            return None
        page = await rest.get(
            self._transport, self.cache, url, accept={404, *WITHHELD}, fresh_since=fresh_since, keep=_watchers_only
        )
        if page.status == 404:
            raise RepositoryGone(repo.full_name, url=url_path(url))
        if page.status in WITHHELD:
            return None
        data = _expect_object(page.data, url_path(url))
        return int(data.get("subscribers_count") or 0)

    async def get_readme(
        self, repo: RepositoryRecord, *, fresh_since: datetime | None = None
    ) -> tuple[int, dict[str, Any] | None]:
        """(200, GitHub's content object) for the README, or (status, None) when there is none: 404 (no
        README), 409 (an empty repository), 451 (blocked) or 403 (too large)."""
        url = self.url(f"/repos/{quote(repo.full_name, safe='/')}/readme")
        page = await rest.get(
            self._transport,
            self.cache,
            url,
            accept=README_ABSENT,
            fresh_since=fresh_since,
            keep=_readme_only,
            store_not_found=True,
        )
        if page.status != 200:
            return page.status, None
        return 200, _expect_object(page.data, url_path(url))

    async def get_releases(
        self, repo: RepositoryRecord, *, fresh_since: datetime | None = None
    ) -> tuple[int, list[dict[str, Any]]]:
        """(200, every release GitHub lists, newest first, every page; maybe none) or (status, []) when there
        is no list: 404, 409 (an empty repository), 451 (blocked) or 403. Drafts are dropped on arrival. The
        full media type adds each release's notes rendered by GitHub (`body_html`) to the same request."""
        url = self.url(f"/repos/{quote(repo.full_name, safe='/')}/releases?per_page={PER_PAGE}")
        pages = await rest.get_all(
            self._transport,
            self.cache,
            url,
            accept=README_ABSENT,
            fresh_since=fresh_since,
            keep=_published_only,
            media_type=FULL_MEDIA_TYPE,
        )
        if any(page.status != 200 for page in pages):
            return next(page.status for page in pages if page.status != 200), []
        return 200, [item for page in pages for item in page.data or [] if isinstance(item, dict)]

    async def get_open_pull_request_count(
        self, repo: RepositoryRecord, *, fresh_since: datetime | None = None
    ) -> int | None:
        """How many pull requests are open: every page of /pulls?state=open (one request up to PER_PAGE; the
        cache keeps their numbers only, and a 304 reuses them). None while GitHub withholds the repository
        (403, 451). A 404 raises RepositoryGone."""
        url = self.url(f"/repos/{quote(repo.full_name, safe='/')}/pulls?state=open&per_page={PER_PAGE}")
        pages = await rest.get_all(
            self._transport, self.cache, url, accept={404, *WITHHELD}, fresh_since=fresh_since, keep=_numbers_only
        )
        if pages[0].status == 404:
            raise RepositoryGone(repo.full_name, url=url_path(url))
        if pages[0].status in WITHHELD:
            return None
        total = 0
        for page in pages:
            if not isinstance(page.data, list):
                raise GitHubError(f"GitHub sent an unexpected payload for {url_path(url)}", url=url_path(url))
            total += len(page.data)
        return total

    async def get_languages(
        self, repo: RepositoryRecord, *, fresh_since: datetime | None = None
    ) -> dict[str, int] | None:
        """Bytes per language; None when GitHub withholds them (451). A 404 raises RepositoryGone."""
        url = self.url(f"/repos/{quote(repo.full_name, safe='/')}/languages")
        page = await rest.get(self._transport, self.cache, url, accept={404, 409, 451}, fresh_since=fresh_since)
        if page.status == 404:
            raise RepositoryGone(repo.full_name, url=url_path(url))
        if page.status == 451:
            return None
        if page.status == 409 or not page.data:  # 409: an empty repository
            return {}
        data = _expect_object(page.data, url_path(url))
        return {str(name): int(size) for name, size in data.items()}

    async def get_contributors(
        self, repo: RepositoryRecord, *, fresh_since: datetime | None = None
    ) -> list[ContributorRecord] | None:
        """Contributors, every page; [] for an empty repository (204, 409); None when unavailable
        (403: too large to list, 451: blocked). A 404 raises RepositoryGone."""
        url = self.url(f"/repos/{quote(repo.full_name, safe='/')}/contributors?per_page={PER_PAGE}")
        contributors: list[ContributorRecord] = []
        pages = await rest.get_all(
            self._transport, self.cache, url, accept={403, 404, 409, 451}, fresh_since=fresh_since
        )
        for page in pages:
            if page.status == 404:
                raise RepositoryGone(repo.full_name, url=url_path(url))
            if page.status in (403, 451):
                return None
            if page.status in (204, 409):
                return []
            contributors.extend(ContributorRecord.from_json(item) for item in page.data or [])
        return contributors


def _expect_object(data: Any, where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise GitHubError(f"GitHub sent an unexpected payload for {where}", url=where)
    return data


def _organization_ids(data: Any) -> Any:
    # The cache keeps (and a 304 reuses) the ids alone: the rest of each entry comes from GraphQL.
    return [{"id": item.get("id")} for item in data if isinstance(item, dict)] if isinstance(data, list) else data


def _watchers_only(data: Any) -> Any:
    # The full repository payload is ~6 KB; the cache keeps (and a 304 reuses) the one count read from it.
    return {"subscribers_count": data.get("subscribers_count")} if isinstance(data, dict) else data


def _numbers_only(data: Any) -> Any:
    # A pull request's payload is ~20 KB; counting them needs only how many there are.
    return [item.get("number") for item in data if isinstance(item, dict)] if isinstance(data, list) else data


def _readme_only(data: Any) -> Any:
    # What the README is; the links beside it are derived from names the cache already holds.
    fields = ("path", "sha", "size", "encoding", "content")
    return {key: data.get(key) for key in fields} if isinstance(data, dict) else data


RELEASE_KEYS = (
    "id", "node_id", "tag_name", "name", "body", "body_html", "html_url", "draft", "prerelease",
    "created_at", "published_at", "updated_at",
)  # fmt: skip


def _published_only(data: Any) -> Any:
    # Drafts (listed to callers with push access) never reach the cache; of the rest, what the API serves.
    if not isinstance(data, list):
        return data
    published = (item for item in data if isinstance(item, dict) and not item.get("draft"))
    return [{key: item.get(key) for key in RELEASE_KEYS} for item in published]


def _public_only(data: Any) -> Any:
    # Dropped before the page is stored: a private name or description never reaches the database.
    return [item for item in data if is_public_repository(item)] if isinstance(data, list) else data
