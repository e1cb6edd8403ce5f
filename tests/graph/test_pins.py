"""pinnedItems as GitHub answers it: the owner's pins in GitHub's order (synced from the fake GitHub's GraphQL
endpoint), curated featured entries winning, hidden repositories never shown, GitHub's ProfileOwner interface."""

import httpx
import pytest
import strawberry
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.showcase import Showcase
from sync.github.client import GitHubClient
from sync.github.transport import create_http_client
from sync.profiles import NO_TOKEN
from sync.refresh import refresh
from sync.settings import SyncSettings
from tests.fakes.github import GITHUB_API, FakeGitHub
from tests.graph.conftest import Execute, make_execute, ok
from tests.sync.conftest import TOKEN, Sleeps, add_run

ORG = "fictional-demo-labs"
ORG_PINS = ["beacon", "fieldnotes", "design-tokens", "rfcs"]  # graph/demo/data/demo.json
PINS = """query($login: String!, $first: Int, $last: Int, $after: String, $types: [PinnableItemType!]) {
  repositoryOwner(login: $login) { ... on ProfileOwner { pinnedItems(first: $first, last: $last, after: $after,
    types: $types) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { ... on Repository {
    name } } } } } }"""


async def pins(execute: Execute, login: str = ORG, **arguments: object) -> tuple[int, list[str], dict[str, object]]:
    data = await ok(execute, PINS, {"login": login, "first": 6, **arguments})
    found = data["repositoryOwner"]["pinnedItems"]
    return found["totalCount"], [node["name"] for node in found["nodes"]], found["pageInfo"]


async def test_an_owner_without_curated_entries_shows_its_github_pins_in_githubs_order(execute: Execute) -> None:
    assert (await pins(execute))[:2] == (4, ORG_PINS)
    assert (await pins(execute, types=["GIST"]))[:2] == (0, [])
    assert (await pins(execute, types=["GIST", "REPOSITORY"]))[:2] == (4, ORG_PINS)
    total, names, page = await pins(execute, first=2)
    assert (total, names, page["hasNextPage"]) == (4, ORG_PINS[:2], True)
    total, names, page = await pins(execute, first=2, after=page["endCursor"])
    assert (names, page["hasNextPage"], page["hasPreviousPage"]) == (ORG_PINS[2:], False, True)
    assert (await pins(execute, first=None, last=1))[1] == ORG_PINS[-1:]


async def test_curated_featured_entries_win_over_the_pins_and_hidden_pins_never_appear(
    execute: Execute, demo_db: async_sessionmaker[AsyncSession]
) -> None:
    async with demo_db.begin() as session:
        await session.execute(update(Showcase).where(Showcase.key == f"{ORG}/beacon").values(hidden=True))
        session.add(Showcase(key=f"{ORG}/rfcs", owner=ORG, name="rfcs", featured=False, hidden=True))
    assert (await pins(execute))[:2] == (2, ["fieldnotes", "design-tokens"])

    async with demo_db.begin() as session:
        session.add(Showcase(key=f"{ORG}/infra", owner=ORG, name="infra", featured=True, position=1))
    assert (await pins(execute))[:2] == (1, ["infra"])


async def test_the_viewers_curated_entries_win_over_its_github_pins(execute: Execute) -> None:
    """The demo viewer pinned lintel, beacon and hexweave on GitHub, but curated three repositories as featured."""
    assert (await pins(execute, "dana-demo-dev"))[1] == ["tidewatch", "quillmark", "pocket-ledger"]


async def test_sync_status_says_what_the_last_run_skipped(
    execute: Execute, demo_db: async_sessionmaker[AsyncSession]
) -> None:
    await add_run(demo_db, status="SUCCEEDED", skipped=NO_TOKEN, graphql_points=0)
    data = await ok(execute, "{ syncStatus { lastRun { skipped graphqlPoints } } }")
    assert data["syncStatus"]["lastRun"] == {"skipped": [NO_TOKEN], "graphqlPoints": 0}


@pytest.fixture
def github() -> FakeGitHub:
    fake = FakeGitHub()
    fake.add_user("octocat", name="The Octocat")
    fake.add_org("acme")
    for name in ("hello", "world", "notes", "secret"):
        fake.add_repo("octocat", name, private=name == "secret")
    fake.add_repo("acme", "anvil")
    fake.add_repo("stranger", "elsewhere")
    fake.graphql.set_pins("octocat", ["notes", "gist:x", "acme/anvil", "stranger/elsewhere", "secret", "hello"])
    fake.graphql.set_pins("acme", ["acme/anvil"])
    return fake


async def test_synced_pins_answer_as_the_fake_github_serves_them_and_follow_its_changes(
    schema: strawberry.Schema,
    sessionmaker: async_sessionmaker[AsyncSession],
    reads: async_sessionmaker[AsyncSession],
    github: FakeGitHub,
) -> None:
    """After a sync, User/Organization.pinnedItems are the pins GitHub serves that the cache holds, in
    GitHub's order; reordered and removed pins on GitHub change the answer after the next sync."""
    for login, items in list(github.graphql.pins.items()):
        github.graphql.set_pins(login, [item if "/" in item or ":" in item else f"octocat/{item}" for item in items])
    settings = SyncSettings(github_api_url=GITHUB_API, github_owners="octocat,acme", github_token=TOKEN)
    execute = make_execute(schema, sessionmaker, reads)
    query = """{ user(login: "octocat") { pinnedItems(first: 6) { totalCount nodes { ... on Repository {
      nameWithOwner } } } } organization(login: "acme") { pinnedItems(first: 6) { nodes { ... on Repository {
      nameWithOwner } } } } }"""
    async with create_http_client(settings, transport=httpx.MockTransport(github.handle)) as http:

        async def sync() -> None:
            summary = await refresh(sessionmaker, GitHubClient(http, settings, sleep=Sleeps()), settings, trigger="CLI")
            assert summary.succeeded, summary.error

        await sync()
        data = await ok(execute, query)
        assert data["user"]["pinnedItems"] == {
            "totalCount": 3,
            "nodes": [{"nameWithOwner": name} for name in ("octocat/notes", "acme/anvil", "octocat/hello")],
        }
        assert data["organization"]["pinnedItems"]["nodes"] == [{"nameWithOwner": "acme/anvil"}]

        github.graphql.set_pins("octocat", ["octocat/hello", "octocat/world"])
        github.graphql.set_pins("acme", [])
        await sync()
        data = await ok(execute, query)
    assert [node["nameWithOwner"] for node in data["user"]["pinnedItems"]["nodes"]] == [
        "octocat/hello",
        "octocat/world",
    ]
    assert data["organization"]["pinnedItems"]["nodes"] == []
