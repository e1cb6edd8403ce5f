"""The GraphQL stage of a sync: owners' pins read from GitHub's GraphQL API (the fake runs GitHub's own schema),
applied with the run, skipped without a token, and every fault failing the run with the cache whole."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.data_version import read_data_version
from db.profiles import PinnedItem
from sync.console import format_summary
from sync.contributions import NO_TOKEN as NO_TOKEN_CONTRIBUTIONS
from sync.contributions import USERS
from sync.counts import NO_TOKEN as NO_TOKEN_COUNTS
from sync.errors import GraphQLFailed
from sync.github.client import GitHubClient
from sync.github.graphql import GraphQLClient, graphql_url, with_rate_limit
from sync.github.transport import create_http_client
from sync.profiles import BATCH, NO_TOKEN
from sync.refresh import SyncSummary, refresh
from sync.settings import SyncSettings
from tests.fakes.github import GITHUB_API, FakeGitHub
from tests.sync.conftest import TOKEN, Sleeps, dump

Maker = async_sessionmaker[AsyncSession]
OWNER = '{ repositoryOwner(login: "octocat") { login } }'
TABLES = ("contributor", "repository", "pinned_item", "organization_membership", "owner_status")


@pytest.fixture
def token_settings() -> SyncSettings:
    return SyncSettings(github_api_url=GITHUB_API, github_owners="octocat,acme", github_token=TOKEN, retry_backoff=0)


@pytest.fixture
async def token_http(fake: FakeGitHub, token_settings: SyncSettings) -> AsyncIterator[httpx.AsyncClient]:
    async with create_http_client(token_settings, transport=httpx.MockTransport(fake.handle)) as client:
        yield client


async def sync(sessionmaker: Maker, http: httpx.AsyncClient, settings: SyncSettings) -> SyncSummary:
    return await refresh(sessionmaker, GitHubClient(http, settings, sleep=Sleeps()), settings, trigger="CLI")


async def stored_pins(sessionmaker: Maker, fake: FakeGitHub) -> dict[str, list[str]]:
    """login -> pinned repositories' full names, in stored order."""
    names = {repo.id: repo.full_name for repo in fake.repos_by_id.values()}
    logins = {account.id: account.login for account in fake.accounts.values()}
    async with sessionmaker() as session:
        rows = await session.execute(
            select(PinnedItem.owner_id, PinnedItem.repository_id).order_by(PinnedItem.owner_id, PinnedItem.position)
        )
        found: dict[str, list[str]] = {}
        for owner_id, repository_id in rows:
            found.setdefault(logins[owner_id], []).append(names[repository_id])
    return found


def served_pins(fake: FakeGitHub, login: str) -> list[str]:
    """What the fake's GraphQL endpoint answers for the owner's pinned repositories, in its order."""
    request = httpx.Request(
        "POST",
        f"{GITHUB_API}/graphql",
        headers={"Authorization": f"Bearer {TOKEN}"},
        json={
            "query": "query($l: String!) { user: repositoryOwner(login: $l) { ... on ProfileOwner { "
            "pinnedItems(first: 6) { nodes { ... on Repository { nameWithOwner } } } } } }",
            "variables": {"l": login},
        },
    )
    nodes = fake.handle(request).json()["data"]["user"]["pinnedItems"]["nodes"]
    return [node["nameWithOwner"] for node in nodes if node]


def pins_documents(fake: FakeGitHub) -> int:
    """How many documents the pins and profiles stage sent (the contributions and counts stages send their own)."""
    return sum("query Profiles(" in document["query"] for document in fake.graphql.documents)


def test_the_graphql_endpoint_is_derived_from_the_rest_api_url() -> None:
    """<api>/graphql, and for GitHub Enterprise Server's <host>/api/v3 the <host>/api/graphql it serves."""
    assert graphql_url("https://api.github.com") == "https://api.github.com/graphql"
    assert graphql_url("https://ghe.example.com/api/v3/") == "https://ghe.example.com/api/graphql"
    assert graphql_url("http://127.0.0.1:8080/prefix") == "http://127.0.0.1:8080/prefix/graphql"


