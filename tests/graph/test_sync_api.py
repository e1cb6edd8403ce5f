"""The sync as the API shows it: requestRefresh, syncStatus, and a failed sync that leaves the cache whole.

Runs the real app (lifespan, runner, scheduler) against the fake GitHub over real HTTP on 127.0.0.1.
"""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from db.settings import DatabaseSettings
from graph.app import Settings
from graph.settings import ApiSettings
from sync.settings import SyncSettings
from tests.fakes.github import FakeGitHub
from tests.fakes.server import serve
from tests.graph.conftest import running_app

TOKEN = "admin-token-for-tests"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}
STATUS = """{ syncStatus { state dataVersion repositoryCount nextRunAt
    lastRun { status trigger error githubRequests notModified repositoriesAdded repositoriesUpdated repositoriesUnchanged }
    lastSuccessfulRun { status } } }"""
LISTING = "{ repositories(first: 100) { totalCount nodes { nameWithOwner stargazerCount languages { totalSize } } } }"


@pytest.fixture
def fake() -> FakeGitHub:
    fake = FakeGitHub()
    fake.add_user("octocat", name="The Octocat")
    fake.add_repo("octocat", "hello", language_bytes={"Python": 1200}, contributors=[("octocat", 10)], stargazers=5)
    fake.add_repo("octocat", "world", language_bytes={"Go": 300}, contributors=[("alice", 2)])
    return fake


@pytest.fixture
async def client(tmp_path: Path, fake: FakeGitHub) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(fake) as github:
        settings = Settings(
            api=ApiSettings(admin_token=TOKEN),
            database=DatabaseSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'sync.db'}"),
            sync=SyncSettings(github_api_url=github, github_owners="octocat", retry_backoff=0.01, max_retries=1),
        )
        async with running_app(settings) as client:
            yield client


async def _post(client: httpx.AsyncClient, query: str, **headers: str) -> Any:
    body = (await client.post("/graphql", json={"query": query}, headers=headers)).json()
    assert "errors" not in body, body["errors"]
    return body["data"]


async def _settled(client: httpx.AsyncClient) -> Any:
    """syncStatus once no run is under way (at most 20 s)."""
    async with asyncio.timeout(20):
        while True:
            status = (await _post(client, STATUS))["syncStatus"]
            if status["state"] == "IDLE" and status["lastRun"] is not None:
                return status
            await asyncio.sleep(0.05)


async def test_start_up_sync_fills_the_empty_cache_and_status_reports_it(client: httpx.AsyncClient) -> None:
    """An empty cache syncs at start-up; syncStatus then shows the run and the scheduler's next run."""
    status = await _settled(client)
    assert status["lastRun"]["status"] == "SUCCEEDED" and status["lastRun"]["trigger"] == "STARTUP"
    assert status["lastRun"]["repositoriesAdded"] == 2 and status["repositoryCount"] == 2
    assert status["nextRunAt"] is not None
    listing = await _post(client, LISTING)
    assert {n["nameWithOwner"] for n in listing["repositories"]["nodes"]} == {"octocat/hello", "octocat/world"}


async def test_request_refresh_after_a_change_updates_the_cache_and_the_data_version(
    client: httpx.AsyncClient, fake: FakeGitHub
) -> None:
    before = await _settled(client)
    fake.set_repo("octocat", "hello", stargazers=42)
    started = await _post(client, "mutation { requestRefresh { started run { status trigger } } }", **ADMIN)
    assert started["requestRefresh"]["started"] is True
    assert started["requestRefresh"]["run"]["trigger"] == "MUTATION"
    after = await _settled(client)
    assert after["lastRun"]["status"] == "SUCCEEDED" and after["lastRun"]["repositoriesUpdated"] == 1
    assert after["dataVersion"] != before["dataVersion"]
    stars = {n["nameWithOwner"]: n["stargazerCount"] for n in (await _post(client, LISTING))["repositories"]["nodes"]}
    assert stars["octocat/hello"] == 42


async def test_nothing_changed_costs_only_free_304s_and_keeps_the_data_version(client: httpx.AsyncClient) -> None:
    before = await _settled(client)
    await _post(client, "mutation { requestRefresh { started } }", **ADMIN)
    after = await _settled(client)
    assert after["lastRun"]["status"] == "SUCCEEDED"
    assert after["lastRun"]["notModified"] == after["lastRun"]["githubRequests"] > 0
    assert after["lastRun"]["repositoriesUnchanged"] == 2
    assert after["dataVersion"] == before["dataVersion"]


async def test_github_outage_mid_sync_leaves_the_cache_whole_and_the_failure_visible(
    client: httpx.AsyncClient, fake: FakeGitHub
) -> None:
    """A 5xx that outlasts the retries fails the run with a one-line reason; the API shows the old cache."""
    await _settled(client)
    listing_before = await _post(client, LISTING)
    fake.set_repo("octocat", "hello", stargazers=99)
    fake.fail_next(50, status=502)
    await _post(client, "mutation { requestRefresh { started } }", **ADMIN)
    status = await _settled(client)
    assert status["lastRun"]["status"] == "FAILED"
    assert status["lastRun"]["error"] and "\n" not in status["lastRun"]["error"]
    assert TOKEN not in status["lastRun"]["error"]
    assert status["lastSuccessfulRun"]["status"] == "SUCCEEDED"
    assert await _post(client, LISTING) == listing_before


async def test_two_refresh_requests_at_once_start_one_sync(client: httpx.AsyncClient, fake: FakeGitHub) -> None:
    await _settled(client)
    fake.set_repo("octocat", "world", stargazers=7)
    query = "mutation { requestRefresh { started run { id } } }"
    first, second = await asyncio.gather(_post(client, query, **ADMIN), _post(client, query, **ADMIN))
    assert sorted([first["requestRefresh"]["started"], second["requestRefresh"]["started"]]) == [False, True]
    assert first["requestRefresh"]["run"]["id"] == second["requestRefresh"]["run"]["id"]
    await _settled(client)
