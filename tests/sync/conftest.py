from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.bookkeeping import SyncRun
from db.models import Contributor, Repository
from sync.github.client import GitHubClient
from sync.github.transport import create_http_client
from sync.refresh import SyncSummary, refresh
from sync.settings import SyncSettings
from tests.fakes.github import GITHUB_API, FakeGitHub

TOKEN = "ghp_test0secret0token0value0000000000000"
GRAPH_TABLES = ("contributor", "language", "repository", "repository_language", "repository_contributor")


class Sleeps:
    """An injectable asyncio.sleep that records the waits and returns at once."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def fake() -> FakeGitHub:
    return make_fake()


def make_fake() -> FakeGitHub:
    """octocat (a user) with three public repositories, one private one, and acme (an organization)."""
    fake = FakeGitHub()
    fake.add_user("octocat", name="The Octocat", bio="Mascot", blog="https://github.blog")
    fake.add_org("acme", name="Acme", description="Tools for everyone")
    fake.add_repo(
        "octocat",
        "hello",
        language_bytes={"Python": 1200, "Shell": 100},
        contributors=[("octocat", 10), ("alice", 3)],
        stargazers=5,
        topics=["demo"],
        license="mit",
    )
    fake.add_repo("octocat", "fork", fork=True, language_bytes={"C": 50}, contributors=[("bob", 1)])
    fake.add_repo("octocat", "old", archived=True, language_bytes={"Go": 10}, contributors=[("octocat", 1)])
    fake.add_repo("octocat", "secret-plans", private=True, description="do not leak", contributors=[("eve", 9)])
    fake.add_repo("acme", "anvil", language_bytes={"Rust": 500}, contributors=[("alice", 7)])
    return fake


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def settings() -> SyncSettings:
    return SyncSettings(github_api_url=GITHUB_API, github_owners="octocat,acme", retry_backoff=0.01)


@pytest.fixture
async def http(fake: FakeGitHub, settings: SyncSettings) -> AsyncIterator[httpx.AsyncClient]:
    async with create_http_client(settings, transport=httpx.MockTransport(fake.handle)) as client:
        yield client


@pytest.fixture
def client(http: httpx.AsyncClient, settings: SyncSettings, sleeps: Sleeps) -> GitHubClient:
    return GitHubClient(http, settings, sleep=sleeps)


SyncOnce = Callable[..., Awaitable[SyncSummary]]


@pytest.fixture
def sync_once(
    sessionmaker: async_sessionmaker[AsyncSession], http: httpx.AsyncClient, settings: SyncSettings, sleeps: Sleeps
) -> SyncOnce:
    """Run one refresh with a fresh client, as `repofolio sync` in a new process would; return its summary."""

    async def run(trigger: str = "CLI", **kwargs: Any) -> SyncSummary:
        client = GitHubClient(http, settings, sleep=sleeps)
        return await refresh(sessionmaker, client, settings, trigger=trigger, **kwargs)

    return run


async def add_run(sessionmaker: async_sessionmaker[AsyncSession], trigger: str = "CLI", **values: Any) -> int:
    """Record a run row as a process would (RUNNING, started now, unless `values` say otherwise); its id."""
    async with sessionmaker() as session, session.begin():
        run = SyncRun(trigger=trigger, status=values.pop("status", "RUNNING"), started_at=datetime.now(UTC), **values)
        session.add(run)
        await session.flush()
        return run.id


async def dump(sessionmaker: async_sessionmaker[AsyncSession], tables: tuple[str, ...] = GRAPH_TABLES) -> dict:
    """Every row of the graph tables (and the data version), in primary-key order."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    async with sessionmaker() as session:
        for table in (*tables, "showcase", "meta"):
            rows = await session.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2"))
            out[table] = [tuple(row) for row in rows]
    return out


async def repositories(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, Repository]:
    async with sessionmaker() as session:
        rows = (await session.scalars(select(Repository))).all()
    return {row.full_name: row for row in rows}


async def accounts(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, Contributor]:
    async with sessionmaker() as session:
        rows = (await session.scalars(select(Contributor))).all()
    return {row.login: row for row in rows}
