"""Issue and pull-request counts (issue 13): exact by state from GitHub's GraphQL API with a token, every run
(an issue opened changes no push date); without a token the open ones from REST, for new, pushed or changed
repositories; a fault fails the run with the cache whole."""

import itertools
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.data_version import read_data_version
from graph.schema.query import create_schema
from sync.counts import BATCH, NO_TOKEN
from sync.github.client import GitHubClient
from sync.github.transport import create_http_client
from sync.refresh import SyncSummary, refresh
from sync.settings import SyncSettings
from tests.fakes.github import GITHUB_API, FakeGitHub
from tests.fakes.state import FakeRepo
from tests.graph.conftest import make_execute, ok
from tests.sync.conftest import TOKEN, SyncOnce, dump

Maker = async_sessionmaker[AsyncSession]
COUNTS = {
    ("octocat", "hello"): ({"OPEN": 3, "CLOSED": 11}, {"OPEN": 2, "CLOSED": 1, "MERGED": 17}),
    ("octocat", "fork"): ({}, {"MERGED": 1}),
    ("octocat", "old"): ({"CLOSED": 4}, {"CLOSED": 2, "MERGED": 5}),
    ("acme", "anvil"): ({"OPEN": 120}, {"OPEN": 101, "MERGED": 3}),  # two pages of open pull requests
}
ISSUE_STATES = ("OPEN", "CLOSED")
PULL_STATES = ("OPEN", "CLOSED", "MERGED")


def combinations(states: tuple[str, ...]) -> list[tuple[str, ...]]:
    return [c for n in range(1, len(states) + 1) for c in itertools.combinations(states, n)]


def counts_query(issue_sets: list[tuple[str, ...]], pull_sets: list[tuple[str, ...]], *, every: bool = True) -> str:
    """Every repository of an owner, with one aliased totalCount per set of states (and without states)."""
    issues = " ".join(f"i{i}: issues(states: [{', '.join(s)}]) {{ totalCount }}" for i, s in enumerate(issue_sets))
    pulls = " ".join(f"p{i}: pullRequests(states: [{', '.join(s)}]) {{ totalCount }}" for i, s in enumerate(pull_sets))
    defaults = "allIssues: issues { totalCount } allPulls: pullRequests { totalCount }" if every else ""
    return (
        "query($login: String!) { repositoryOwner(login: $login) { repositories(first: 100) { nodes {"
        f" nameWithOwner {issues} {pulls} {defaults} }} }} }} }}"
    )


def expected(repo: FakeRepo, issue_sets: list[tuple[str, ...]], pull_sets: list[tuple[str, ...]]) -> dict[str, Any]:
    found: dict[str, Any] = {"nameWithOwner": repo.full_name}
    for i, states in enumerate(issue_sets):
        found[f"i{i}"] = {"totalCount": sum(repo.issue_counts[s] for s in states)}
    for i, states in enumerate(pull_sets):
        found[f"p{i}"] = {"totalCount": sum(repo.pull_counts[s] for s in states)}
    found["allIssues"] = {"totalCount": sum(repo.issue_counts.values())}
    found["allPulls"] = {"totalCount": sum(repo.pull_counts.values())}
    return found


@pytest.fixture
def counted(fake: FakeGitHub) -> FakeGitHub:
    for (owner, name), (issues, pulls) in COUNTS.items():
        fake.set_counts(owner, name, issues=issues, pulls=pulls)
    return fake


@pytest.fixture
def with_token(sessionmaker: Maker, counted: FakeGitHub) -> SyncOnce:
    settings = SyncSettings(github_owners="octocat,acme", github_token=TOKEN, github_api_url=GITHUB_API)

    async def run(handle: Callable[[httpx.Request], httpx.Response] = counted.handle, **kwargs: Any) -> SyncSummary:
        async with create_http_client(settings, transport=httpx.MockTransport(handle)) as http:
            return await refresh(sessionmaker, GitHubClient(http, settings), settings, trigger="CLI", **kwargs)

    return run


