"""User.contributionsCollection as GitHub answers it: the same document sent to the fake GitHub and to repofolio
after a sync gets the same answer, for GitHub's default window and for calendar years, on both engines."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
import strawberry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.showcase import Showcase
from graph.demo import contributions as demo_contributions
from graph.demo.generator import generate
from graph.demo.load import load_rows
from sync.github.client import GitHubClient
from sync.github.transport import create_http_client
from sync.refresh import SyncSummary, refresh
from sync.settings import SyncSettings
from tests.fakes.contributions import SPAN_ERROR
from tests.fakes.github import GITHUB_API, FakeGitHub
from tests.graph.conftest import Database, Execute, make_execute, ok
from tests.sync.conftest import TOKEN, Sleeps

NOW = datetime(2026, 6, 15, 12, 30, tzinfo=UTC)  # the fake GitHub's clock
COLLECTION = """query($from: DateTime, $to: DateTime) { user(login: "octocat") {
  contributionsCollection(from: $from, to: $to) {
    startedAt endedAt contributionYears hasAnyContributions restrictedContributionsCount
    totalCommitContributions totalIssueContributions totalPullRequestContributions
    totalPullRequestReviewContributions totalRepositoryContributions totalRepositoriesWithContributedCommits
    contributionCalendar { totalContributions colors isHalloween months { name year firstDay totalWeeks }
      weeks { firstDay contributionDays { date weekday contributionCount contributionLevel color } } }
    commitContributionsByRepository(maxRepositories: 10) { repository { nameWithOwner }
      contributions(first: 5) { totalCount nodes { commitCount occurredAt } } }
  } } }"""
CALENDAR = """query($from: DateTime, $to: DateTime) { user(login: "octocat") {
  contributionsCollection(from: $from, to: $to) { startedAt endedAt
    contributionCalendar { weeks { firstDay contributionDays { date weekday contributionCount } } } } } }"""


def counts(first: date, last: date, seed: int) -> dict[date, int]:
    """A deterministic, uneven calendar: most days a few contributions, some none, a busy day now and then."""
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return {day: (day.toordinal() * seed) % 7 + (9 if day.toordinal() % 29 == 0 else 0) for day in days}


@pytest.fixture
def github() -> FakeGitHub:
    fake = FakeGitHub(clock=NOW.timestamp)
    fake.add_user("octocat", name="The Octocat")
    fake.add_org("acme")
    for name in ("hello", "world", "secret"):
        fake.add_repo("octocat", name, private=name == "secret")
    fake.add_repo("acme", "anvil")
    fake.add_repo("stranger", "elsewhere")
    days = counts(date(2024, 3, 1), date(2026, 6, 15), 3)
    fake.graphql.set_contributions(
        "octocat",
        days,
        commits_by_repo={
            "octocat/hello": {day: n for day, n in days.items() if n % 2},
            "acme/anvil": {day: 1 for day, n in days.items() if n == 6},
            "octocat/secret": {day: 2 for day in days if day.day == 1},
            "stranger/elsewhere": {day: 1 for day in days if day.day == 2},
        },
        issues={date(2025, 9, 1): 2, date(2026, 2, 3): 1},
        pull_requests={date(2026, 1, 5): 3},
        reviews={date(2025, 12, 24): 1},
        repositories={date(2024, 4, 1): 1},
    )
    return fake


def answer(github: FakeGitHub, query: str, variables: dict[str, Any]) -> Any:
    """The fake GitHub's whole answer to the document."""
    request = httpx.Request(
        "POST",
        f"{GITHUB_API}/graphql",
        headers={"Authorization": f"Bearer {TOKEN}"},
        json={"query": query, "variables": variables},
    )
    return httpx.Response(200, content=github.handle(request).content).json()


def served(github: FakeGitHub, query: str, variables: dict[str, Any]) -> Any:
    """The fake GitHub's data for the document, which it answers without errors."""
    body = answer(github, query, variables)
    assert "errors" not in body, body["errors"]
    return body["data"]


def cached_only(data: Any) -> Any:
    """GitHub's answer less the commits to repositories the cache does not hold (private, another owner's)."""
    collection = data["user"]["contributionsCollection"]
    collection["commitContributionsByRepository"] = [
        entry
        for entry in collection["commitContributionsByRepository"]
        if entry["repository"]["nameWithOwner"] in ("octocat/hello", "octocat/world", "acme/anvil")
    ]
    return data


@pytest.fixture
def api(
    schema: strawberry.Schema, sessionmaker: async_sessionmaker[AsyncSession], reads: async_sessionmaker[AsyncSession]
) -> Execute:
    return make_execute(schema, sessionmaker, reads)