def test_every_document_asks_for_its_cost_in_its_one_operation() -> None:
    document = with_rate_limit("query Pins($a: String!) { a: user(login: $a) { login } }\nfragment f on User { id }")
    assert "repofolioRateLimit: rateLimit { cost remaining resetAt limit }\n}\nfragment f on User { id }" in document


async def test_pins_are_synced_in_githubs_order_and_follow_changes_on_github(
    sessionmaker: Maker, fake: FakeGitHub, token_http: httpx.AsyncClient, token_settings: SyncSettings
) -> None:
    """The cache holds each owner's pins as GitHub serves them, less the ones it does not hold (a gist, a private
    repository, another owner's); reordering and unpinning on GitHub reach the cache at the next sync."""
    fake.add_repo("stranger", "elsewhere")
    fake.graphql.set_pins(
        "octocat",
        ["octocat/old", "gist:notes", "acme/anvil", "octocat/secret-plans", "stranger/elsewhere", "octocat/hello"],
    )
    fake.graphql.set_pins("acme", ["acme/anvil"])

    first = await sync(sessionmaker, token_http, token_settings)

    assert first.succeeded, first.error
    assert first.skipped == () and first.graphql_points == 3  # the profiles' document, the contributions', the counts'
    assert pins_documents(fake) == 1  # both owners in one document
    expected = [name for name in served_pins(fake, "octocat") if name in ("octocat/old", "acme/anvil", "octocat/hello")]
    assert expected == ["octocat/old", "acme/anvil", "octocat/hello"]
    assert await stored_pins(sessionmaker, fake) == {"octocat": expected, "acme": ["acme/anvil"]}

    async with sessionmaker() as session:
        version = await read_data_version(session)
    fake.graphql.set_pins("octocat", ["octocat/hello", "octocat/old"])
    fake.graphql.set_pins("acme", [])
    second = await sync(sessionmaker, token_http, token_settings)

    assert second.succeeded and second.data_changed
    assert await stored_pins(sessionmaker, fake) == {"octocat": ["octocat/hello", "octocat/old"]}
    async with sessionmaker() as session:
        assert await read_data_version(session) == version + 1

    unchanged = await sync(sessionmaker, token_http, token_settings)
    assert unchanged.succeeded and not unchanged.data_changed


async def test_without_a_token_the_stage_is_skipped_with_one_line_and_the_run_succeeds(
    sessionmaker: Maker, fake: FakeGitHub, http: httpx.AsyncClient, settings: SyncSettings
) -> None:
    fake.graphql.set_pins("octocat", ["octocat/hello"])
    summary = await sync(sessionmaker, http, settings)

    assert summary.succeeded, summary.error
    assert summary.skipped == (NO_TOKEN, NO_TOKEN_CONTRIBUTIONS, NO_TOKEN_COUNTS)
    assert fake.count("/graphql") == 0
    assert await stored_pins(sessionmaker, fake) == {}
    lines = format_summary(summary).splitlines()
    assert [line.strip() for line in lines if "GraphQL" in line] == [NO_TOKEN, NO_TOKEN_CONTRIBUTIONS]


async def test_pins_synced_with_a_token_are_dropped_by_a_run_without_one(
    sessionmaker: Maker,
    fake: FakeGitHub,
    token_http: httpx.AsyncClient,
    token_settings: SyncSettings,
    http: httpx.AsyncClient,
    settings: SyncSettings,
) -> None:
    """Without a token no sync follows the pins any more: they go, and pinnedItems answers the curated list."""
    fake.graphql.set_pins("octocat", ["octocat/hello"])
    assert (await sync(sessionmaker, token_http, token_settings)).succeeded
    assert await stored_pins(sessionmaker, fake) == {"octocat": ["octocat/hello"]}
    summary = await sync(sessionmaker, http, settings)
    assert (
        summary.succeeded
        and summary.data_changed
        and summary.skipped == (NO_TOKEN, NO_TOKEN_CONTRIBUTIONS, NO_TOKEN_COUNTS)
    )
    assert await stored_pins(sessionmaker, fake) == {}


