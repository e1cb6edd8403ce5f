"""Releases in the sync (issue 13): every page of REST /releases, drafts never kept, asked every run with a
token (a 304 is free), new or pushed repositories only without one; an absence asked again sparingly."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Repository
from db.releases import Release, ReleaseCheck
from sync.github.client import GitHubClient
from sync.github.transport import create_http_client
from sync.refresh import SyncSummary, refresh
from sync.settings import SyncSettings
from tests.fakes.github import GITHUB_API, FakeGitHub
from tests.sync.conftest import TOKEN, SyncOnce

Maker = async_sessionmaker[AsyncSession]


@pytest.fixture
def released(fake: FakeGitHub) -> FakeGitHub:
    for n in range(130):  # two pages of 100
        fake.add_release("octocat", "hello", f"v1.{n}", name=f"Hello 1.{n}", body=f"Changes in 1.{n}")
    fake.add_release("octocat", "hello", "v2.0-rc1", prerelease=True)
    fake.add_release("octocat", "hello", "v2.0", draft=True, body="not yet")
    fake.add_release("acme", "anvil", "anvil-1", name=None, body=None)
    return fake


@pytest.fixture
def with_token(sessionmaker: Maker, released: FakeGitHub) -> SyncOnce:
    settings = SyncSettings(github_owners="octocat,acme", github_token=TOKEN, github_api_url=GITHUB_API)

    async def run(**kwargs: Any) -> SyncSummary:
        async with create_http_client(settings, transport=httpx.MockTransport(released.handle)) as http:
            return await refresh(sessionmaker, GitHubClient(http, settings), settings, trigger="CLI", **kwargs)

    return run


async def stored(sessionmaker: Maker) -> dict[str, list[str]]:
    """Tag names per repository, newest first."""
    async with sessionmaker() as session:
        rows = await session.execute(
            select(Repository.full_name, Release.tag_name)
            .join(Release, Release.repository_id == Repository.id)
            .order_by(Repository.full_name, Release.created_at.desc())
        )
        found: dict[str, list[str]] = {}
        for name, tag in rows:
            found.setdefault(name, []).append(tag)
        return found


async def test_every_page_is_read_drafts_are_dropped_and_a_quiet_run_pays_nothing(
    with_token: SyncOnce, sessionmaker: Maker, released: FakeGitHub
) -> None:
    """131 published releases over two pages all land (the draft a token may see never does); the next run
    asks both pages again conditionally and GitHub answers 304: the core rate limit does not move."""
    assert (await with_token()).succeeded
    tags = await stored(sessionmaker)
    assert tags["octocat/hello"] == ["v2.0-rc1", *(f"v1.{n}" for n in reversed(range(130)))]
    assert tags["acme/anvil"] == ["anvil-1"] and "octocat/fork" not in tags
    assert released.count("/repos/octocat/hello/releases") == 2
    released.reset_log()
    remaining = released.bucket().remaining

    quiet = await with_token()

    assert quiet.succeeded and not quiet.data_changed
    hello = [call for call in released.requests if call.path == "/repos/octocat/hello/releases"]
    assert [(call.status, call.conditional) for call in hello] == [(304, True), (304, True)]
    assert released.bucket().remaining == remaining


async def test_an_edited_published_or_deleted_release_is_followed_without_a_push(
    with_token: SyncOnce, sessionmaker: Maker, released: FakeGitHub
) -> None:
    """Releases change without a push: a prerelease promoted, a draft published, one deleted; the next run
    with a token has each, and bumps the data version once."""
    assert (await with_token()).succeeded
    released.set_release("octocat", "hello", "v2.0-rc1", prerelease=False, name="RC promoted")
    released.set_release("octocat", "hello", "v2.0", draft=False, published_at=datetime(2026, 1, 1, tzinfo=UTC))
    released.set_repo("acme", "anvil", releases=[])

    followed = await with_token()

    assert followed.succeeded and followed.updated == 2 and followed.data_changed
    tags = await stored(sessionmaker)
    assert tags["octocat/hello"][:2] == ["v2.0", "v2.0-rc1"] and "acme/anvil" not in tags
    async with sessionmaker() as session:
        rc = await session.scalar(select(Release).where(Release.tag_name == "v2.0-rc1"))
    assert rc is not None and (rc.name, rc.is_prerelease) == ("RC promoted", False)


async def test_without_a_token_a_new_release_waits_for_a_push(
    sync_once: SyncOnce, sessionmaker: Maker, released: FakeGitHub
) -> None:
    """60 requests an hour, 304s charged: release lists are read for new and pushed repositories only."""
    assert (await sync_once()).succeeded
    released.add_release("acme", "anvil", "anvil-2")
    released.reset_log()
    quiet = await sync_once()
    assert quiet.succeeded and quiet.github_requests == 4  # profiles and listings only
    assert (await stored(sessionmaker))["acme/anvil"] == ["anvil-1"]

    released.set_repo("acme", "anvil", pushed_at=datetime(2025, 3, 1, tzinfo=UTC))
    assert (await sync_once()).succeeded
    assert (await stored(sessionmaker))["acme/anvil"] == ["anvil-2", "anvil-1"]


async def test_a_repository_without_a_release_list_is_recorded_absent_and_asked_again_after_a_week(
    with_token: SyncOnce, sessionmaker: Maker, released: FakeGitHub
) -> None:
    """451 (blocked) on /releases is normal: the run succeeds, the repository holds no releases, and the
    answer (no ETag, charged) is not asked again until a push or a week later."""
    released.answer("acme", "anvil", "releases", 451)
    assert (await with_token()).succeeded
    assert "acme/anvil" not in await stored(sessionmaker)
    async with sessionmaker() as session:
        statuses = dict((await session.execute(select(ReleaseCheck.repository_id, ReleaseCheck.status))).all())
    anvil_id = released.repo("acme", "anvil").id
    assert statuses[anvil_id] == 451 and set(statuses.values()) == {200, 451}

    released.answer("acme", "anvil", "releases", None)
    released.reset_log()
    assert (await with_token()).succeeded
    assert released.count("/repos/acme/anvil/releases") == 0
    async with sessionmaker.begin() as session:
        await session.execute(update(ReleaseCheck).values(checked_at=datetime.now(UTC) - timedelta(days=8)))
    assert (await with_token()).succeeded
    assert released.count("/repos/acme/anvil/releases") == 1
    assert (await stored(sessionmaker))["acme/anvil"] == ["anvil-1"]
