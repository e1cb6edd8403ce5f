import asyncio
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.bookkeeping import CachedResponse, SyncRun
from db.data_version import read_data_version
from db.models import Language, RepositoryContributor, RepositoryLanguage
from db.showcase import Showcase
from sync.collect import Progress
from sync.github.client import GitHubClient
from sync.github.transport import create_http_client
from sync.refresh import refresh
from sync.settings import SyncSettings
from tests.fakes.github import GITHUB_API, FakeGitHub
from tests.sync.conftest import TOKEN, SyncOnce, accounts, dump, repositories

Maker = async_sessionmaker[AsyncSession]


async def data_version(sessionmaker: Maker) -> int:
    async with sessionmaker() as session:
        return await read_data_version(session)


async def links(sessionmaker: Maker, full_name: str) -> tuple[dict[str, int], dict[str, int]]:
    """(language name -> bytes, login -> contributions) of one cached repository."""
    repo = (await repositories(sessionmaker))[full_name]
    async with sessionmaker() as session:
        languages = await session.execute(
            select(Language.name, RepositoryLanguage.bytes)
            .join(Language, Language.id == RepositoryLanguage.language_id)
            .where(RepositoryLanguage.repository_id == repo.id)
        )
        by_id = {account.id: login for login, account in (await accounts(sessionmaker)).items()}
        contributions = await session.execute(
            select(RepositoryContributor.contributor_id, RepositoryContributor.contributions).where(
                RepositoryContributor.repository_id == repo.id
            )
        )
        return {name: size for name, size in languages}, {by_id[i]: n for i, n in contributions}


async def test_first_sync_caches_owners_repositories_languages_and_contributors(
    sync_once: SyncOnce, sessionmaker: Maker, fake: FakeGitHub
) -> None:
    """A first sync stores every public repository with its languages, contributors and owner profile."""
    summary = await sync_once()

    assert summary.succeeded and summary.error is None
    assert (summary.added, summary.updated, summary.removed, summary.unchanged) == (4, 0, 0, 0)
    repos = await repositories(sessionmaker)
    assert sorted(repos) == ["acme/anvil", "octocat/fork", "octocat/hello", "octocat/old"]
    hello = repos["octocat/hello"]
    assert hello.full_name_key == "octocat/hello" and hello.topics == ["demo"] and hello.stargazers_count == 5
    assert hello.license is not None and hello.license["spdx_id"] == "MIT"
    assert hello.synced_at is not None and hello.pushed_at == fake.repo("octocat", "hello").pushed_at
    assert repos["octocat/fork"].is_fork and repos["octocat/old"].is_archived
    assert await links(sessionmaker, "octocat/hello") == ({"Python": 1200, "Shell": 100}, {"octocat": 10, "alice": 3})

    people = await accounts(sessionmaker)
    octocat, acme = people["octocat"], people["acme"]
    assert octocat.is_owner and octocat.type == "User" and octocat.login_key == "octocat"
    assert (octocat.name, octocat.bio, octocat.blog) == ("The Octocat", "Mascot", "https://github.blog")
    assert acme.is_owner and acme.type == "Organization" and acme.description == "Tools for everyone"
    assert not people["alice"].is_owner and people["alice"].name is None
    async with sessionmaker() as session:
        python = await session.scalar(select(Language).where(Language.name == "Python"))
        assert python is not None and python.color == "#3572A5"
    assert await data_version(sessionmaker) == 2


async def test_private_repositories_are_never_cached_even_when_the_token_sees_them(
    sessionmaker: Maker, fake: FakeGitHub
) -> None:
    """With a token the listing includes private and internal repositories; none of them is stored."""
    fake.add_repo("acme", "internal-tool", visibility="internal", description="internal only")
    settings = SyncSettings(github_owners="octocat,acme", github_token=TOKEN, github_api_url=GITHUB_API)
    async with create_http_client(settings, transport=httpx.MockTransport(fake.handle)) as http:
        summary = await refresh(sessionmaker, GitHubClient(http, settings), settings, trigger="CLI")
    assert summary.succeeded
    assert all(call.authorized for call in fake.requests)
    listed = [call for call in fake.requests if call.path == "/users/octocat/repos"]
    assert listed and listed[0].status == 200
    assert sorted(await repositories(sessionmaker)) == ["acme/anvil", "octocat/fork", "octocat/hello", "octocat/old"]
    assert "eve" not in await accounts(sessionmaker)
    async with sessionmaker() as session:
        bodies = " ".join((await session.scalars(select(CachedResponse.body))).all())
    assert "secret-plans" not in bodies and "internal-tool" not in bodies and "do not leak" not in bodies


