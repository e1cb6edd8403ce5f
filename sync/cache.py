"""GitHub responses and their ETags, kept apart from the graph so a failed run loses no fetched work."""

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.bookkeeping import CachedResponse
from db.upsert import upsert

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class StoredResponse:
    url: str
    etag: str | None
    body: str  # JSON text
    next_url: str | None
    status: int
    fetched_at: datetime


class ResponseCache(Protocol):
    async def get(self, url: str) -> StoredResponse | None: ...

    async def put(self, response: StoredResponse) -> None: ...


class MemoryResponseCache:
    """A process-local cache, for tools and tests that have no database."""

    def __init__(self) -> None:
        self.responses: dict[str, StoredResponse] = {}

    async def get(self, url: str) -> StoredResponse | None:
        return self.responses.get(url)

    async def put(self, response: StoredResponse) -> None:
        self.responses[response.url] = response


class DbResponseCache:
    """Responses in the `cached_response` table, each written in its own short transaction.

    Written as they arrive (not with the graph) so that a run that fails halfway still leaves its fetched
    pages behind: the next run asks for them with If-None-Match and gets free 304s.
    """

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def get(self, url: str) -> StoredResponse | None:
        return await _uninterrupted(self._get(url))

    async def put(self, response: StoredResponse) -> None:
        await _uninterrupted(self._put(response))

    async def _get(self, url: str) -> StoredResponse | None:
        async with self._sessionmaker() as session:
            row = await session.scalar(select(CachedResponse).where(CachedResponse.url == url))
        if row is None:
            return None
        return StoredResponse(
            url=row.url,
            etag=row.etag,
            body=row.body,
            next_url=row.next_url,
            status=row.status,
            fetched_at=row.fetched_at,
        )

    async def _put(self, response: StoredResponse) -> None:
        row = {
            "url": response.url,
            "etag": response.etag,
            "body": response.body,
            "next_url": response.next_url,
            "status": response.status,
            "fetched_at": response.fetched_at,
        }
        async with self._sessionmaker() as session, session.begin():
            await upsert(session, CachedResponse, [row], conflict=["url"])


async def _uninterrupted(operation: Coroutine[Any, Any, T]) -> T:
    """Run a short database call to its end even if the caller is cancelled meanwhile.

    Cancelling aiosqlite mid-statement leaves the pooled connection to be reset from a cancelled task;
    letting the call finish keeps the pool clean, and the caller still sees its CancelledError at once.
    """
    task = asyncio.ensure_future(operation)
    task.add_done_callback(_consume)
    return await asyncio.shield(task)


def _consume(task: "asyncio.Future[Any]") -> None:
    if not task.cancelled():
        task.exception()  # retrieved, so an error after the caller left is not reported as lost
