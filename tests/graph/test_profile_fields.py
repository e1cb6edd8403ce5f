"""The profile a portfolio shows, as GitHub answers it: followers/following counts (REST's), the user's
organizations and status and an organization's member count (GitHub's GraphQL API, with a token), synced
from the fake GitHub and answered with GitHub's shapes; organizations that are not configured owners appear
nowhere else."""

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Contributor
from db.showcase import Showcase
from sync.github.client import GitHubClient
from sync.github.transport import create_http_client
from sync.profiles import NO_TOKEN
from sync.refresh import SyncSummary, refresh
from sync.settings import SyncSettings
from tests.fakes.github import GITHUB_API, FakeGitHub
from tests.graph.conftest import Execute, make_execute, ok
from tests.sync.conftest import TOKEN, Sleeps

Maker = async_sessionmaker[AsyncSession]
Sync = Callable[..., Awaitable[SyncSummary]]

PROFILE = """query($login: String!) {
  user(login: $login) {
    followers(first: 1) { totalCount }
    following(first: 1) { totalCount }
    status { emoji emojiHTML message indicatesLimitedAvailability createdAt updatedAt expiresAt }
    organizations(first: 10) { totalCount nodes { login name description avatarUrl url } }
  }
  organization(login: "acme") { description websiteUrl membersWithRole(first: 1) { totalCount } }
}"""


def served(fake: FakeGitHub, query: str, variables: dict[str, Any]) -> Any:
    """What the fake GitHub's GraphQL endpoint answers for `query`: GitHub's side of the comparison."""
    request = httpx.Request(
        "POST",
        f"{GITHUB_API}/graphql",
        headers={"Authorization": f"Bearer {TOKEN}"},
        json={"query": query, "variables": variables},
    )
    body = fake.handle(request).json()
    assert "errors" not in body, body
    return body["data"]


@pytest.fixture
def github() -> FakeGitHub:
    fake = FakeGitHub()
    fake.add_user("octocat", name="The Octocat", followers=5, following=2)
    fake.add_user("hubot", followers=1)
    fake.add_org("acme", description="Anvils and more", blog="https://acme.example.com")
    fake.add_org("outside-org", name="Outside", description="Not configured here")
    fake.add_repo("octocat", "hello")
    fake.add_repo("acme", "anvil")
    fake.add_repo("acme", "secret-plans")
    fake.add_repo("outside-org", "elsewhere")
    fake.graphql.set_organizations("octocat", ["outside-org", "acme"])
    fake.graphql.set_organizations("hubot", ["acme"])
    fake.graphql.set_status("octocat", emoji=":dart:", message="Focusing", limited=True)
    return fake


@pytest.fixture
async def sync(github: FakeGitHub, sessionmaker: Maker) -> AsyncIterator[Sync]:
    transport = httpx.MockTransport(github.handle)

    async def run(*, token: bool = True) -> SyncSummary:
        settings = SyncSettings(
            github_api_url=GITHUB_API, github_owners="octocat,acme", github_token=TOKEN if token else None
        )
        async with create_http_client(settings, transport=transport) as http:
            return await refresh(sessionmaker, GitHubClient(http, settings, sleep=Sleeps()), settings, trigger="CLI")

    yield run


@pytest.fixture
def api(schema: strawberry.Schema, sessionmaker: Maker, reads: Maker) -> Execute:
    return make_execute(schema, sessionmaker, reads)


async def test_the_synced_profile_answers_as_the_fake_github_serves_it_and_follows_its_changes(
    api: Execute, github: FakeGitHub, sync: Sync
) -> None:
    """Followers, following, the status, the organizations (in GitHub's order, the one not configured with
    its name and description) and an organization's member count answer what GitHub answers the same query;
    after a follower count changes, the status is cleared and an organization is left, the next sync answers
    the new values."""
    variables = {"login": "octocat"}
    assert (await sync()).succeeded
    data = await ok(api, PROFILE, variables)
    assert data == served(github, PROFILE, variables)
    assert data["user"]["followers"] == {"totalCount": 5}
    assert data["user"]["status"]["emojiHTML"].startswith('<div><g-emoji class="g-emoji" alias="dart"')
    assert [node["login"] for node in data["user"]["organizations"]["nodes"]] == ["outside-org", "acme"]
    assert data["organization"]["membersWithRole"] == {"totalCount": 2}

    github.add_user("octocat", followers=9, following=3)
    github.graphql.set_status("octocat")
    github.graphql.set_organizations("octocat", ["acme"])
    github.add_org("acme", description="Anvils only")
    assert (await sync()).succeeded
    data = await ok(api, PROFILE, variables)
    assert data == served(github, PROFILE, variables)
    assert data["user"]["followers"] == {"totalCount": 9}
    assert data["user"]["status"] is None
    assert data["user"]["organizations"]["nodes"] == [
        {
            "login": "acme",
            "name": None,
            "description": "Anvils only",
            "avatarUrl": data["user"]["organizations"]["nodes"][0]["avatarUrl"],
            "url": "https://github.com/acme",
        }
    ]