async def test_no_change_sync_costs_one_listing_per_100_repositories_and_one_profile_per_owner(
    sync_once: SyncOnce, sessionmaker: Maker, fake: FakeGitHub
) -> None:
    """Nothing changed: only profiles and listing pages are asked, all answered 304; the data version stays."""
    fake.add_repos("octocat", 150, language_bytes={"Python": 1})  # octocat: 153 public -> 2 listing pages
    fake.rate_limit(limit=5000, remaining=5000)
    first = await sync_once()
    assert first.succeeded and first.added == 154
    version = await data_version(sessionmaker)
    before = await dump(sessionmaker)
    fake.reset_log()

    second = await sync_once()

    assert second.succeeded and second.unchanged == 154 and second.added == second.updated == 0
    paths = sorted(call.path for call in fake.requests)
    assert paths == ["/orgs/acme", "/orgs/acme/repos", "/users/octocat", "/users/octocat/repos", "/users/octocat/repos"]
    assert all(call.status == 304 and call.conditional for call in fake.requests)
    assert (second.github_requests, second.not_modified) == (5, 5)
    assert await data_version(sessionmaker) == version
    after = await dump(sessionmaker)
    assert after == before


async def test_second_sync_applies_new_deleted_renamed_and_changed_repositories(
    sync_once: SyncOnce, sessionmaker: Maker, fake: FakeGitHub
) -> None:
    """New, deleted and renamed repositories, changed stars and changed languages all land; ids are kept."""
    await sync_once()
    version = await data_version(sessionmaker)
    hello_id = (await repositories(sessionmaker))["octocat/hello"].id
    fake.add_repo("octocat", "brand-new", language_bytes={"TypeScript": 99}, contributors=[("carol", 2)])
    fake.delete_repo("octocat", "fork")
    fake.rename_repo("octocat", "hello", "hello-world")
    fake.set_repo("acme", "anvil", stargazers=42)
    fake.set_repo("octocat", "old", pushed_at=datetime(2024, 6, 1, tzinfo=UTC))
    fake.set_languages("octocat", "old", {"Go": 10, "Zig": 5})
    fake.reset_log()

    summary = await sync_once()

    assert summary.succeeded
    assert (summary.added, summary.updated, summary.removed, summary.unchanged) == (1, 3, 1, 0)
    repos = await repositories(sessionmaker)
    assert sorted(repos) == ["acme/anvil", "octocat/brand-new", "octocat/hello-world", "octocat/old"]
    assert (
        repos["octocat/hello-world"].id == hello_id
        and repos["octocat/hello-world"].full_name_key == "octocat/hello-world"
    )
    assert repos["acme/anvil"].stargazers_count == 42
    assert (await links(sessionmaker, "octocat/old"))[0] == {"Go": 10, "Zig": 5}
    assert (await links(sessionmaker, "octocat/brand-new")) == ({"TypeScript": 99}, {"carol": 2})
    # Without a token only the new and the pushed repository were asked for details, watchers, README, releases.
    detail_paths = {call.path for call in fake.requests if call.path.startswith("/repos/")}
    assert detail_paths == {
        "/repos/octocat/brand-new",
        "/repos/octocat/brand-new/readme",
        "/repos/octocat/old/readme",
        "/repos/octocat/brand-new/languages",
        "/repos/octocat/brand-new/contributors",
        "/repos/octocat/old",
        "/repos/octocat/old/languages",
        "/repos/octocat/old/contributors",
        "/repos/octocat/brand-new/releases",
        "/repos/octocat/old/releases",
    }
    people = await accounts(sessionmaker)
    assert "bob" not in people  # contributed only to the deleted fork
    assert await data_version(sessionmaker) == version + 1


async def test_a_repository_moving_between_owners_keeps_its_row(
    sync_once: SyncOnce, sessionmaker: Maker, fake: FakeGitHub
) -> None:
    """A transfer to another configured owner updates the owner; the GitHub id stays, no duplicate."""
    await sync_once()
    anvil_id = (await repositories(sessionmaker))["acme/anvil"].id
    fake.rename_repo("acme", "anvil", "anvil", new_owner="octocat")
    summary = await sync_once()
    assert summary.succeeded and summary.removed == 0
    repos = await repositories(sessionmaker)
    assert "acme/anvil" not in repos and repos["octocat/anvil"].id == anvil_id


