"""The execution time limit, and what still answers while a query holds the execution slot.

A query is held inside its execution by a barrier in the `languages` root field's read (an asyncio.Event, so the
tests never wait on the clock); the time limit is expired at will through graph.http.router.time_limit.
"""

import asyncio
from collections.abc import Awaitable, Iterator
from typing import Any, TypeVar

import pytest

from db.settings import DatabaseSettings
from graph.app import Settings
from graph.http import router
from graph.read import queries
from graph.settings import ApiSettings
from sync.settings import SyncSettings
from tests.graph.conftest import running_app

T = TypeVar("T")
HEAVY = "{ languages(first: 5) { totalCount nodes { name } } }"  # held at the barrier
CACHED = "{ repositories(first: 3) { totalCount nodes { name } } }"
OTHER = "{ viewer { login } }"
WAIT = 30  # seconds: only reached when something is broken


async def within(awaitable: Awaitable[T]) -> T:
    return await asyncio.wait_for(awaitable, WAIT)


class Barrier:
    """Holds every read of `languages` until released; `reached` is set once one is held."""

    def __init__(self) -> None:
        self.reached = asyncio.Event()
        self.released = asyncio.Event()
        self.held = 0


@pytest.fixture
def barrier(monkeypatch: pytest.MonkeyPatch) -> Barrier:
    barrier = Barrier()
    original = queries.language_stats_page

    async def held(*args: Any, **kwargs: Any) -> Any:
        barrier.held += 1
        barrier.reached.set()
        await barrier.released.wait()
        return await original(*args, **kwargs)

    monkeypatch.setattr(queries, "language_stats_page", held)
    return barrier


class Limits:
    """The deadlines of the executions started so far, to expire them from the test."""

    def __init__(self) -> None:
        self.started: list[asyncio.Timeout] = []

    def expire(self) -> None:
        loop = asyncio.get_running_loop()
        for limit in self.started:
            if not limit.expired():
                limit.reschedule(loop.time())


@pytest.fixture
def limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[Limits]:
    limits = Limits()
    real = router.time_limit

    def recorded(seconds: float | None) -> asyncio.Timeout:
        limit = real(seconds)
        limits.started.append(limit)
        return limit

    monkeypatch.setattr(router, "time_limit", recorded)
    yield limits


def settings(db_settings: DatabaseSettings, **api: Any) -> Settings:
    # One execution at a time, as on SQLite by default, on PostgreSQL too.
    return Settings(
        api=ApiSettings(demo=True, max_concurrent_executions=1, **api), database=db_settings, sync=SyncSettings()
    )


async def test_health_cache_hits_and_readiness_answer_while_a_query_holds_the_slot(
    db_settings: DatabaseSettings, barrier: Barrier
) -> None:
    """With the only execution slot taken by a query held mid-execution, /healthz, /readyz and a cached answer
    still answer; a cold query waits its turn, and both finish once the held one is released."""
    async with running_app(settings(db_settings)) as client:
        warm = await client.post("/graphql", json={"query": CACHED})
        held = asyncio.create_task(client.post("/graphql", json={"query": HEAVY}))
        await within(barrier.reached.wait())

        assert (await within(client.get("/healthz"))).json() == {"status": "ok"}
        assert (await within(client.get("/readyz"))).json() == {"status": "ok"}
        hit = await within(client.post("/graphql", json={"query": CACHED}))
        assert hit.status_code == 200 and hit.content == warm.content and hit.headers["etag"] == warm.headers["etag"]
        revalidated = await within(
            client.get("/graphql", params={"query": CACHED}, headers={"if-none-match": warm.headers["etag"]})
        )
        assert revalidated.status_code == 304
        cold = asyncio.create_task(client.post("/graphql", json={"query": OTHER}))
        assert not held.done()

        barrier.released.set()
        answered, other = await within(asyncio.gather(held, cold))
    assert answered.json()["data"]["languages"]["totalCount"] > 0
    assert other.json()["data"]["viewer"]["login"]
    assert barrier.held == 1


async def test_a_query_past_the_time_limit_is_a_graphql_error_and_frees_its_slot(
    db_settings: DatabaseSettings, barrier: Barrier, limits: Limits
) -> None:
    """Past REPOFOLIO_EXECUTION_TIMEOUT: a GraphQL error naming the limit (200, not cached), and the single slot
    is free at once for the next query; the same query, unheld, then answers its data."""
    async with running_app(settings(db_settings, execution_timeout=7.5)) as client:
        stopped = asyncio.create_task(client.post("/graphql", json={"query": HEAVY}))
        await within(barrier.reached.wait())
        limits.expire()
        response = await within(stopped)
        assert response.status_code == 200
        assert response.headers["cache-control"] == "no-store"
        assert response.json() == {
            "data": None,
            "errors": [
                {
                    "message": "The query did not finish within the execution time limit of 7.5 seconds and was "
                    "stopped. Ask for fewer or smaller connections.",
                    "extensions": {"code": "EXECUTION_TIMEOUT"},
                }
            ],
        }
        # The barrier is still closed: only a freed slot lets this one run.
        assert (await within(client.post("/graphql", json={"query": OTHER}))).json()["data"]["viewer"]["login"]
        barrier.released.set()
        again = await within(client.post("/graphql", json={"query": HEAVY}))
    assert again.json()["data"]["languages"]["totalCount"] > 0


async def test_the_time_limit_does_not_stop_a_query_that_finishes(db_settings: DatabaseSettings) -> None:
    async with running_app(settings(db_settings, execution_timeout=60)) as client:
        response = await client.post("/graphql", json={"query": HEAVY})
    assert "errors" not in response.json()


def test_the_time_limit_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """REPOFOLIO_EXECUTION_TIMEOUT, in seconds: 10 by default; zero or less is refused."""
    assert ApiSettings().execution_timeout == 10
    monkeypatch.setenv("REPOFOLIO_EXECUTION_TIMEOUT", "2.5")
    assert ApiSettings().execution_timeout == 2.5
    monkeypatch.setenv("REPOFOLIO_EXECUTION_TIMEOUT", "0")
    with pytest.raises(ValueError, match="execution_timeout"):
        ApiSettings()
