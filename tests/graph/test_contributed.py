"""User.repositoriesContributedTo and User.topRepositories as the fake GitHub serves them after a sync, with
light records of outside repositories that no cache-wide listing, search, count or lookup shows."""

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
import strawberry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.showcase import Showcase
from sync.github.client import GitHubClient
from sync.github.transport import create_http_client
from sync.refresh import refresh
from sync.settings import SyncSettings
from tests.fakes.github import GITHUB_API, FakeGitHub
from tests.graph.conftest import Database, Execute, make_execute, ok
from tests.sync.conftest import TOKEN, Sleeps

Maker = async_sessionmaker[AsyncSession]
Sync = Callable[[], Awaitable[None]]
LIGHT = "nameWithOwner isPrivate stargazerCount forkCount createdAt updatedAt pushedAt url description isFork"
CONTRIBUTED = """query($login: String!, $types: [RepositoryContributionType], $mine: Boolean, $issues: Boolean,
  $order: RepositoryOrder) { user(login: $login) { repositoriesContributedTo(first: 100, contributionTypes: $types,
  includeUserRepositories: $mine, hasIssues: $issues, orderBy: $order, privacy: PUBLIC) {
  totalCount nodes { LIGHT } } } }""".replace("LIGHT", LIGHT)
TOP = """query($login: String!) { user(login: $login) { topRepositories(first: 100, orderBy: {field: STARGAZERS,
  direction: DESC}) { totalCount nodes { LIGHT } } } }""".replace("LIGHT", LIGHT)
ARGUMENTS: list[dict[str, Any]] = [
    {},
    {"types": ["ISSUE"]},
    {"types": ["COMMIT", "PULL_REQUEST"]},
    {"types": ["PULL_REQUEST_REVIEW"]},
    {"mine": True},
    {"mine": True, "types": ["REPOSITORY"]},
    {"issues": False},
]


@pytest.fixture
def github() -> FakeGitHub:
    fake = FakeGitHub()
    fake.add_user("octocat", name="The Octocat")
    fake.add_user("hubot")
    fake.add_org("acme")
    fake.add_repo("octocat", "hello", stargazers=1)
    fake.add_repo("octocat", "secret", private=True)
    fake.add_repo("acme", "anvil", stargazers=2, language_bytes={"Rust": 10})
    fake.add_org("elsewhere")
    fake.add_repo("elsewhere", "x", stargazers=30, forks=4, license="mit", description="outside", pushed_at=None)
    fake.add_repo("elsewhere", "y", stargazers=20, has_issues=False, fork=True)
    fake.add_repo("elsewhere", "hidden-one", stargazers=10)
    fake.graphql.set_contributed(
        "octocat",
        [
            ("elsewhere/x", ["ISSUE", "PULL_REQUEST"]),
            "acme/anvil",
            ("elsewhere/y", ["PULL_REQUEST_REVIEW", "COMMIT"]),
            ("octocat/hello", ["REPOSITORY"]),
            "octocat/secret",
        ],
    )
    fake.graphql.set_top("octocat", ["elsewhere/x", "elsewhere/y", "acme/anvil", "octocat/hello"])
    fake.graphql.set_contributed("hubot", ["elsewhere/y"])
    return fake


@pytest.fixture
async def synced(github: FakeGitHub, sessionmaker: Maker) -> AsyncIterator[Sync]:
    settings = SyncSettings(github_api_url=GITHUB_API, github_owners="octocat,hubot,acme", github_token=TOKEN)
    async with create_http_client(settings, transport=httpx.MockTransport(github.handle)) as http:

        async def sync() -> None:
            summary = await refresh(sessionmaker, GitHubClient(http, settings, sleep=Sleeps()), settings, trigger="CLI")
            assert summary.succeeded, summary.error

        await sync()
        yield sync


@pytest.fixture
def api(schema: strawberry.Schema, sessionmaker: Maker, reads: Maker) -> Execute:
    return make_execute(schema, sessionmaker, reads)


def served(github: FakeGitHub, query: str, variables: dict[str, Any]) -> Any:
    request = httpx.Request(
        "POST",
        f"{GITHUB_API}/graphql",
        headers={"Authorization": f"Bearer {TOKEN}"},
        json={"query": query, "variables": variables},
    )
    answer = github.handle(request).json()
    assert "errors" not in answer, answer["errors"]
    return answer["data"]