async def test_profile_fields_move_the_data_version_only_when_they_change_on_github(
    sessionmaker: Maker, fake: FakeGitHub, token_http: httpx.AsyncClient, token_settings: SyncSettings
) -> None:
    """A sync that finds the status, the organizations and the counts as they were changes nothing (response
    caches stay valid); a status set, an organization joined or a follower gained alone is a change."""
    fake.graphql.set_organizations("octocat", ["acme"])
    assert (await sync(sessionmaker, token_http, token_settings)).succeeded
    assert not (await sync(sessionmaker, token_http, token_settings)).data_changed
    for change in (
        lambda: fake.graphql.set_status("octocat", message="Travelling", limited=True),
        lambda: fake.graphql.set_organizations("octocat", ["acme", "outside"]),
        lambda: fake.add_user("octocat", followers=3),
    ):
        change()
        assert (await sync(sessionmaker, token_http, token_settings)).data_changed
        assert not (await sync(sessionmaker, token_http, token_settings)).data_changed
    stored = await dump(sessionmaker, ("organization_membership", "owner_status"))
    assert [row[1] for row in stored["organization_membership"]] == [0, 1]  # (user_id, position, organization_id)
    assert [row[3] for row in stored["owner_status"]] == ["Travelling"]  # (owner_id, emoji, emoji_html, message, ...)


@pytest.mark.parametrize(
    ("failure", "reason"),
    [
        ({"status": 502, "n": 4}, "GitHub answered 502 for /graphql after 4 attempts"),
        (
            {
                "errors": [
                    {"type": "SERVICE_UNAVAILABLE", "message": "Something went wrong while executing your query."}
                ]
            },
            "GitHub's GraphQL API answered SERVICE_UNAVAILABLE for /graphql: Something went wrong",
        ),
        ({"status": 401}, "GitHub refused the token for /graphql: 401 Bad credentials; check REPOFOLIO_GITHUB_TOKEN"),
        (
            {"errors": [{"type": "INSUFFICIENT_SCOPES", "message": "Your token has not been granted the scopes."}]},
            "GitHub refused the token for /graphql: Your token has not been granted the scopes.; check REPOFOLIO_",
        ),
    ],
)
async def test_a_graphql_fault_fails_the_run_with_one_line_and_the_previous_cache_whole(
    sessionmaker: Maker,
    fake: FakeGitHub,
    token_http: httpx.AsyncClient,
    token_settings: SyncSettings,
    failure: dict[str, Any],
    reason: str,
) -> None:
    fake.graphql.set_pins("octocat", ["octocat/hello", "octocat/old"])
    fake.graphql.set_status("octocat", emoji=":dart:", message="Focusing")
    fake.graphql.set_organizations("octocat", ["acme", "outside"])
    assert (await sync(sessionmaker, token_http, token_settings)).succeeded
    before = await dump(sessionmaker, TABLES)
    fake.graphql.set_pins("octocat", ["octocat/old"])
    fake.graphql.set_status("octocat")
    fake.graphql.set_organizations("octocat", [])
    fake.set_repo("octocat", "hello", stargazers=99)  # a REST change, read before the stage fails
    fake.add_user("octocat", followers=12)
    fake.graphql.fail_next(**failure)

    summary = await sync(sessionmaker, token_http, token_settings)

    assert not summary.succeeded
    assert summary.error is not None and summary.error.startswith(reason) and "\n" not in summary.error
    assert TOKEN not in summary.error
    assert await dump(sessionmaker, TABLES) == before


