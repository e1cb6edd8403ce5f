"""The transport shared by GitHub's APIs: a request with a body is retried whole, and a rate-limit account
follows its own budget (REST's "core" by default, GraphQL's "graphql" for the GraphQL client of issue 12)."""

import httpx
import pytest

from sync.errors import RateLimited
from sync.github.ratelimit import RequestStats
from sync.github.transport import Transport, create_http_client
from sync.settings import SyncSettings
from tests.fakes.github import GITHUB_API
from tests.sync.conftest import TOKEN, Sleeps

RESET = "4102444800"  # 2100-01-01: a window that has not ended


def budget(resource: str, remaining: int) -> dict[str, str]:
    return {
        "X-RateLimit-Resource": resource,
        "X-RateLimit-Limit": "5000",
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": RESET,
    }


async def test_a_post_is_retried_with_its_body_after_a_server_error(sleeps: Sleeps) -> None:
    bodies: list[tuple[str, bytes, str | None]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        bodies.append((request.method, request.content, request.headers.get("Authorization")))
        return httpx.Response(502 if len(bodies) == 1 else 200, json={"data": {}})

    settings = SyncSettings(github_api_url=GITHUB_API, github_token=TOKEN, retry_backoff=0.5)
    async with create_http_client(settings, transport=httpx.MockTransport(answer)) as http:
        transport = Transport(http, settings, sleep=sleeps)
        response = await transport.send("POST", f"{GITHUB_API}/graphql", {}, frozenset(), content=b'{"query":"{}"}')
    assert response.status_code == 200
    assert bodies == [("POST", b'{"query":"{}"}', f"Bearer {TOKEN}")] * 2
    assert sleeps.waits == [0.5]
    assert transport.stats.requests == 2


async def test_an_account_follows_its_own_budget_and_stops_before_it_runs_out(sleeps: Sleeps) -> None:
    """A GraphQL account ignores the core budget's headers, and refuses to send once its own is at the reserve."""
    answers = iter([budget("core", 0), budget("graphql", 10), budget("graphql", 9)])

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={}, headers=next(answers))

    settings = SyncSettings(github_api_url=GITHUB_API, github_token=TOKEN, rate_limit_reserve=9)
    async with create_http_client(settings, transport=httpx.MockTransport(answer)) as http:
        transport = Transport(http, settings, sleep=sleeps, stats=RequestStats(resource="graphql"))
        await transport.send("POST", f"{GITHUB_API}/graphql", {}, frozenset())
        assert transport.stats.rate_limit is None  # a core budget at 0 is not GraphQL's
        await transport.send("POST", f"{GITHUB_API}/graphql", {}, frozenset())
        await transport.send("POST", f"{GITHUB_API}/graphql", {}, frozenset())
        with pytest.raises(RateLimited):
            await transport.send("POST", f"{GITHUB_API}/graphql", {}, frozenset())
    assert transport.stats.requests == 3