async def sync(
    sessionmaker: async_sessionmaker[AsyncSession], github: FakeGitHub, handle: Any = None, *, succeeds: bool = True
) -> SyncSummary:
    settings = SyncSettings(github_api_url=GITHUB_API, github_owners="octocat,acme", github_token=TOKEN)
    async with create_http_client(settings, transport=httpx.MockTransport(handle or github.handle)) as http:
        summary = await refresh(sessionmaker, GitHubClient(http, settings, sleep=Sleeps()), settings, trigger="CLI")
    assert summary.succeeded is succeeds, summary.error
    return summary


YEARS = [("2024-01-01T00:00:00Z", "2024-12-31T23:59:59Z"), ("2025-01-01T00:00:00Z", "2025-12-31T23:59:59Z")]


async def test_the_default_window_and_each_year_answer_every_day_and_total_as_github_serves_them(
    api: Execute, sessionmaker: async_sessionmaker[AsyncSession], github: FakeGitHub
) -> None:
    """No arguments: GitHub's default window as of the sync, with its startedAt/endedAt; the per-year queries
    sites send answer from the cache too; every calendar square, month, total and commit list is GitHub's."""
    await sync(sessionmaker, github)
    for start, end in [(None, None), *YEARS, ("2026-01-01T00:00:00Z", "2026-12-31T23:59:59Z")]:
        variables = {"from": start, "to": end}
        expected = cached_only(served(github, COLLECTION, variables))
        assert expected["user"]["contributionsCollection"]["commitContributionsByRepository"]
        assert await ok(api, COLLECTION, variables) == expected, variables
    window = (await ok(api, COLLECTION))["user"]["contributionsCollection"]
    assert (window["startedAt"], window["endedAt"]) == ("2025-06-15T12:30:00Z", "2026-06-15T12:30:00Z")
    assert window["contributionYears"] == [2026, 2025, 2024]


async def test_a_day_changed_on_github_changes_the_calendar_and_the_totals_after_the_next_sync(
    api: Execute, sessionmaker: async_sessionmaker[AsyncSession], github: FakeGitHub
) -> None:
    await sync(sessionmaker, github)
    before = await ok(api, COLLECTION)
    version = (await ok(api, "{ syncStatus { dataVersion } }"))["syncStatus"]["dataVersion"]
    calendar = github.graphql.calendars["octocat"]
    calendar.days[date(2026, 6, 10)] = 40
    calendar.commits_by_repo["octocat/world"] = {date(2026, 6, 10): 30}
    await sync(sessionmaker, github)
    after = await ok(api, COLLECTION)
    assert after == cached_only(served(github, COLLECTION, {})) != before
    collection = after["user"]["contributionsCollection"]
    square = next(
        day for week in collection["contributionCalendar"]["weeks"] for day in week["contributionDays"]
        if day["date"] == "2026-06-10"
    )  # fmt: skip
    assert (square["contributionCount"], square["contributionLevel"]) == (40, "FOURTH_QUARTILE")
    repositories = [entry["repository"] for entry in collection["commitContributionsByRepository"]]
    assert {"nameWithOwner": "octocat/world"} in repositories
    changed = (await ok(api, "{ syncStatus { dataVersion } }"))["syncStatus"]["dataVersion"]
    assert changed != version
    await sync(sessionmaker, github)  # nothing changed on GitHub: nor does the data version
    assert (await ok(api, "{ syncStatus { dataVersion } }"))["syncStatus"]["dataVersion"] == changed


async def test_another_span_answers_its_calendar_from_the_stored_days_and_names_itself_for_the_totals(
    api: Execute, sessionmaker: async_sessionmaker[AsyncSession], github: FakeGitHub
) -> None:
    """A span the sync did not store (here three months of 2025) gets GitHub's squares, counted from the stored
    days; its totals, which GitHub computes for the exact span, are an error naming the span."""
    await sync(sessionmaker, github)
    variables = {"from": "2025-03-01T00:00:00Z", "to": "2025-05-31T23:59:59Z"}
    assert await ok(api, CALENDAR, variables) == served(github, CALENDAR, variables)
    result = await api(
        'query($from: DateTime) { user(login: "octocat") { contributionsCollection(from: $from, '
        'to: "2025-05-31T23:59:59Z") { totalCommitContributions } } }',
        variables,
    )
    assert result["data"] == {"user": None}
    assert "not from 2025-03-01T00:00:00Z to 2025-05-31T23:59:59Z" in result["errors"][0]["message"]
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_span_over_one_year_is_githubs_error(
    api: Execute, sessionmaker: async_sessionmaker[AsyncSession], github: FakeGitHub
) -> None:
    await sync(sessionmaker, github)
    variables = {"from": "2024-01-01T00:00:00Z", "to": "2025-01-01T00:00:01Z"}
    github_error = answer(github, CALENDAR, variables)["errors"][0]["message"]
    result = await api(CALENDAR, variables)
    assert result["data"] == {"user": None}
    assert result["errors"][0]["message"] == github_error == SPAN_ERROR
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    leap = {"from": "2024-01-01T00:00:00Z", "to": "2024-12-31T23:59:59Z"}  # 366 days: still one year
    assert "errors" not in await api(CALENDAR, leap)