async def test_contributed_to_answers_as_github_does_for_every_argument_and_follows_changes(
    api: Execute, github: FakeGitHub, synced: Sync
) -> None:
    """Every contributionTypes/includeUserRepositories/hasIssues combination gives GitHub's repositories in
    GitHub's order with its totalCount and the fields of the light records; changed on GitHub, changed here."""
    for login in ("octocat", "hubot"):
        for arguments in ARGUMENTS:
            variables = {"login": login, **arguments}
            assert await ok(api, CONTRIBUTED, variables) == served(github, CONTRIBUTED, variables), arguments

    github.set_repo("elsewhere", "x", stargazers=31, description="changed")
    github.graphql.set_contributed("octocat", ["elsewhere/hidden-one", ("elsewhere/x", ["COMMIT"])])
    await synced()
    for arguments in ARGUMENTS:
        variables = {"login": "octocat", **arguments}
        assert await ok(api, CONTRIBUTED, variables) == served(github, CONTRIBUTED, variables), arguments
    data = await ok(api, CONTRIBUTED, {"login": "octocat"})
    assert [node["nameWithOwner"] for node in data["user"]["repositoriesContributedTo"]["nodes"]] == [
        "elsewhere/hidden-one",
        "elsewhere/x",
    ]


async def test_top_repositories_are_githubs_in_the_order_asked_for(
    api: Execute, github: FakeGitHub, synced: Sync
) -> None:
    """Synced with the order STARGAZERS DESC asks; the fake's list is in that order, so both answers agree."""
    assert await ok(api, TOP, {"login": "octocat"}) == served(github, TOP, {"login": "octocat"})
    ascending = TOP.replace("direction: DESC", "direction: ASC")
    data = await ok(api, ascending, {"login": "octocat"})
    names = [node["nameWithOwner"] for node in data["user"]["topRepositories"]["nodes"]]
    assert names == ["octocat/hello", "acme/anvil", "elsewhere/y", "elsewhere/x"]
    assert (await ok(api, TOP, {"login": "hubot"}))["user"]["topRepositories"] == {"totalCount": 0, "nodes": []}


async def test_ordering_and_paging_the_contributed_repositories(api: Execute, synced: Sync) -> None:
    query = """query($after: String) { user(login: "octocat") { repositoriesContributedTo(first: 1, after: $after,
      orderBy: {field: STARGAZERS, direction: DESC}) { totalCount pageInfo { hasNextPage endCursor }
      nodes { name } } } }"""
    names, after = [], None
    while True:
        found = (await ok(api, query, {"after": after}))["user"]["repositoriesContributedTo"]
        assert found["totalCount"] == 3
        names += [node["name"] for node in found["nodes"]]
        if not found["pageInfo"]["hasNextPage"]:
            break
        after = found["pageInfo"]["endCursor"]
    assert names == ["x", "y", "anvil"]
    nothing = '{ user(login: "octocat") { repositoriesContributedTo(first: 5, privacy: PRIVATE) { totalCount } } }'
    assert (await ok(api, nothing))["user"]["repositoriesContributedTo"] == {"totalCount": 0}


async def test_a_light_record_is_in_no_listing_search_count_or_lookup(
    api: Execute, synced: Sync, sessionmaker: Maker
) -> None:
    """elsewhere/x answers inside the lists only: not in repositories, search, syncStatus's count,
    repository(owner:, name:), node(id:) or repositoryOwner, and its owner lists no repositories."""
    data = await ok(
        api,
        """{ user(login: "octocat") { repositoriesContributedTo(first: 10) { nodes { id
          owner { login repositories(first: 5) { totalCount } } } } } }""",
    )
    nodes = data["user"]["repositoriesContributedTo"]["nodes"]
    light_id = nodes[0]["id"]
    assert nodes[0]["owner"] == {"login": "elsewhere", "repositories": {"totalCount": 0}}
    result = await api(
        """{ repositories(first: 100) { totalCount nodes { nameWithOwner } }
          search(query: "user:elsewhere", type: REPOSITORY, first: 10) { repositoryCount }
          syncStatus { repositoryCount } }"""
    )
    assert "errors" not in result, result
    found = result["data"]
    assert {node["nameWithOwner"] for node in found["repositories"]["nodes"]} == {"octocat/hello", "acme/anvil"}
    assert found["repositories"]["totalCount"] == 2
    assert found["search"]["repositoryCount"] == 0
    assert found["syncStatus"]["repositoryCount"] == 2
    for lookup in (
        '{ repository(owner: "elsewhere", name: "x") { name } }',
        '{ node(id: "ID") { id } }'.replace("ID", light_id),
        '{ repositoryOwner(login: "elsewhere") { login } }',
    ):
        answer = await api(lookup)
        assert answer["data"] is None or next(iter(answer["data"].values())) is None, lookup
        assert answer["errors"][0]["extensions"]["code"] == "NOT_FOUND", lookup