async def test_special_answers_keep_the_repository_with_what_github_gives(
    sync_once: SyncOnce, sessionmaker: Maker, fake: FakeGitHub
) -> None:
    """204 and 409 mean no contributors, 403 keeps languages without contributors, 451 keeps the bare
    repository, and a 404 on details drops it."""
    for name in ("empty", "conflict", "huge", "blocked", "vanishing"):
        fake.add_repo("octocat", name, language_bytes={"Python": 7}, contributors=[("alice", 1)])
    fake.answer("octocat", "empty", "contributors", 204)
    fake.answer("octocat", "conflict", "contributors", 409)
    fake.answer("octocat", "huge", "contributors", 403)
    fake.block_repo("octocat", "blocked")
    fake.answer("octocat", "vanishing", "languages", 404)

    summary = await sync_once()

    assert summary.succeeded, summary.error
    repos = await repositories(sessionmaker)
    assert {"octocat/empty", "octocat/conflict", "octocat/huge", "octocat/blocked"} <= set(repos)
    assert "octocat/vanishing" not in repos
    assert await links(sessionmaker, "octocat/empty") == ({"Python": 7}, {})
    assert await links(sessionmaker, "octocat/conflict") == ({"Python": 7}, {})
    assert await links(sessionmaker, "octocat/huge") == ({"Python": 7}, {})
    assert await links(sessionmaker, "octocat/blocked") == ({}, {})
    assert fake.count("/repos/octocat/blocked/contributors") == 0  # blocked: no point asking twice


async def test_rate_limit_spent_mid_sync_fails_the_run_and_leaves_the_graph_as_it_was(
    sync_once: SyncOnce, sessionmaker: Maker, fake: FakeGitHub, settings: SyncSettings
) -> None:
    """The budget runs out halfway: the run is FAILED with the reset time, and nothing is applied."""
    await sync_once()
    before = await dump(sessionmaker)
    fake.add_repos("octocat", 10, language_bytes={"Python": 1})
    fake.reset_log()
    reset = int(datetime.now(UTC).timestamp()) + 1800
    fake.rate_limit(remaining=8, reset_at=reset)

    summary = await sync_once()

    assert summary.status == "FAILED"
    assert summary.error is not None and summary.error.startswith(
        "GitHub rate limit spent (60 requests per hour) until"
    )
    assert summary.retry_at == datetime.fromtimestamp(reset, UTC)
    assert summary.rate_limit_remaining == 0
    assert await dump(sessionmaker) == before
    # It stopped when the headers said the budget was gone, instead of hammering: at most one refused
    # request per worker that was already on its way.
    refused = [call for call in fake.requests if call.status == 403]
    assert len(refused) <= settings.concurrency
    assert sum(1 for call in fake.requests if call.status not in (304, 403)) == 8  # the whole budget


async def test_first_sync_larger_than_the_rate_limit_completes_over_successive_runs(
    sync_once: SyncOnce, sessionmaker: Maker, fake: FakeGitHub
) -> None:
    """60 requests an hour without a token, ~255 needed: each run keeps what it fetched, the next resumes."""
    fake.add_repos("octocat", 46, language_bytes={"Python": 1}, contributors=[("alice", 1)])  # 50 public
    # 2 + 1 profiles, 2 listings, 5 per repository (watchers, README, releases, languages, contributors): 255.
    statuses = []
    for _ in range(5):
        summary = await sync_once()
        statuses.append(summary.status)
        if summary.succeeded:
            break
        assert summary.retry_at is not None and await repositories(sessionmaker) == {}
        fake.rate_limit(remaining=60)  # the hour passes
    assert statuses == ["FAILED", "FAILED", "FAILED", "FAILED", "SUCCEEDED"]
    assert len(await repositories(sessionmaker)) == 50
    assert (await links(sessionmaker, "octocat/repo-0001")) == ({"Python": 1}, {"alice": 1})


async def test_server_errors_are_retried_then_the_sync_recovers(
    sync_once: SyncOnce, sessionmaker: Maker, fake: FakeGitHub
) -> None:
    """Two 500s, then GitHub answers: the run succeeds, the retries counted as requests."""
    fake.fail_next(2, status=500)
    summary = await sync_once()
    assert summary.succeeded
    assert [call.status for call in fake.requests[:3]] == [500, 500, 200]
    assert summary.github_requests == len(fake.requests)


