"""The contributed part of the GraphQL stage: each user's repositoriesContributedTo (all, and per contribution
type) and topRepositories as the fake GitHub serves them, light records for outside repositories, changes
followed, light records nobody points at deleted, skipped without a token, a fault leaving the cache whole."""

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.contributed import ALL, CONTRIBUTION_TYPES, TOP, ContributedRepository, OutsideRepository
from db.models import Contributor, Repository
from sync.github.client import GitHubClient
from sync.github.transport import create_http_client
from sync.profiles import NO_TOKEN
from sync.refresh import SyncSummary, refresh
from sync.settings import SyncSettings
from tests.fakes.github import GITHUB_API, FakeGitHub
from tests.sync.conftest import TOKEN, Sleeps, dump

Maker = async_sessionmaker[AsyncSession]
TABLES = ("contributor", "repository", "contributed_repository")


@pytest.fixture
def token_settings() -> SyncSettings:
    return SyncSettings(github_api_url=GITHUB_API, github_owners="octocat,acme", github_token=TOKEN, retry_backoff=0)


@pytest.fixture
async def token_http(fake: FakeGitHub, token_settings: SyncSettings) -> AsyncIterator[httpx.AsyncClient]:
    async with create_http_client(token_settings, transport=httpx.MockTransport(fake.handle)) as client:
        yield client


@pytest.fixture
def outside(fake: FakeGitHub) -> FakeGitHub:
    """octocat contributed to acme's anvil, to two outside repositories (one private) and created hello."""
    fake.add_org("elsewhere")
    fake.add_repo("elsewhere", "x", language_bytes={"Haskell": 10}, stargazers=3, license="mit")
    fake.add_repo("elsewhere", "y", description="another", has_issues=False)
    fake.add_repo("elsewhere", "private-z", private=True)
    fake.graphql.set_contributed(
        "octocat",
        [
            "acme/anvil",
            ("elsewhere/x", ["ISSUE", "PULL_REQUEST"]),
            "elsewhere/private-z",
            ("octocat/hello", ["REPOSITORY", "COMMIT"]),
        ],
    )
    fake.graphql.set_top("octocat", ["elsewhere/x", "elsewhere/private-z", "octocat/hello"])
    return fake


async def sync(sessionmaker: Maker, http: httpx.AsyncClient, settings: SyncSettings) -> SyncSummary:
    return await refresh(sessionmaker, GitHubClient(http, settings, sleep=Sleeps()), settings, trigger="CLI")


def served(fake: FakeGitHub, login: str, arguments: str) -> list[str]:
    """What the fake's GraphQL endpoint answers for one of the user's lists, in its order."""
    request = httpx.Request(
        "POST",
        f"{GITHUB_API}/graphql",
        headers={"Authorization": f"Bearer {TOKEN}"},
        json={
            "query": f'{{ user(login: "{login}") {{ list: {arguments} {{ nodes {{ nameWithOwner isPrivate }} }} }} }}'
        },
    )
    nodes = fake.handle(request).json()["data"]["user"]["list"]["nodes"]
    return [node["nameWithOwner"] for node in nodes if not node["isPrivate"]]


def served_lists(fake: FakeGitHub, login: str) -> dict[str, list[str]]:
    every = "first: 100, includeUserRepositories: true"
    lists = {ALL: served(fake, login, f"repositoriesContributedTo({every})")}
    for kind in CONTRIBUTION_TYPES:
        lists[kind] = served(fake, login, f"repositoriesContributedTo({every}, contributionTypes: [{kind}])")
    lists[TOP] = served(fake, login, "topRepositories(first: 100, orderBy: {field: STARGAZERS, direction: DESC})")
    return {kind: names for kind, names in lists.items() if names}


async def stored_lists(sessionmaker: Maker) -> dict[str, dict[str, list[str]]]:
    """login -> list -> full names, in stored order."""
    async with sessionmaker() as session:
        rows = await session.execute(
            select(Contributor.login, ContributedRepository.list, Repository.full_name)
            .join(Contributor, Contributor.id == ContributedRepository.user_id)
            .join(Repository, Repository.id == ContributedRepository.repository_id)
            .order_by(Contributor.login, ContributedRepository.list, ContributedRepository.position)
        )
        found: dict[str, dict[str, list[str]]] = {}
        for login, kind, name in rows:
            found.setdefault(login, {}).setdefault(kind, []).append(name)
    return found


async def light_records(sessionmaker: Maker) -> dict[str, tuple[str, int, str | None]]:
    """full name -> (owner login, stars, description) of every light record."""
    async with sessionmaker() as session:
        rows = await session.execute(
            select(Repository.full_name, Contributor.login, Repository.stargazers_count, Repository.description)
            .join(OutsideRepository, OutsideRepository.repository_id == Repository.id)
            .join(Contributor, Contributor.id == Repository.owner_id)
        )
        return {name: (login, stars, description) for name, login, stars, description in rows}