async def test_hidden_repositories_never_appear_in_the_commits_by_repository(
    api: Execute, sessionmaker: async_sessionmaker[AsyncSession], github: FakeGitHub
) -> None:
    await sync(sessionmaker, github)
    async with sessionmaker.begin() as session:
        session.add(Showcase(key="octocat/hello", owner="octocat", name="hello", featured=False, hidden=True))
    data = await ok(api, COLLECTION)
    names = [
        entry["repository"]["nameWithOwner"]
        for entry in data["user"]["contributionsCollection"]["commitContributionsByRepository"]
    ]
    assert names == ["acme/anvil"]


async def test_without_a_synced_window_the_field_says_a_token_is_needed(
    api: Execute, sessionmaker: async_sessionmaker[AsyncSession], github: FakeGitHub
) -> None:
    settings = SyncSettings(github_api_url=GITHUB_API, github_owners="octocat")
    async with create_http_client(settings, transport=httpx.MockTransport(github.handle)) as http:
        summary = await refresh(sessionmaker, GitHubClient(http, settings, sleep=Sleeps()), settings, trigger="CLI")
    assert summary.succeeded
    result = await api(CALENDAR, {})
    assert result["data"] == {"user": None}
    assert "REPOFOLIO_GITHUB_TOKEN" in result["errors"][0]["message"]


DEMO = """{ viewer { contributionsCollection { startedAt endedAt contributionYears hasAnyContributions
  totalCommitContributions totalIssueContributions totalPullRequestContributions totalPullRequestReviewContributions
  totalRepositoryContributions totalRepositoriesWithContributedCommits restrictedContributionsCount
  contributionCalendar { totalContributions colors isHalloween months { name year firstDay totalWeeks }
    weeks { firstDay contributionDays { date weekday contributionCount contributionLevel color } } }
  commitContributionsByRepository(maxRepositories: 3) { repository { nameWithOwner }
    contributions(first: 2) { totalCount nodes { commitCount occurredAt } } } }
  year: contributionsCollection(from: "2024-01-01T00:00:00Z", to: "2024-12-31T23:59:59Z") {
    startedAt totalCommitContributions contributionCalendar { totalContributions } } } }"""


async def test_the_demo_viewer_has_a_year_of_contributions_and_its_past_years(execute: Execute) -> None:
    data = (await ok(execute, DEMO))["viewer"]
    collection, year = data["contributionsCollection"], data["year"]
    assert (collection["startedAt"], collection["endedAt"]) == ("2024-06-30T12:00:00Z", "2025-06-30T12:00:00Z")
    assert collection["contributionYears"][:3] == [2025, 2024, 2023]
    days = [day for week in collection["contributionCalendar"]["weeks"] for day in week["contributionDays"]]
    assert len(days) == 366 and days[0]["date"] == "2024-06-30" and days[-1]["date"] == "2025-06-30"
    assert sum(day["contributionCount"] for day in days) == collection["contributionCalendar"]["totalContributions"]
    assert {day["contributionLevel"] for day in days} == {
        "NONE", "FIRST_QUARTILE", "SECOND_QUARTILE", "THIRD_QUARTILE", "FOURTH_QUARTILE"
    }  # fmt: skip
    assert sum(month["totalWeeks"] for month in collection["contributionCalendar"]["months"]) == len(
        collection["contributionCalendar"]["weeks"]
    )
    assert len(collection["commitContributionsByRepository"]) == 3 and collection["totalCommitContributions"] > 0
    assert year["startedAt"] == "2024-01-01T00:00:00Z" and year["contributionCalendar"]["totalContributions"] > 0


