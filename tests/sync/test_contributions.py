"""The contributions stage of a sync: each configured user's windows read from GitHub's GraphQL API (the fake runs
GitHub's own schema), past years fetched once and refreshed rarely, skipped without a token, and a fault
failing the run with the cache whole."""

from datetime import UTC, date, datetime, timedelta

import httpx
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.contributions import DEFAULT_WINDOW, CommitContribution, ContributionDay, ContributionWindow
from sync.contributions import NO_TOKEN, REFRESH
from sync.github.client import GitHubClient
from sync.github.transport import create_http_client
from sync.refresh import SyncSummary, refresh
from sync.settings import SyncSettings
from tests.fakes.github import GITHUB_API, FakeGitHub
from tests.sync.conftest import TOKEN, Sleeps

Maker = async_sessionmaker[AsyncSession]
NOW = datetime(2026, 6, 15, 12, 30, tzinfo=UTC)


def github() -> FakeGitHub:
    fake = FakeGitHub(clock=NOW.timestamp)
    fake.add_user("octocat")
    fake.add_org("acme")
    fake.add_repo("octocat", "hello")
    days = {date(2024, 5, 1) + timedelta(days=n): n % 4 for n in range(700)}
    fake.graphql.set_contributions(
        "octocat", days, commits_by_repo={"octocat/hello": {day: 1 for day, n in days.items() if n == 3}}
    )
    return fake


async def sync(sessionmaker: Maker, fake: FakeGitHub, *, token: bool = True) -> SyncSummary:
    settings = SyncSettings(
        github_api_url=GITHUB_API, github_owners="octocat,acme", github_token=TOKEN if token else None, retry_backoff=0
    )
    async with create_http_client(settings, transport=httpx.MockTransport(fake.handle)) as http:
        return await refresh(sessionmaker, GitHubClient(http, settings, sleep=Sleeps()), settings, trigger="CLI")


async def windows(sessionmaker: Maker) -> dict[int, tuple[datetime, datetime]]:
    async with sessionmaker() as session:
        rows = await session.execute(
            select(ContributionWindow.year, ContributionWindow.started_at, ContributionWindow.ended_at)
        )
        return {year: (started, ended) for year, started, ended in rows}


async def table_counts(sessionmaker: Maker) -> tuple[int | None, ...]:
    async with sessionmaker() as session:
        return tuple(
            [
                await session.scalar(select(func.count()).select_from(model))
                for model in (ContributionWindow, ContributionDay, CommitContribution)
            ]
        )


def contribution_documents(fake: FakeGitHub) -> list[str]:
    return [d["query"] for d in fake.graphql.documents if "query Contribution" in d["query"]]


async def test_each_user_gets_githubs_default_window_and_every_year_organizations_none(sessionmaker: Maker) -> None:
    """The default window with GitHub's startedAt/endedAt and each of contributionYears (2026, 2025, 2024);
    acme, an organization, has no contributionsCollection; the first sync takes two documents."""
    fake = github()
    summary = await sync(sessionmaker, fake)
    assert summary.succeeded, summary.error
    assert await windows(sessionmaker) == {
        DEFAULT_WINDOW: (datetime(2025, 6, 15, 12, 30, tzinfo=UTC), NOW),
        **{
            year: (datetime(year, 1, 1, tzinfo=UTC), datetime(year, 12, 31, 23, 59, 59, tzinfo=UTC))
            for year in (2024, 2025, 2026)
        },
    }
    assert len(contribution_documents(fake)) == 2
    assert "acme" not in str(fake.graphql.documents[-1]["variables"])


async def test_past_years_are_fetched_once_and_again_when_their_copy_is_a_month_old(sessionmaker: Maker) -> None:
    fake = github()
    assert (await sync(sessionmaker, fake)).succeeded
    fake.graphql.documents.clear()

    assert (await sync(sessionmaker, fake)).succeeded
    (document,) = contribution_documents(fake)  # the default window and the current year, in one document
    assert "y2026:" in document and "y2025:" not in document and "y2024:" not in document

    async with sessionmaker.begin() as session:
        await session.execute(
            update(ContributionWindow)
            .where(ContributionWindow.year == 2024)
            .values(fetched_at=datetime.now(UTC) - REFRESH - timedelta(hours=1))
        )
    fake.graphql.documents.clear()
    assert (await sync(sessionmaker, fake)).succeeded
    (document,) = contribution_documents(fake)
    assert "y2024:" in document and "y2025:" not in document


async def test_without_a_token_the_stage_is_skipped_with_one_line_and_stored_windows_go(sessionmaker: Maker) -> None:
    fake = github()
    assert (await sync(sessionmaker, fake)).succeeded
    assert (await table_counts(sessionmaker))[0] == 4
    summary = await sync(sessionmaker, fake, token=False)
    assert summary.succeeded and summary.data_changed
    assert NO_TOKEN in summary.skipped
    assert await table_counts(sessionmaker) == (0, 0, 0)


async def test_a_user_no_longer_configured_takes_its_windows_with_it(sessionmaker: Maker) -> None:
    fake = github()
    assert (await sync(sessionmaker, fake)).succeeded
    settings = SyncSettings(github_api_url=GITHUB_API, github_owners="acme", github_token=TOKEN)
    async with create_http_client(settings, transport=httpx.MockTransport(fake.handle)) as http:
        summary = await refresh(sessionmaker, GitHubClient(http, settings, sleep=Sleeps()), settings, trigger="CLI")
    assert summary.succeeded and summary.data_changed
    assert await table_counts(sessionmaker) == (0, 0, 0)