async def test_a_private_membership_github_answers_the_token_is_never_served(
    api: Execute, github: FakeGitHub, sync: Sync, sessionmaker: Maker
) -> None:
    """GitHub's GraphQL API lists the user's private membership to the user's own token; REST's public list
    lacks it, and so do the API's answers and the cache."""
    github.graphql.set_organizations("octocat", ["outside-org", "hidden-guild", "acme"], private=["hidden-guild"])
    query = '{ user(login: "octocat") { organizations(first: 10) { totalCount nodes { login } } } }'
    assert (await sync()).succeeded
    theirs = served(github, query, {})["user"]["organizations"]["nodes"]
    assert [node["login"] for node in theirs] == ["outside-org", "hidden-guild", "acme"]
    assert (await ok(api, query))["user"]["organizations"] == {
        "totalCount": 2,
        "nodes": [{"login": "outside-org"}, {"login": "acme"}],
    }
    async with sessionmaker() as session:
        assert await session.scalar(select(Contributor.id).where(Contributor.login_key == "hidden-guild")) is None


async def test_organizations_page_and_order_as_asked(api: Execute, sync: Sync) -> None:
    """GitHub's order by default; orderBy LOGIN and CREATED_AT in either direction; first/after paging."""
    assert (await sync()).succeeded
    query = """query($order: OrganizationOrder, $after: String, $first: Int) { user(login: "octocat") {
      organizations(first: $first, after: $after, orderBy: $order) { totalCount
        pageInfo { hasNextPage endCursor } nodes { login } } } }"""

    async def logins(**variables: Any) -> tuple[list[str], dict[str, Any]]:
        found = (await ok(api, query, {"first": 10, **variables}))["user"]["organizations"]
        return [node["login"] for node in found["nodes"]], found["pageInfo"]

    assert (await logins())[0] == ["outside-org", "acme"]
    assert (await logins(order={"field": "LOGIN", "direction": "ASC"}))[0] == ["acme", "outside-org"]
    assert (await logins(order={"field": "LOGIN", "direction": "DESC"}))[0] == ["outside-org", "acme"]
    # The fake creates accounts a day apart: acme before outside-org.
    assert (await logins(order={"field": "CREATED_AT", "direction": "DESC"}))[0] == ["outside-org", "acme"]
    names, page = await logins(first=1)
    assert (names, page["hasNextPage"]) == (["outside-org"], True)
    assert (await logins(first=1, after=page["endCursor"]))[0] == ["acme"]


async def test_without_a_token_the_counts_answer_from_rest_and_the_graphql_fields_are_dropped(
    api: Execute, sync: Sync, sessionmaker: Maker
) -> None:
    """A run without a token keeps REST's follower counts and skips the stage with its line; what a run with a
    token synced (organizations, status, member counts) goes, since no sync would follow it any more, and so
    does the light row of the organization that is not configured."""
    assert (await sync()).succeeded
    summary = await sync(token=False)
    assert summary.succeeded and NO_TOKEN in summary.skipped
    data = await ok(api, PROFILE, {"login": "octocat"})
    assert data["user"] == {
        "followers": {"totalCount": 5},
        "following": {"totalCount": 2},
        "status": None,
        "organizations": {"totalCount": 0, "nodes": []},
    }
    assert data["organization"]["membersWithRole"] == {"totalCount": 0}
    async with sessionmaker() as session:
        assert await session.scalar(select(Contributor.id).where(Contributor.login_key == "outside-org")) is None