async def test_a_spent_graphql_budget_fails_the_run_with_its_reset_time(
    sessionmaker: Maker, fake: FakeGitHub, token_http: httpx.AsyncClient, token_settings: SyncSettings
) -> None:
    fake.graphql.bucket.remaining = 0
    summary = await sync(sessionmaker, token_http, token_settings)
    assert not summary.succeeded and summary.error is not None and summary.error.startswith("GitHub rate limit spent")
    assert summary.retry_at is not None and int(summary.retry_at.timestamp()) == fake.graphql.bucket.reset_at
    assert await stored_pins(sessionmaker, fake) == {}


async def test_the_cost_each_answer_reports_is_kept_and_a_budget_at_the_reserve_sends_nothing(
    fake: FakeGitHub,
) -> None:
    """rateLimit.cost adds up in the GraphQL stats; once the points left reach the reserve, no request goes."""
    settings = SyncSettings(github_api_url=GITHUB_API, github_token=TOKEN, rate_limit_reserve=4997)
    fake.graphql.cost = 2
    async with create_http_client(settings, transport=httpx.MockTransport(fake.handle)) as http:
        client = GraphQLClient(http, settings)
        await client.query(OWNER)
        assert (client.stats.cost, client.stats.rate_limit and client.stats.rate_limit.remaining) == (2, 4998)
        await client.query(OWNER)
        with pytest.raises(Exception, match="GitHub rate limit spent"):
            await client.query(OWNER)
    assert fake.count("/graphql") == 2


async def test_owners_are_batched_into_as_few_documents_as_fit(
    sessionmaker: Maker, fake: FakeGitHub, token_http: httpx.AsyncClient
) -> None:
    logins = [f"user{i:02d}" for i in range(BATCH + 1)]
    for login in logins:
        fake.add_user(login)
    fake.add_repo("user07", "seven")
    fake.graphql.set_pins("user07", ["user07/seven"])
    settings = SyncSettings(github_api_url=GITHUB_API, github_owners=",".join(logins), github_token=TOKEN)

    summary = await sync(sessionmaker, token_http, settings)

    assert summary.succeeded, summary.error
    contribution_documents = -(-len(logins) // USERS)
    # and one document of counts for the one repository (sync/counts.py)
    assert pins_documents(fake) == 2 and summary.graphql_points == 2 + contribution_documents + 1
    assert await stored_pins(sessionmaker, fake) == {"user07": ["user07/seven"]}


async def test_on_github_enterprise_server_the_document_goes_to_its_api_graphql_with_the_token() -> None:
    seen: list[tuple[str, str | None]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append((str(request.url), request.headers.get("Authorization")))
        rate = {"cost": 1, "remaining": 4999, "resetAt": "2100-01-01T00:00:00Z", "limit": 5000}
        return httpx.Response(200, json={"data": {"repositoryOwner": None, "repofolioRateLimit": rate}})

    settings = SyncSettings(github_api_url="https://ghe.example.com/api/v3", github_token=TOKEN)
    async with create_http_client(settings, transport=httpx.MockTransport(answer)) as http:
        answer_data = (await GraphQLClient(http, settings).query(OWNER)).data
    assert answer_data == {"repositoryOwner": None}
    assert seen == [("https://ghe.example.com/api/graphql", f"Bearer {TOKEN}")]


async def test_an_answer_with_errors_still_counts_what_it_cost() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        rate = {"cost": 3, "remaining": 4990, "resetAt": "2100-01-01T00:00:00Z", "limit": 5000}
        body = {"data": {"repositoryOwner": None, "repofolioRateLimit": rate}, "errors": [{"type": "TIMEOUT"}]}
        return httpx.Response(200, json=body)

    settings = SyncSettings(github_api_url=GITHUB_API, github_token=TOKEN)
    async with create_http_client(settings, transport=httpx.MockTransport(answer)) as http:
        client = GraphQLClient(http, settings)
        with pytest.raises(GraphQLFailed, match="answered TIMEOUT for /graphql"):
            await client.query(OWNER)
    assert client.stats.cost == 3 and client.stats.rate_limit is not None and client.stats.rate_limit.remaining == 4990