async def test_persistent_server_errors_fail_the_run_with_a_one_line_reason(
    sync_once: SyncOnce, sessionmaker: Maker, fake: FakeGitHub
) -> None:
    fake.fail_next(10, status=502)
    summary = await sync_once()
    assert summary.status == "FAILED"
    assert summary.error == "GitHub answered 502 for /users/octocat after 4 attempts"
    assert await repositories(sessionmaker) == {}


async def test_a_cancelled_run_leaves_the_graph_identical_and_is_recorded_cancelled(
    sync_once: SyncOnce, sessionmaker: Maker, fake: FakeGitHub
) -> None:
    """Cancelled halfway through the details: every graph table is exactly as before."""
    await sync_once()
    fake.rate_limit(limit=5000, remaining=5000)  # 4 requests per new repository: past the first 10 in budget
    fake.add_repos("octocat", 30, language_bytes={"Python": 1}, contributors=[("zed", 1)])
    fake.set_repo("octocat", "hello", stargazers=99)
    before = await dump(sessionmaker)
    seen: list[int] = []

    def progress(step: Progress) -> None:
        if step.phase == "details" and step.done == 10:
            seen.append(step.done)
            task.cancel()  # delivered at the run's next await, halfway through the details

    task = asyncio.create_task(sync_once(progress=progress))
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, timeout=10)
    assert seen == [10]

    assert await dump(sessionmaker) == before
    async with sessionmaker() as session:
        run = await session.scalar(select(SyncRun).order_by(SyncRun.id.desc()))
    assert run is not None and run.status == "CANCELLED" and run.finished_at is not None


async def test_showcase_rows_are_never_touched(sync_once: SyncOnce, sessionmaker: Maker, fake: FakeGitHub) -> None:
    """Curated data survives a sync, even for a repository that disappears."""
    async with sessionmaker() as session, session.begin():
        session.add(Showcase(key="octocat/fork", owner="octocat", name="fork", featured=True, summary="mine"))
    await sync_once()
    fake.delete_repo("octocat", "fork")
    await sync_once()
    async with sessionmaker() as session:
        curated = await session.get(Showcase, "octocat/fork")
    assert curated is not None and curated.featured and curated.summary == "mine"


async def test_owner_dropped_from_the_configuration_loses_its_repositories(
    sessionmaker: Maker, client: GitHubClient
) -> None:
    both = SyncSettings(github_owners="octocat,acme")
    await refresh(sessionmaker, client, both, trigger="CLI")
    summary = await refresh(sessionmaker, client, SyncSettings(github_owners="octocat"), trigger="CLI")
    assert summary.succeeded and summary.removed == 1
    people = await accounts(sessionmaker)
    assert "acme" not in people and "acme/anvil" not in await repositories(sessionmaker)


async def test_unknown_owner_fails_the_run_and_keeps_the_cache(
    sync_once: SyncOnce, sessionmaker: Maker, client: GitHubClient
) -> None:
    await sync_once()
    before = await dump(sessionmaker)
    summary = await refresh(sessionmaker, client, SyncSettings(github_owners="octocat,nobody-here"), trigger="CLI")
    assert summary.status == "FAILED" and summary.error == "owner 'nobody-here' not found on GitHub"
    assert await dump(sessionmaker) == before


async def test_no_owners_configured_is_a_failed_run_not_an_empty_cache(
    sessionmaker: Maker, client: GitHubClient
) -> None:
    summary = await refresh(sessionmaker, client, SyncSettings(), trigger="CLI")
    assert summary.status == "FAILED" and "REPOFOLIO_GITHUB_OWNERS" in (summary.error or "")


async def test_runs_are_recorded_with_counts_requests_and_rate_limit(sync_once: SyncOnce, sessionmaker: Maker) -> None:
    summary = await sync_once("STARTUP")
    async with sessionmaker() as session:
        run = await session.get_one(SyncRun, summary.run_id)
    assert (run.trigger, run.status, run.repositories_added) == ("STARTUP", "SUCCEEDED", 4)
    assert run.github_requests == 25 and run.not_modified == 0  # 2+1 profiles, 2 listings, 4x5 details
    assert run.rate_limit_remaining == 60 - 25
    assert run.finished_at is not None and run.finished_at >= run.started_at
