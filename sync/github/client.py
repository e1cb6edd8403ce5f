"""A small GitHub REST client: conditional requests, Link pagination, rate limits, retries."""

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import httpx
import orjson

from sync.cache import ResponseCache, StoredResponse
from sync.errors import (
    GitHubError,
    NetworkError,
    OffOrigin,
    OwnerNotFound,
    RateLimited,
    RepositoryGone,
    SecondaryRateLimited,
    ServerError,
    TooManyRedirects,
)
from sync.origin import TokenAuth, origin_of
from sync.records import ContributorRecord, Owner, RepositoryRecord, is_public_repository
from sync.settings import SyncSettings

log = logging.getLogger(__name__)

API_VERSION = "2022-11-28"
PER_PAGE = 100
MAX_REDIRECTS = 3
MAX_PAGES = 1000  # a guard against a Link loop, far beyond any real listing
# GitHub asks clients to wait at least a minute after a secondary limit that names no Retry-After.
SECONDARY_LIMIT_WAIT = 60.0
_REDIRECTS = {301, 302, 307, 308}
_TRANSIENT = {500, 502, 503, 504}

Sleep = Callable[[float], Awaitable[None]]


def create_http_client(settings: SyncSettings, **kwargs: Any) -> httpx.AsyncClient:
    """The one shared client for GitHub; extra keyword arguments (e.g. `transport`) go to httpx.

    The token rides on requests to the API's origin only, whichever URL a caller asks for.
    """
    headers = {
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": API_VERSION,
        "User-Agent": "repofolio",
    }
    token = settings.token
    return httpx.AsyncClient(
        base_url=settings.github_api_url,
        headers=headers,
        auth=TokenAuth(token, origin_of(settings.github_api_url)) if token else None,
        timeout=settings.request_timeout,
        follow_redirects=False,
        **kwargs,
    )


@dataclass(frozen=True, slots=True)
class RateLimit:
    limit: int | None
    remaining: int | None
    reset_at: datetime | None


@dataclass(slots=True)
class RequestStats:
    requests: int = 0  # every HTTP request sent, retries and 304s included
    not_modified: int = 0  # answered 304: free against the rate limit
    rate_limit: RateLimit | None = None  # as the latest response told


