"""The HTTP transport to GitHub's API: the shared client, retries, rate limits, redirects kept on its origin."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from sync.errors import GitHubError, NetworkError, OffOrigin, SecondaryRateLimited, ServerError, TooManyRedirects
from sync.github.ratelimit import (
    SECONDARY_LIMIT_WAIT,
    RequestStats,
    is_primary_limit,
    is_secondary_limit,
    primary_limit_error,
    retry_after,
)
from sync.origin import TokenAuth, origin_of
from sync.settings import SyncSettings

log = logging.getLogger(__name__)

API_VERSION = "2022-11-28"
MAX_REDIRECTS = 3
REDIRECTS = frozenset({301, 302, 307, 308})
TRANSIENT = frozenset({500, 502, 503, 504})

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


class Transport:
    """Requests to GitHub's API through a handed `httpx.AsyncClient` (never owned or closed here): at most
    `concurrency` at once, transient failures and secondary limits retried, the rate limit counted in `stats`."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        settings: SyncSettings,
        *,
        sleep: Sleep = asyncio.sleep,
        stats: RequestStats | None = None,
    ) -> None:
        self.settings = settings
        self.api = settings.github_api_url.rstrip("/")
        self._http = http
        self._origin = origin_of(self.api)
        self._sleep = sleep
        self._semaphore = asyncio.Semaphore(settings.concurrency)
        self.stats = stats if stats is not None else RequestStats()

    async def get(self, url: str, headers: dict[str, str], accept: frozenset[int] | set[int]) -> httpx.Response:
        """GET following GitHub's redirects (a renamed or transferred repository answers 301)."""
        target = url
        for _ in range(MAX_REDIRECTS + 1):
            response = await self.send("GET", target, headers, accept)
            if response.status_code not in REDIRECTS:
                return response
            location = response.headers.get("Location")
            if not location:
                raise GitHubError.unexpected(response.status_code, url_path(target))
            source, target = target, urljoin(target, location)
            self.check_origin(target, "redirect", url_path(source), status=response.status_code)
            log.debug("GitHub redirected %s to %s", url_path(url), url_path(target))
        raise TooManyRedirects(url_path(url))

    async def send(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        accept: frozenset[int] | set[int],
        *,
        content: bytes | None = None,
    ) -> httpx.Response:
        """One request (redirects not followed), retried with the same body on transport errors, 5xx and
        secondary limits; an unaccepted status raises."""
        path = url_path(url)
        settings = self.settings
        attempt = 0
        while True:
            self.stats.check_budget(settings.rate_limit_reserve, path)
            try:
                async with self._semaphore:
                    self.stats.requests += 1
                    response = await self._http.request(
                        method,
                        url,
                        headers=headers,
                        content=content,
                        timeout=settings.request_timeout,
                        follow_redirects=False,
                    )
            except httpx.TransportError as exc:  # timeouts, refused connections, broken streams
                if attempt >= settings.max_retries:
                    raise NetworkError(path, _reason(exc)) from exc
                log.info("GitHub request for %s failed (%s); retrying", path, _reason(exc))
                await self._sleep(self.backoff(attempt))
                attempt += 1
                continue
            except httpx.HTTPError as exc:
                raise NetworkError(path, _reason(exc)) from exc
            self.stats.note(response)
            status = response.status_code
            log.debug("%s %s -> %s", method, path, status)
            if status == 304:
                self.stats.not_modified += 1
            if status in (403, 429):
                if is_primary_limit(response):
                    raise primary_limit_error(response, path)
                if is_secondary_limit(response):
                    asked = retry_after(response)
                    wait = asked if asked is not None else SECONDARY_LIMIT_WAIT * 2**attempt
                    if attempt >= settings.max_retries or wait > settings.max_retry_wait:
                        raise SecondaryRateLimited(path, asked)
                    log.warning("GitHub secondary rate limit on %s; waiting %.0fs", path, wait)
                    await self._sleep(wait)
                    attempt += 1
                    continue
            if status in TRANSIENT:
                if attempt >= settings.max_retries:
                    raise ServerError(status, path, attempt + 1)
                asked = retry_after(response)
                wait = self.backoff(attempt) if asked is None else asked
                log.info("GitHub answered %s for %s; retrying in %.1fs", status, path, wait)
                await self._sleep(min(wait, settings.max_retry_wait))
                attempt += 1
                continue
            if status in (200, 204, 304) or status in REDIRECTS or status in accept:
                return response
            raise GitHubError.unexpected(status, path)

    def check_origin(self, target: str, kind: str, source: str, *, status: int) -> None:
        """Refuse to follow GitHub to another origin: the token must not go there, nor its data come here."""
        try:
            origin = origin_of(target)
        except httpx.InvalidURL as exc:
            raise GitHubError(f"GitHub's {kind} from {source} is not a valid URL", url=source, status=status) from exc
        if origin != self._origin:
            raise OffOrigin(kind, source, str(origin), str(self._origin), status=status)

    def backoff(self, attempt: int) -> float:
        return float(min(self.settings.retry_backoff * 2**attempt, self.settings.max_retry_wait))


def url_path(url: str) -> str:
    """The path and query of a URL, for messages and logs (no host, no credentials)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _reason(exc: Exception) -> str:
    # The class name only: httpx messages can quote a URL, and we keep messages to values we built.
    return type(exc).__name__
