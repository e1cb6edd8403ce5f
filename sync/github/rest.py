"""REST reads over the transport: conditional GETs against the response cache (ETags, 304s) and Link paging."""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import orjson

from sync.cache import ResponseCache, StoredResponse
from sync.errors import GitHubError
from sync.github.transport import Transport, url_path

MAX_PAGES = 1000  # a guard against a Link loop, far beyond any real listing


@dataclass(frozen=True, slots=True)
class Page:
    status: int
    data: Any
    next_url: str | None
    not_modified: bool  # GitHub answered 304 (or the stored copy was fresh enough to skip asking)


async def get_all(
    transport: Transport,
    cache: ResponseCache | None,
    url: str,
    *,
    accept: frozenset[int] | set[int] = frozenset(),
    fresh_since: datetime | None = None,
    keep: Callable[[Any], Any] | None = None,
    media_type: str | None = None,
) -> list[Page]:
    """Every page of a listing, following Link rel="next" (stored next links on a 304)."""
    pages: list[Page] = []
    next_url: str | None = url
    while next_url is not None:
        if len(pages) >= MAX_PAGES:
            raise GitHubError(f"more than {MAX_PAGES} pages from {url_path(url)}", url=url_path(url))
        page = await get(
            transport, cache, next_url, accept=accept, fresh_since=fresh_since, keep=keep, media_type=media_type
        )
        pages.append(page)
        next_url = page.next_url if page.status == 200 else None
        if next_url is not None:
            transport.check_origin(next_url, "next page link", url_path(url), status=page.status)
    return pages


async def get(
    transport: Transport,
    cache: ResponseCache | None,
    url: str,
    *,
    accept: frozenset[int] | set[int] = frozenset(),
    fresh_since: datetime | None = None,
    keep: Callable[[Any], Any] | None = None,
    store_not_found: bool = False,
    media_type: str | None = None,
) -> Page:
    """One page. `fresh_since`: a stored copy fetched at or after it is used without asking GitHub.

    With a `cache`, the GET carries the stored ETag as If-None-Match and a 304 reuses the stored body;
    `keep` filters a fresh body before it is stored or returned. A 404 is stored only with `store_not_found`
    (where it means an absence, e.g. no README, rather than a vanished repository), so a run resuming one
    that failed reuses it through `fresh_since` instead of paying for it again. `media_type` replaces the
    client's Accept (e.g. GitHub's full+json, which adds rendered HTML)."""
    stored = await cache.get(url) if cache is not None else None
    if stored is not None and fresh_since is not None and stored.fetched_at >= fresh_since:
        return _page_from(stored, not_modified=True)
    headers = {"If-None-Match": stored.etag} if stored is not None and stored.etag else {}
    if media_type is not None:
        headers["Accept"] = media_type
    response = await transport.get(url, headers, accept)
    now = datetime.now(UTC)
    if response.status_code == 304:
        if stored is None:
            raise GitHubError.unexpected(304, url_path(url))
        if cache is not None:
            await cache.put(replace(stored, fetched_at=now))
        return _page_from(stored, not_modified=True)
    data: Any = None
    if response.status_code == 200:
        try:
            data = orjson.loads(response.content) if response.content else None
        except orjson.JSONDecodeError as exc:
            raise GitHubError(f"GitHub sent invalid JSON for {url_path(url)}", url=url_path(url)) from exc
        if keep is not None:
            data = keep(data)
    link = response.links.get("next", {}).get("url") if response.status_code == 200 else None
    next_url = urljoin(str(response.request.url), link) if link else None
    if cache is not None and (response.status_code != 404 or store_not_found):
        await cache.put(
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


def _page_from(stored: StoredResponse, *, not_modified: bool) -> Page:
    return Page(
        status=stored.status,
        data=orjson.loads(stored.body) if stored.body else None,
        next_url=stored.next_url,
        not_modified=not_modified,
    )