async def served(sessionmaker: Maker, reads: Maker, login: str, query: str) -> dict[str, Any]:
    data = await ok(make_execute(create_schema(), sessionmaker, reads), query, {"login": login})
    return {node["nameWithOwner"]: node for node in data["repositoryOwner"]["repositories"]["nodes"]}


async def test_with_a_token_every_repository_answers_its_counts_for_every_combination_of_states(
    with_token: SyncOnce, sessionmaker: Maker, reads: Maker, counted: FakeGitHub
) -> None:
    """issues(states:) and pullRequests(states:) totalCount equal the fake's sums for each set of states (and
    for none: every state), whatever REST's open_issues_count mixes together."""
    summary = await with_token()
    assert summary.succeeded and summary.skipped == ()
    issue_sets, pull_sets = combinations(ISSUE_STATES), combinations(PULL_STATES)
    query = counts_query(issue_sets, pull_sets)
    for login in ("octocat", "acme"):
        nodes = await served(sessionmaker, reads, login, query)
        held = [r for r in counted.repos_by_id.values() if r.owner.login == login and not r.private]
        assert nodes == {repo.full_name: expected(repo, issue_sets, pull_sets) for repo in held}
    assert counted.repo("acme", "anvil").open_issues == 221  # REST's mix, which the API never answers


async def test_with_a_token_an_issue_opened_without_a_push_is_followed_and_a_no_change_sync_costs_two_documents(
    with_token: SyncOnce, sessionmaker: Maker, reads: Maker, counted: FakeGitHub
) -> None:
    """Counts change without a push, so every run asks: one GraphQL document for up to BATCH repositories
    (1 point on the fake, as on GitHub for a portfolio), beside the profiles' and the contributions' ones, and
    no REST request more."""
    assert (await with_token()).succeeded
    counted.reset_log()
    quiet = await with_token()
    assert quiet.succeeded and not quiet.data_changed
    # 2 profiles, 2 listings, 4 repository GETs (watchers), 4 release lists and the user's public organizations:
    # 304s, as before counts; then the profiles' document, the contributions' and the counts'.
    assert (quiet.github_requests, quiet.not_modified, quiet.graphql_points) == (16, 13, 3)
    assert counted.count("/graphql") == 3
    assert not [call for call in counted.requests if call.path.endswith("/pulls")]
    async with sessionmaker() as session:
        version = await read_data_version(session)

    counted.set_counts("octocat", "hello", issues={"OPEN": 4, "CLOSED": 11})  # opened: no push, no new ETag
    counted.set_counts("acme", "anvil", pulls={"OPEN": 100, "MERGED": 4})  # one merged
    followed = await with_token()

    assert followed.succeeded and followed.data_changed
    query = counts_query([("OPEN",)], [("OPEN",), ("MERGED",)])
    assert (await served(sessionmaker, reads, "octocat", query))["octocat/hello"]["i0"] == {"totalCount": 4}
    anvil = (await served(sessionmaker, reads, "acme", query))["acme/anvil"]
    assert (anvil["p0"], anvil["p1"]) == ({"totalCount": 100}, {"totalCount": 4})
    async with sessionmaker() as session:
        assert await read_data_version(session) == version + 1