async def test_a_graphql_fault_mid_stage_fails_the_run_and_leaves_the_cache_whole(
    api: Execute, sessionmaker: async_sessionmaker[AsyncSession], github: FakeGitHub
) -> None:
    """The pins' document answers, the contributions' one fails: the run fails with GitHub's message in
    syncStatus, and the API answers exactly what the previous run stored."""
    await sync(sessionmaker, github)
    before = await ok(api, COLLECTION)
    github.graphql.calendars["octocat"].days[date(2026, 6, 1)] = 99

    def faulty(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/graphql" and b"query Contribution" in request.content:
            body = {"data": None, "errors": [{"message": "Something went wrong while executing your query."}]}
            return httpx.Response(200, json=body)
        return github.handle(request)

    summary = await sync(sessionmaker, github, faulty, succeeds=False)
    assert summary.error is not None and "Something went wrong while executing your query." in summary.error
    assert await ok(api, COLLECTION) == before
    status = await ok(api, "{ syncStatus { lastRun { status error } } }")
    assert status["syncStatus"]["lastRun"] == {"status": "FAILED", "error": summary.error}


NESTED = """query($login: String!) { user(login: $login) {
  contributionsCollection { totalCommitContributions
    contributionCalendar { weeks { contributionDays { date contributionCount } } }
    commitContributionsByRepository(maxRepositories: 100) {
      repository { name primaryLanguage { name } languages(first: 5) { nodes { name } } }
      contributions(first: 10) { totalCount nodes { commitCount occurredAt repository { name } } } } }
  year: contributionsCollection(from: "2024-01-01T00:00:00Z", to: "2024-12-31T23:59:59Z") {
    contributionCalendar { totalContributions }
    commitContributionsByRepository { repository { name } contributions(first: 3) { nodes { commitCount } } } }
  span: contributionsCollection(from: "2024-02-01T00:00:00Z", to: "2024-03-01T00:00:00Z") {
    contributionCalendar { weeks { contributionDays { contributionCount } } } }
  repositories(first: 40) { nodes { owner { ... on User {
    contributionsCollection { contributionCalendar { totalContributions } } } } } } } }"""


@pytest.mark.parametrize("repositories", [2, 12])
async def test_nested_contributions_cost_the_same_statements_however_many_repositories_they_cover(
    schema: strawberry.Schema, database: Database, monkeypatch: pytest.MonkeyPatch, repositories: int
) -> None:
    """Windows, days (both spans in one), commits and then the repositories and their languages, batched with
    the viewer's own listing and its owners: the same count at 2 and 12 repositories with commits."""
    monkeypatch.setattr(demo_contributions, "REPOSITORIES", repositories)
    data = generate(user_repos=30, org_repos=0)
    await load_rows(database.sessionmaker, data)
    statements, result = await database.counted(schema, NESTED, {"login": data.viewer})
    assert len(result["user"]["contributionsCollection"]["commitContributionsByRepository"]) == repositories
    assert statements == 9


PAGED = """query($order: CommitContributionOrder, $after: String) { user(login: "octocat") { contributionsCollection {
  commitContributionsByRepository { repository { nameWithOwner }
    contributions(first: 3, after: $after, orderBy: $order) { totalCount pageInfo { hasNextPage hasPreviousPage
      endCursor } nodes { commitCount occurredAt } } } } } }"""


def world(data: Any) -> Any:
    """octocat/world's commit contributions in the answer, less the cursor (each server has its own form)."""
    entries = data["user"]["contributionsCollection"]["commitContributionsByRepository"]
    found = next(entry["contributions"] for entry in entries if entry["repository"]["nameWithOwner"] == "octocat/world")
    return {**found, "pageInfo": {k: v for k, v in found["pageInfo"].items() if k != "endCursor"}}


async def test_commit_contributions_page_and_order_as_github_does(
    api: Execute, sessionmaker: async_sessionmaker[AsyncSession], github: FakeGitHub
) -> None:
    """A repository's days of commits (the sync keeps 50; this one has 20) in GitHub's orders and pages."""
    days = [date(2026, 5, 1) + timedelta(days=n) for n in range(20)]
    github.graphql.calendars["octocat"].commits_by_repo["octocat/world"] = {day: day.day % 6 + 1 for day in days}
    await sync(sessionmaker, github)
    orders = [None, {"field": "COMMIT_COUNT", "direction": "DESC"}, {"field": "OCCURRED_AT", "direction": "ASC"}]
    for order in orders:
        assert world(await ok(api, PAGED, {"order": order})) == world(served(github, PAGED, {"order": order})), order

    def end(data: Any) -> str:
        entries = data["user"]["contributionsCollection"]["commitContributionsByRepository"]
        return next(e["contributions"]["pageInfo"]["endCursor"] for e in entries if "world" in str(e["repository"]))

    ours = world(await ok(api, PAGED, {"after": end(await ok(api, PAGED))}))
    theirs = world(served(github, PAGED, {"after": end(served(github, PAGED, {}))}))
    assert ours == theirs and ours["pageInfo"] == {"hasNextPage": True, "hasPreviousPage": True}