async def test_a_graphql_fault_leaves_the_synced_profile_whole(api: Execute, github: FakeGitHub, sync: Sync) -> None:
    """A run whose GraphQL document fails changes nothing the profile answers, and says so in syncStatus."""
    assert (await sync()).succeeded
    before = await ok(api, PROFILE, {"login": "octocat"})
    github.graphql.set_status("octocat")
    github.graphql.set_organizations("octocat", [])
    github.add_user("octocat", followers=50)
    github.graphql.fail_next(errors=[{"type": "INTERNAL", "message": "Something went wrong"}])
    summary = await sync()
    assert not summary.succeeded
    assert await ok(api, PROFILE, {"login": "octocat"}) == before
    status = await ok(api, "{ syncStatus { lastRun { status error } } }")
    assert status["syncStatus"]["lastRun"]["status"] == "FAILED"
    assert "Something went wrong" in status["syncStatus"]["lastRun"]["error"]


async def test_organizations_not_configured_appear_nowhere_else_and_hidden_repositories_never(
    api: Execute, sync: Sync, sessionmaker: Maker
) -> None:
    """The light row of an organization that is not configured answers inside User.organizations only: no
    lookup, node, contributor, listing or search finds it, and it owns nothing in the cache; a hidden
    repository of a configured organization stays out of its repositories reached through organizations."""
    assert (await sync()).succeeded
    async with sessionmaker.begin() as session:
        session.add(Showcase(key="acme/secret-plans", owner="acme", name="secret-plans", hidden=True))
    query = """{ user(login: "octocat") { organizations(first: 5) { nodes { id login
      repositories(first: 10) { totalCount nodes { name } } pinnedItems(first: 6) { totalCount } } } } }"""
    nodes = (await ok(api, query))["user"]["organizations"]["nodes"]
    assert [(node["login"], node["repositories"]) for node in nodes] == [
        ("outside-org", {"totalCount": 0, "nodes": []}),
        ("acme", {"totalCount": 1, "nodes": [{"name": "anvil"}]}),
    ]
    light_id = nodes[0]["id"]
    lookups = f"""{{ organization(login: "outside-org") {{ login }} repositoryOwner(login: "outside-org") {{ login }}
      node(id: "{light_id}") {{ id }} contributors(first: 100) {{ nodes {{ login }} }}
      repositories(first: 100) {{ nodes {{ owner {{ login }} }} }}
      search(type: REPOSITORY, query: "org:outside-org", first: 10) {{ repositoryCount }} }}"""
    result = await api(lookups)
    data = result["data"]
    assert data["organization"] is None and data["repositoryOwner"] is None and data["node"] is None
    assert "outside-org" not in {node["login"] for node in data["contributors"]["nodes"]}
    assert {node["owner"]["login"] for node in data["repositories"]["nodes"]} == {"octocat", "acme"}
    assert data["search"]["repositoryCount"] == 0
    contributor = await api('{ contributor(login: "outside-org") { login } }')
    assert contributor["data"]["contributor"] is None


async def test_the_demo_answers_every_profile_field(execute: Execute) -> None:
    """`serve --demo` shows followers/following, a status, the viewer's organizations (the configured one and
    one held as a light row) and the organization's member count."""
    query = """{ viewer { followers(first: 1) { totalCount } following(first: 1) { totalCount }
      status { emoji emojiHTML message indicatesLimitedAvailability user { login } organization { login } }
      organizations(first: 5) { totalCount nodes { login name membersWithRole(first: 1) { totalCount } } } }
      organization(login: "fictional-demo-labs") { websiteUrl description membersWithRole { totalCount } } }"""
    data = await ok(execute, query)
    viewer = data["viewer"]
    assert (viewer["followers"], viewer["following"]) == ({"totalCount": 128}, {"totalCount": 37})
    assert viewer["status"] == {
        "emoji": ":seedling:",
        "emojiHTML": '<div><g-emoji class="g-emoji" alias="seedling" '
        'fallback-src="https://github.githubassets.com/images/icons/emoji/unicode/1f331.png">🌱</g-emoji></div>',
        "message": "Tending the demo garden (fictional)",
        "indicatesLimitedAvailability": False,
        "user": {"login": "dana-demo-dev"},
        "organization": None,
    }
    assert viewer["organizations"] == {
        "totalCount": 2,
        "nodes": [
            {"login": "fictional-demo-labs", "name": "Demo Labs (fictional)", "membersWithRole": {"totalCount": 9}},
            {
                "login": "fictional-open-collective",
                "name": "Open Collective (fictional)",
                "membersWithRole": {"totalCount": 0},
            },
        ],
    }
    assert data["organization"] == {
        "websiteUrl": "https://demo-labs.example.org",
        "description": "A fictional organization in repofolio's demo data: small tools for small teams.",
        "membersWithRole": {"totalCount": 9},
    }