async def test_repositories_are_asked_in_documents_of_batch_repositories(
    with_token: SyncOnce, sessionmaker: Maker, reads: Maker, counted: FakeGitHub
) -> None:
    """BATCH + 5 repositories of one owner take two count documents, and each repository its own counts."""
    for i in range(BATCH + 1):
        counted.add_repo("octocat", f"many-{i:03d}")
        counted.set_counts("octocat", f"many-{i:03d}", issues={"OPEN": i, "CLOSED": 2 * i}, pulls={"MERGED": i % 3})
    assert (await with_token()).succeeded
    documents = [d for d in counted.graphql.documents if "query Counts" in d["query"]]
    assert [len(d["variables"]) // 2 for d in documents] == [BATCH, 5]
    nodes = await served(sessionmaker, reads, "octocat", counts_query([("OPEN",), ("CLOSED",)], [("MERGED",)]))
    assert nodes["octocat/many-049"] == {
        "nameWithOwner": "octocat/many-049",
        "i0": {"totalCount": 49},
        "i1": {"totalCount": 98},
        "p0": {"totalCount": 1},
        "allIssues": {"totalCount": 147},
        "allPulls": {"totalCount": 1},
    }


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 502, "n": 4},
        {"errors": [{"type": "SERVICE_UNAVAILABLE", "message": "Something went wrong while executing your query."}]},
        {"status": 403, "errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded for user ID 1."}]},
    ],
)
async def test_a_fault_of_the_count_document_fails_the_run_and_keeps_the_previous_counts(
    with_token: SyncOnce, sessionmaker: Maker, counted: FakeGitHub, failure: dict[str, Any]
) -> None:
    """The counts are read before anything is applied: a 5xx, an error in the answer or a spent budget fails
    the run with one line, and every row (the REST change read before the fault too) stays as it was."""
    assert (await with_token()).succeeded
    before = await dump(sessionmaker)
    counted.set_counts("octocat", "hello", issues={"OPEN": 9})
    counted.set_repo("octocat", "hello", stargazers=99)
    queued: list[bool] = []

    def handle(request: httpx.Request) -> httpx.Response:
        if b"query Counts" in request.content and not queued:  # the pins' document goes through
            queued.append(True)
            counted.graphql.fail_next(**failure)
        return counted.handle(request)

    summary = await with_token(handle)

    assert not summary.succeeded and summary.error is not None and "\n" not in summary.error
    assert await dump(sessionmaker) == before


async def test_without_a_token_the_open_counts_are_exact_and_closed_ones_are_a_clear_error(
    sync_once: SyncOnce, sessionmaker: Maker, reads: Maker, counted: FakeGitHub
) -> None:
    """REST's open_issues_count split by the open pull-request list (two pages for 101): open issues and open
    pull requests exact; closed and merged unknown, so asking for them is an error naming the token."""
    summary = await sync_once()
    assert summary.succeeded and NO_TOKEN in summary.skipped
    nodes = await served(sessionmaker, reads, "acme", counts_query([("OPEN",)], [("OPEN",)], every=False))
    assert nodes == {
        "acme/anvil": {"nameWithOwner": "acme/anvil", "i0": {"totalCount": 120}, "p0": {"totalCount": 101}}
    }
    assert counted.count("/repos/acme/anvil/pulls") == 2
    execute = make_execute(create_schema(), sessionmaker, reads)
    result = await execute(
        '{ repository(owner: "acme", name: "anvil") { pullRequests(states: MERGED) { totalCount } } }'
    )
    assert result["data"] == {"repository": None}
    assert [(e["message"], e["extensions"]["code"]) for e in result["errors"]] == [
        (
            "Pull-request counts of acme/anvil are not in the cache: closed issues and closed or merged pull "
            "requests are synced with a token (REPOFOLIO_GITHUB_TOKEN), open ones by any sync since the upgrade.",
            "NOT_SYNCED",
        )
    ]


async def test_without_a_token_counts_are_asked_again_only_when_open_issues_count_moves_or_on_a_push(
    sync_once: SyncOnce, sessionmaker: Maker, reads: Maker, counted: FakeGitHub
) -> None:
    """A no-change run asks no pull-request list (60 requests an hour); an issue opened moves the listing's
    open_issues_count, so that repository alone is asked again on the next run."""
    assert (await sync_once()).succeeded
    counted.reset_log()
    quiet = await sync_once()
    assert quiet.succeeded and quiet.github_requests == 4  # profiles and listings only, as before counts
    counted.set_counts("octocat", "hello", issues={"OPEN": 5, "CLOSED": 11})
    counted.reset_log()

    followed = await sync_once()

    assert followed.succeeded and followed.data_changed
    assert [call.path for call in counted.requests if call.path.endswith("/pulls")] == ["/repos/octocat/hello/pulls"]
    query = counts_query([("OPEN",)], [("OPEN",)], every=False)
    assert (await served(sessionmaker, reads, "octocat", query))["octocat/hello"] == {
        "nameWithOwner": "octocat/hello",
        "i0": {"totalCount": 5},
        "p0": {"totalCount": 2},
    }