async def test_hidden_repositories_never_appear_in_either_list(api: Execute, synced: Sync, sessionmaker: Maker) -> None:
    async with sessionmaker.begin() as session:
        for key in ("elsewhere/x", "acme/anvil"):
            owner, name = key.split("/")
            session.add(Showcase(key=key, owner=owner, name=name, hidden=True))
    contributed = await ok(api, CONTRIBUTED, {"login": "octocat"})
    top = await ok(api, TOP, {"login": "octocat"})
    assert [n["nameWithOwner"] for n in contributed["user"]["repositoriesContributedTo"]["nodes"]] == ["elsewhere/y"]
    assert [n["nameWithOwner"] for n in top["user"]["topRepositories"]["nodes"]] == ["elsewhere/y", "octocat/hello"]


NESTED = """query { a: user(login: "octocat") { ...lists } b: user(login: "hubot") { ...lists } }
fragment lists on User {
  repositoriesContributedTo(first: 10) { nodes { name owner { login } primaryLanguage { name }
    languages(first: 3) { nodes { name } } contributors(first: 3) { nodes { login } } } }
  topRepositories(first: 10, orderBy: {field: NAME, direction: ASC}) { nodes { name owner { login }
    languages(first: 3) { totalSize } } }
}"""


async def test_the_lists_cost_the_same_statements_however_many_repositories_they_hold(
    schema: strawberry.Schema, database: Database, github: FakeGitHub
) -> None:
    """Both users' lists and their nodes' owners, languages and contributors: a fixed count, the same with one
    contributed repository a user as with many."""
    counts = []
    for extra in (0, 12):
        for n in range(extra):
            github.add_repo("elsewhere", f"more-{len(counts)}-{n}", language_bytes={"C": n + 1})
        names = [f"elsewhere/more-{len(counts)}-{n}" for n in range(extra)]
        github.graphql.set_contributed("hubot", ["elsewhere/y", *names])
        github.graphql.set_top("hubot", names)
        settings = SyncSettings(github_api_url=GITHUB_API, github_owners="octocat,hubot,acme", github_token=TOKEN)
        async with create_http_client(settings, transport=httpx.MockTransport(github.handle)) as http:
            client = GitHubClient(http, settings, sleep=Sleeps())
            assert (await refresh(database.sessionmaker, client, settings, trigger="CLI")).succeeded
        statements, data = await database.counted(schema, NESTED, {})
        assert len(data["b"]["repositoriesContributedTo"]["nodes"]) == min(1 + extra, 10)
        counts.append(statements)
    # one batch per DataLoader the shape reaches (users, both lists, owners, languages, contributors…)
    assert counts[0] == counts[1] == 9


async def test_the_demo_viewer_has_contributed_and_top_repositories_with_light_records(execute: Execute) -> None:
    """`serve --demo` answers both fields: the organization's repositories and three outside light records."""
    data = await ok(
        execute,
        """{ viewer { repositoriesContributedTo(first: 10) { totalCount nodes { nameWithOwner stargazerCount
          primaryLanguage { name } owner { login } } }
          issues: repositoriesContributedTo(first: 10, contributionTypes: [ISSUE]) { nodes { name } }
          topRepositories(first: 3, orderBy: {field: STARGAZERS, direction: DESC}) { nodes { nameWithOwner } } }
          repositories(first: 100) { nodes { nameWithOwner } } }""",
    )
    contributed = data["viewer"]["repositoriesContributedTo"]
    names = [node["nameWithOwner"] for node in contributed["nodes"]]
    assert contributed["totalCount"] == 5
    assert names[:3] == ["open-orbit-demo/orbit-sdk", "fictional-demo-labs/beacon", "riley-demo/tiny-http"]
    assert contributed["nodes"][0] == {
        "nameWithOwner": "open-orbit-demo/orbit-sdk",
        "stargazerCount": 1840,
        "primaryLanguage": {"name": "TypeScript"},
        "owner": {"login": "open-orbit-demo"},
    }
    assert [node["name"] for node in data["viewer"]["issues"]["nodes"]] == ["orbit-sdk", "orbit-docs"]
    top = [node["nameWithOwner"] for node in data["viewer"]["topRepositories"]["nodes"]]
    assert top[0] == "open-orbit-demo/orbit-sdk" and len(top) == 3
    assert not {node["nameWithOwner"] for node in data["repositories"]["nodes"]} & set(names[:1] + names[2:4])