@dataclass(frozen=True, slots=True)
class Page:
    status: int
    data: Any
    next_url: str | None
    not_modified: bool  # GitHub answered 304 (or the stored copy was fresh enough to skip asking)


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
        self._http = http
        self._settings = settings
        self._api = settings.github_api_url.rstrip("/")
        self._origin = origin_of(self._api)
        self.cache = cache
        self._sleep = sleep
        self._semaphore = asyncio.Semaphore(settings.concurrency)
        self.stats = RequestStats()

    def __repr__(self) -> str:
        return f"<GitHubClient {self._api}>"

    def with_cache(self, cache: ResponseCache) -> "GitHubClient":
        """The same client (shared counters and rate limit) reading and writing `cache`."""
        clone = GitHubClient(self._http, self._settings, cache=cache, sleep=self._sleep)
        clone._semaphore = self._semaphore
        clone.stats = self.stats
        return clone

    @property
    def rate_limit(self) -> RateLimit | None:
        return self.stats.rate_limit

    @property
    def concurrency(self) -> int:
        return self._settings.concurrency

    def url(self, path: str) -> str:
        return f"{self._api}{path}"

    # Typed reads ------------------------------------------------------------------------------------

    async def get_owner(self, login: str, *, known_type: str | None = None) -> Owner:
        """The owner's profile: /orgs/{login} for an organization, else /users/{login}."""
        login_path = quote(login)
        org_url = self.url(f"/orgs/{login_path}")
        if known_type is None and self.cache is not None and await self.cache.get(org_url) is not None:
            known_type = "Organization"
        if known_type != "Organization":
            page = await self._get(self.url(f"/users/{login_path}"), accept={404})
            if page.status == 404:
                raise OwnerNotFound(login)
            data = _expect_object(page.data, f"/users/{login}")
            if data.get("type") != "Organization":
                return Owner.from_json(data)
        page = await self._get(org_url, accept={404})
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
        for page in await self._get_all(url, keep=_public_only):
            all_not_modified &= page.not_modified
            for item in page.data or []:
                record = RepositoryRecord.from_json(item)
                if record.is_public:
                    repositories.append(record)
        return Listing(repositories=repositories, not_modified=all_not_modified)

    async def get_languages(
        self, repo: RepositoryRecord, *, fresh_since: datetime | None = None
    ) -> dict[str, int] | None:
        """Bytes per language; None when GitHub withholds them (451). A 404 raises RepositoryGone."""
        url = self.url(f"/repos/{quote(repo.full_name, safe='/')}/languages")
        page = await self._get(url, accept={404, 409, 451}, fresh_since=fresh_since)
        if page.status == 404:
            raise RepositoryGone(repo.full_name, url=_path(url))
        if page.status == 451:
            return None
        if page.status == 409 or not page.data:  # 409: an empty repository
            return {}
        data = _expect_object(page.data, _path(url))
        return {str(name): int(size) for name, size in data.items()}

    async def get_contributors(
        self, repo: RepositoryRecord, *, fresh_since: datetime | None = None
    ) -> list[ContributorRecord] | None:
        """Contributors, every page; [] for an empty repository (204, 409); None when unavailable
        (403: too large to list, 451: blocked). A 404 raises RepositoryGone."""
        url = self.url(f"/repos/{quote(repo.full_name, safe='/')}/contributors?per_page={PER_PAGE}")
        contributors: list[ContributorRecord] = []
        for page in await self._get_all(url, accept={403, 404, 409, 451}, fresh_since=fresh_since):
            if page.status == 404:
                raise RepositoryGone(repo.full_name, url=_path(url))
            if page.status in (403, 451):
                return None
            if page.status in (204, 409):
                return []
            contributors.extend(ContributorRecord.from_json(item) for item in page.data or [])
        return contributors

    # Conditional GETs with the cache -----------------------------------------------------------------

    async def _get_all(
        self,
        url: str,
        *,
        accept: frozenset[int] | set[int] = frozenset(),
        fresh_since: datetime | None = None,
        keep: Callable[[Any], Any] | None = None,
    ) -> list[Page]:
        """Every page of a listing, following Link rel="next" (stored next links on a 304)."""
        pages: list[Page] = []
        next_url: str | None = url
        while next_url is not None:
            if len(pages) >= MAX_PAGES:
                raise GitHubError(f"more than {MAX_PAGES} pages from {_path(url)}", url=_path(url))
            page = await self._get(next_url, accept=accept, fresh_since=fresh_since, keep=keep)
            pages.append(page)
            next_url = page.next_url if page.status == 200 else None
            if next_url is not None:
                self._check_origin(next_url, "next page link", _path(url), status=page.status)
        return pages

    async def _get(
        self,
        url: str,
        *,
        accept: frozenset[int] | set[int] = frozenset(),
        fresh_since: datetime | None = None,
        keep: Callable[[Any], Any] | None = None,
    ) -> Page:
        """One page. `fresh_since`: a stored copy fetched at or after it is used without asking GitHub."""
        stored = await self.cache.get(url) if self.cache is not None else None
        if stored is not None and fresh_since is not None and stored.fetched_at >= fresh_since:
            return _page_from(stored, not_modified=True)
        headers = {"If-None-Match": stored.etag} if stored is not None and stored.etag else {}
        response = await self._request(url, headers, accept)
        now = datetime.now(UTC)
        if response.status_code == 304:
            if stored is None:
                raise GitHubError.unexpected(304, _path(url))
            if self.cache is not None:
                await self.cache.put(replace(stored, fetched_at=now))
            return _page_from(stored, not_modified=True)
        data: Any = None
        if response.status_code == 200:
            try:
                data = orjson.loads(response.content) if response.content else None
            except orjson.JSONDecodeError as exc:
                raise GitHubError(f"GitHub sent invalid JSON for {_path(url)}", url=_path(url)) from exc
            if keep is not None:
                data = keep(data)
        link = response.links.get("next", {}).get("url") if response.status_code == 200 else None
        next_url = urljoin(str(response.request.url), link) if link else None
        if self.cache is not None and response.status_code != 404:
            await self.cache.put(
                StoredResponse(
                    url=url,
                    etag=response.headers.get("ETag") if response.status_code == 200 else None,
                    body=orjson.dumps(data).decode(),
                    next_url=next_url,
                    status=response.status_code,
                    fetched_at=now,
                )
            )
        return Page(status=response.status_code, data=data, next_url=next_url, not_modified=False)

    # HTTP: redirects, retries, rate limits -----------------------------------------------------------

    async def _request(self, url: str, headers: dict[str, str], accept: frozenset[int] | set[int]) -> httpx.Response:
        """GET following GitHub's redirects (a renamed or transferred repository answers 301)."""
        target = url
        for _ in range(MAX_REDIRECTS + 1):
            response = await self._send(target, headers, accept)
            if response.status_code not in _REDIRECTS:
                return response
            location = response.headers.get("Location")
            if not location:
                raise GitHubError.unexpected(response.status_code, _path(target))
            source, target = target, urljoin(target, location)
            self._check_origin(target, "redirect", _path(source), status=response.status_code)
            log.debug("GitHub redirected %s to %s", _path(url), _path(target))
        raise TooManyRedirects(_path(url))

    async def _send(self, url: str, headers: dict[str, str], accept: frozenset[int] | set[int]) -> httpx.Response:
        path = _path(url)
        attempt = 0
        while True:
            self._check_budget(path)
            try:
                async with self._semaphore:
                    self.stats.requests += 1
                    response = await self._http.get(
                        url, headers=headers, timeout=self._settings.request_timeout, follow_redirects=False
                    )
            except httpx.TransportError as exc:  # timeouts, refused connections, broken streams
                if attempt >= self._settings.max_retries:
                    raise NetworkError(path, _reason(exc)) from exc
                log.info("GitHub request for %s failed (%s); retrying", path, _reason(exc))
                await self._sleep(self._backoff(attempt))
                attempt += 1
                continue
            except httpx.HTTPError as exc:
                raise NetworkError(path, _reason(exc)) from exc
            self._note_rate_limit(response)
            status = response.status_code
            log.debug("GET %s -> %s", path, status)
            if status == 304:
                self.stats.not_modified += 1
            if status in (403, 429):
                if self._is_primary_limit(response):
                    raise RateLimited(self._reset_at(response), limit=_int(response, "X-RateLimit-Limit"), url=path)
                if _is_secondary_limit(response):
                    retry_after = _retry_after(response)
                    wait = retry_after if retry_after is not None else SECONDARY_LIMIT_WAIT * 2**attempt
                    if attempt >= self._settings.max_retries or wait > self._settings.max_retry_wait:
                        raise SecondaryRateLimited(path, retry_after)
                    log.warning("GitHub secondary rate limit on %s; waiting %.0fs", path, wait)
                    await self._sleep(wait)
                    attempt += 1
                    continue
            if status in _TRANSIENT:
                if attempt >= self._settings.max_retries:
                    raise ServerError(status, path, attempt + 1)
                retry_after = _retry_after(response)
                wait = self._backoff(attempt) if retry_after is None else retry_after
                log.info("GitHub answered %s for %s; retrying in %.1fs", status, path, wait)
                await self._sleep(min(wait, self._settings.max_retry_wait))
                attempt += 1
                continue
            if status in (200, 204, 304) or status in _REDIRECTS or status in accept:
                return response
            raise GitHubError.unexpected(status, path)

    def _check_origin(self, target: str, kind: str, source: str, *, status: int) -> None:
        """Refuse to follow GitHub to another origin: the token must not go there, nor its data come here."""
        try:
            origin = origin_of(target)
        except httpx.InvalidURL as exc:
            raise GitHubError(f"GitHub's {kind} from {source} is not a valid URL", url=source, status=status) from exc
        if origin != self._origin:
            raise OffOrigin(kind, source, str(origin), str(self._origin), status=status)

    def _backoff(self, attempt: int) -> float:
        return float(min(self._settings.retry_backoff * 2**attempt, self._settings.max_retry_wait))

    def _check_budget(self, path: str) -> None:
        """Stop before a request the rate limit cannot pay for, rather than hammering GitHub."""
        limit = self.rate_limit
        if limit is None or limit.remaining is None:
            return
        if limit.remaining <= self._settings.rate_limit_reserve and (
            limit.reset_at is None or limit.reset_at > datetime.now(UTC)
        ):
            raise RateLimited(limit.reset_at, limit=limit.limit, url=path)

    def _note_rate_limit(self, response: httpx.Response) -> None:
        resource = response.headers.get("X-RateLimit-Resource", "core")
        remaining = _int(response, "X-RateLimit-Remaining")
        if resource != "core" or remaining is None:
            return
        reset_at = self._reset_at(response)
        current = self.rate_limit
        # Concurrent responses arrive out of order: within one window the lowest count is the latest.
        if current is not None and current.reset_at == reset_at and current.remaining is not None:
            remaining = min(remaining, current.remaining)
        self.stats.rate_limit = RateLimit(_int(response, "X-RateLimit-Limit"), remaining, reset_at)

    def _is_primary_limit(self, response: httpx.Response) -> bool:
        return _int(response, "X-RateLimit-Remaining") == 0 and "Retry-After" not in response.headers

    @staticmethod
    def _reset_at(response: httpx.Response) -> datetime | None:
        reset = _int(response, "X-RateLimit-Reset")
        return datetime.fromtimestamp(reset, UTC) if reset is not None else None


def _is_secondary_limit(response: httpx.Response) -> bool:
    if "Retry-After" in response.headers or response.status_code == 429:
        return True
    return bool(re.search(r"secondary rate limit|abuse", response.text, re.IGNORECASE))


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _int(response: httpx.Response, header: str) -> int | None:
    value = response.headers.get(header)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _reason(exc: Exception) -> str:
    # The class name only: httpx messages can quote a URL, and we keep messages to values we built.
    return type(exc).__name__


def _path(url: str) -> str:
    """The path and query of a URL, for messages and logs (no host, no credentials)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _page_from(stored: StoredResponse, *, not_modified: bool) -> Page:
    return Page(
        status=stored.status,
        data=orjson.loads(stored.body) if stored.body else None,
        next_url=stored.next_url,
        not_modified=not_modified,
    )


def _expect_object(data: Any, where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise GitHubError(f"GitHub sent an unexpected payload for {where}", url=where)
    return data


def _public_only(data: Any) -> Any:
    # Dropped before the page is stored: a private name or description never reaches the database.
    return [item for item in data if is_public_repository(item)] if isinstance(data, list) else data