async def test_each_users_lists_are_stored_as_github_serves_them_with_light_records_for_outside_ones(
    sessionmaker: Maker, outside: FakeGitHub, token_http: httpx.AsyncClient, token_settings: SyncSettings
) -> None:
    """Every list (default, per type, top) in GitHub's order; public repositories only; the two outside ones
    held as light records with their owner, the configured owners' ones as the full records they are."""
    summary = await sync(sessionmaker, token_http, token_settings)

    assert summary.succeeded
    assert await stored_lists(sessionmaker) == {"octocat": served_lists(outside, "octocat")}
    assert (await stored_lists(sessionmaker))["octocat"][ALL] == ["acme/anvil", "elsewhere/x", "octocat/hello"]
    assert await light_records(sessionmaker) == {"elsewhere/x": ("elsewhere", 3, None)}
    async with sessionmaker() as session:
        owner = await session.scalar(select(Contributor).where(Contributor.login == "elsewhere"))
    assert owner is not None and owner.type == "Organization" and not owner.is_owner


async def test_changes_on_github_are_followed_and_light_records_nobody_points_at_are_deleted(
    sessionmaker: Maker, outside: FakeGitHub, token_http: httpx.AsyncClient, token_settings: SyncSettings
) -> None:
    assert (await sync(sessionmaker, token_http, token_settings)).succeeded
    outside.set_repo("elsewhere", "x", stargazers=40, description="now described")
    outside.graphql.set_contributed("octocat", [("elsewhere/y", ["PULL_REQUEST_REVIEW"]), "elsewhere/x"])
    outside.graphql.set_top("octocat", ["octocat/hello"])

    changed = await sync(sessionmaker, token_http, token_settings)

    assert changed.succeeded and changed.data_changed
    assert await stored_lists(sessionmaker) == {"octocat": served_lists(outside, "octocat")}
    assert await light_records(sessionmaker) == {
        "elsewhere/x": ("elsewhere", 40, "now described"),
        "elsewhere/y": ("elsewhere", 0, "another"),
    }
    unchanged = await sync(sessionmaker, token_http, token_settings)
    assert unchanged.succeeded and not unchanged.data_changed

    outside.graphql.set_contributed("octocat", ["acme/anvil"])
    outside.graphql.set_top("octocat", [])
    assert (await sync(sessionmaker, token_http, token_settings)).succeeded
    assert await light_records(sessionmaker) == {}
    async with sessionmaker() as session:
        logins = set(await session.scalars(select(Contributor.login)))
    assert "elsewhere" not in logins  # its account row went with its last light record


async def test_a_light_record_becomes_a_full_record_when_its_owner_is_configured(
    sessionmaker: Maker, outside: FakeGitHub, token_http: httpx.AsyncClient, token_settings: SyncSettings
) -> None:
    assert (await sync(sessionmaker, token_http, token_settings)).succeeded
    more = token_settings.model_copy(update={"github_owners": ["octocat", "acme", "elsewhere"]})

    assert (await sync(sessionmaker, token_http, more)).succeeded

    assert await light_records(sessionmaker) == {}
    assert (await stored_lists(sessionmaker))["octocat"][ALL] == ["acme/anvil", "elsewhere/x", "octocat/hello"]
    async with sessionmaker() as session:
        x = await session.scalar(select(Repository).where(Repository.full_name == "elsewhere/x"))
    assert x is not None and x.synced_at is not None  # read through REST like every configured repository

    assert (await sync(sessionmaker, token_http, token_settings)).succeeded  # and back outside
    assert set(await light_records(sessionmaker)) == {"elsewhere/x"}


async def test_without_a_token_the_lists_and_light_records_are_dropped_with_the_stage_skipped(
    sessionmaker: Maker,
    outside: FakeGitHub,
    token_http: httpx.AsyncClient,
    token_settings: SyncSettings,
    http: httpx.AsyncClient,
    settings: SyncSettings,
) -> None:
    """No sync would follow them any more: the lists answer empty rather than stale."""
    assert (await sync(sessionmaker, token_http, token_settings)).succeeded
    summary = await sync(sessionmaker, http, settings)
    assert summary.succeeded and NO_TOKEN in summary.skipped
    assert await stored_lists(sessionmaker) == {}
    assert await light_records(sessionmaker) == {}


async def test_a_graphql_fault_leaves_the_lists_and_light_records_whole(
    sessionmaker: Maker, outside: FakeGitHub, token_http: httpx.AsyncClient, token_settings: SyncSettings
) -> None:
    assert (await sync(sessionmaker, token_http, token_settings)).succeeded
    before = await dump(sessionmaker, TABLES), await light_records(sessionmaker)
    outside.graphql.set_contributed("octocat", [])
    outside.graphql.fail_next(status=502, n=10)

    summary = await sync(sessionmaker, token_http, token_settings)

    assert not summary.succeeded
    assert (await dump(sessionmaker, TABLES), await light_records(sessionmaker)) == before


async def test_the_stage_stays_one_document_for_the_owners_with_its_cost_counted(
    sessionmaker: Maker, outside: FakeGitHub, token_http: httpx.AsyncClient, token_settings: SyncSettings
) -> None:
    outside.graphql.cost = 3
    summary = await sync(sessionmaker, token_http, token_settings)
    assert summary.succeeded
    profiles = [d for d in outside.graphql.documents if "query Profiles" in d["query"]]
    assert len(profiles) == 1 and "...contributed" in profiles[0]["query"]
    assert summary.graphql_points == 3 * len(outside.graphql.documents)  # and the counts' document
