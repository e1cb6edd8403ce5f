"""The sync over a real socket: the fake GitHub served by uvicorn on 127.0.0.1."""

import asyncio
import io
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.bookkeeping import SyncRun
from db.engine import create_engine, create_sessionmaker
from db.settings import DatabaseSettings
from sync.console import run_sync_command
from sync.github.client import GitHubClient
from sync.github.transport import create_http_client
from sync.refresh import refresh
from sync.runner import SyncRunner
from sync.settings import SyncSettings
from tests.fakes.github import FakeGitHub
from tests.fakes.server import serve, serve_in_thread
from tests.sync.conftest import TOKEN, repositories

Maker = async_sessionmaker[AsyncSession]


async def test_refresh_over_http_then_a_free_nightly_sync(sessionmaker: Maker, fake: FakeGitHub) -> None:
    """Two listing pages, then a second run answered entirely by 304s, through a real HTTP server."""
    fake.add_repos("acme", 120, language_bytes={"Python": 3}, contributors=[("alice", 1)])
    async with serve(fake) as base_url:
        settings = SyncSettings(github_api_url=base_url, github_owners="octocat,acme", github_token=TOKEN)
        async with create_http_client(settings) as http:
            first = await refresh(sessionmaker, GitHubClient(http, settings), settings, trigger="CLI")
            fake.reset_log()
            second = await refresh(sessionmaker, GitHubClient(http, settings), settings, trigger="SCHEDULE")
    assert first.succeeded and first.added == 124
    assert second.succeeded and second.unchanged == 124
    # 2 profiles, 1 + 2 listing pages, the user's public organizations, one GraphQL document with both owners'
    # pins and profiles and one with octocat's contributions (never a 304), and with the token each repository's
    # GET for its watchers and its release list: all 304, free (none has a README: that 404 carries no ETag, so
    # it is asked again on a push or after a week); and the counts of 124 repositories in 3 GraphQL documents of
    # up to 50 (sync/counts.py: issues and pull requests change without a push).
    assert (second.github_requests, second.not_modified) == (8 + 2 * 124 + 3, 6 + 2 * 124)
    assert fake.authorization_seen == f"Bearer {TOKEN}"
    assert len(await repositories(sessionmaker)) == 124


async def test_runner_recovers_from_a_server_error_and_a_secondary_limit_over_http(
    sessionmaker: Maker, fake: FakeGitHub
) -> None:
    fake.fail_next(1, status=500)
    fake.secondary_limit_next(retry_after=0)
    async with serve(fake) as base_url:
        settings = SyncSettings(github_api_url=base_url, github_owners="octocat", retry_backoff=0.01)
        async with create_http_client(settings) as http:
            runner = SyncRunner(sessionmaker, http, settings)
            try:
                summary = await runner.run("MUTATION")
            finally:
                await runner.aclose()
    assert summary.succeeded, summary.error
    assert [call.status for call in fake.requests[:3]] == [500, 403, 200]


def test_sync_command_creates_the_database_and_prints_a_summary(tmp_path: Path, fake: FakeGitHub) -> None:
    """`repofolio sync` on a new database file: schema created, one CLI run, summary, exit code 0 (without a
    token: 2 profiles, 3 listing pages, and per repository its languages, contributors, GET, README and releases)."""
    database = DatabaseSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'new.db'}")
    out = io.StringIO()
    with serve_in_thread(fake) as base_url:
        settings = SyncSettings(github_api_url=base_url, github_owners="octocat,acme")
        code = run_sync_command(database, settings, stream=out)
        assert code == 0, out.getvalue()
        fake.reset_log()
        again = io.StringIO()
        assert run_sync_command(database, settings, stream=again) == 0
    text = out.getvalue()
    assert "Sync run 1: succeeded" in text
    assert "repositories: 4 added, 0 updated, 0 removed, 0 unchanged" in text
    assert "GitHub requests: 25 (0 answered 304 Not Modified)" in text and "rate limit left: 35" in text
    assert "Languages and contributors: 4/4" in text  # plain progress lines: not a terminal
    assert "GitHub requests: 4 (4 answered 304 Not Modified)" in again.getvalue()
    assert (tmp_path / "new.db").exists()


def test_sync_command_exits_non_zero_when_the_run_fails(tmp_path: Path, fake: FakeGitHub) -> None:
    database = DatabaseSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'failing.db'}")
    fake.rate_limit(remaining=3)
    out = io.StringIO()
    with serve_in_thread(fake) as base_url:
        settings = SyncSettings(github_api_url=base_url, github_owners="octocat,acme")
        assert run_sync_command(database, settings, stream=out) == 1
    text = out.getvalue()
    assert "Sync run 1: failed" in text and "error: GitHub rate limit spent (60 requests per hour) until" in text
    assert "the rate limit resets at" in text


async def test_a_run_recorded_by_the_command_is_visible_to_the_server(tmp_path: Path, fake: FakeGitHub) -> None:
    database = DatabaseSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}")
    with serve_in_thread(fake) as base_url:
        settings = SyncSettings(github_api_url=base_url, github_owners="octocat")
        # The command runs its own event loop; run it off this one.
        code = await asyncio.to_thread(run_sync_command, database, settings, stream=io.StringIO())
    assert code == 0
    engine = create_engine(database)
    try:
        async with create_sessionmaker(engine)() as session:
            run = await session.scalar(select(SyncRun))
        assert run is not None and (run.trigger, run.status) == ("CLI", "SUCCEEDED")
    finally:
        await engine.dispose()
