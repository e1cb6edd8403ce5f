"""The GitHub token goes to the configured API origin only: redirects and Link next pages elsewhere are refused."""

import io
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.bookkeeping import SyncRun
from db.settings import DatabaseSettings
from sync.console import run_sync_command
from sync.github.client import GitHubClient
from sync.github.transport import create_http_client
from sync.origin import origin_of
from sync.refresh import SyncSummary, refresh
from sync.settings import SyncSettings
from tests.fakes.github import FakeGitHub
from tests.fakes.server import serve, serve_in_thread
from tests.sync.conftest import TOKEN, dump, make_fake

Maker = async_sessionmaker[AsyncSession]


def token_seen(fake: FakeGitHub) -> bool:
    """Whether the token reached `fake` in any header of any request (not only Authorization)."""
    return any(TOKEN in value for headers in fake.headers_seen for value in headers.values())


@pytest.mark.parametrize(
    ("url", "same_as"),
    [
        ("https://API.github.com:443", "https://api.github.com"),
        ("HTTPS://api.GitHub.com/users/x?page=2", "https://api.github.com"),
        ("http://127.0.0.1:80/x", "http://127.0.0.1"),
        ("https://user:password@api.github.com/x", "https://api.github.com"),
        ("https://ghe.example.com:8443/api/v3", "https://GHE.example.com:8443"),
        ("http://[::1]:8080/", "http://[::1]:8080"),
    ],
)
def test_origins_compare_without_case_default_ports_or_credentials(url: str, same_as: str) -> None:
    assert origin_of(url) == origin_of(same_as)
    assert str(origin_of(url)) == str(origin_of(same_as))
    assert "password" not in str(origin_of(url))


@pytest.mark.parametrize(
    "other",
    [
        "http://api.github.com",  # scheme
        "https://api.github.com:8443",  # port
        "https://api.github.com.evil.example",  # host
        "https://evil.example/api.github.com",
        "/relative/path",
    ],
)
def test_other_origins_differ(other: str) -> None:
    assert origin_of(other) != origin_of("https://api.github.com")


async def test_the_shared_client_sends_the_token_to_the_api_origin_only() -> None:
    """Whatever URL a caller asks the client for, the token rides only on requests to the API's origin."""
    seen: dict[str, str | None] = {}

    def record(request: httpx.Request) -> httpx.Response:
        seen[f"{origin_of(request.url)}{request.url.path}"] = request.headers.get("authorization")
        return httpx.Response(200, json={})

    settings = SyncSettings(github_api_url="https://API.github.com:443/", github_token=TOKEN)
    async with create_http_client(settings, transport=httpx.MockTransport(record)) as http:
        assert "authorization" not in http.headers  # not a default header: decided per request
        for url in (
            "/users/octocat",
            "https://api.github.com/users/octocat",
            "HTTPS://Api.GitHub.com:443/orgs/acme",
            "http://api.github.com/users/octocat",
            "https://api.github.com:444/users/octocat",
            "https://evil.example/users/octocat",
        ):
            await http.get(url)
    assert seen == {
        "https://api.github.com/users/octocat": f"Bearer {TOKEN}",
        "https://api.github.com/orgs/acme": f"Bearer {TOKEN}",
        "http://api.github.com/users/octocat": None,
        "https://api.github.com:444/users/octocat": None,
        "https://evil.example/users/octocat": None,
    }


@pytest.fixture
async def elsewhere() -> AsyncIterator[tuple[FakeGitHub, str]]:
    """A second GitHub on another loopback port, with the same data, recording every header it receives."""
    fake = make_fake()
    async with serve(fake) as base_url:
        yield fake, base_url


async def sync(sessionmaker: Maker, base_url: str) -> SyncSummary:
    settings = SyncSettings(github_api_url=base_url, github_owners="octocat,acme", github_token=TOKEN)
    async with create_http_client(settings) as http:
        return await refresh(sessionmaker, GitHubClient(http, settings), settings, trigger="CLI")


async def last_run(sessionmaker: Maker) -> SyncRun:
    async with sessionmaker() as session:
        run = await session.scalar(select(SyncRun).order_by(SyncRun.id.desc()).limit(1))
    assert run is not None
    return run


async def test_a_redirect_to_another_origin_fails_the_run_and_the_token_stays_home(
    sessionmaker: Maker, fake: FakeGitHub, elsewhere: tuple[FakeGitHub, str]
) -> None:
    """GitHub answering 301 to another host: the run fails with one line, the cache is kept, no token leaves."""
    other, other_url = elsewhere
    async with serve(fake) as base_url:
        assert (await sync(sessionmaker, base_url)).succeeded
        before = await dump(sessionmaker)
        fake.moved_to = other_url
        summary = await sync(sessionmaker, base_url)

    assert summary.status == "FAILED"
    assert summary.error == (
        f"refused GitHub's redirect from /users/octocat to {other_url}: "
        f"not the origin of REPOFOLIO_GITHUB_API_URL ({base_url}), which alone gets the token"
    )
    run = await last_run(sessionmaker)  # what syncStatus reports
    assert (run.status, run.error) == ("FAILED", summary.error)
    assert await dump(sessionmaker) == before
    assert fake.requests[-1].status == 301 and fake.authorization_seen == f"Bearer {TOKEN}"
    assert other.requests == [] and not token_seen(other)


async def test_a_next_page_link_to_another_origin_fails_the_run_and_the_token_stays_home(
    sessionmaker: Maker, fake: FakeGitHub, elsewhere: tuple[FakeGitHub, str]
) -> None:
    """A listing whose Link rel="next" names another host: refused before any request goes there."""
    other, other_url = elsewhere
    for github in (fake, other):
        github.add_repos("acme", 120)  # two listing pages
    async with serve(fake) as base_url:
        assert (await sync(sessionmaker, base_url)).succeeded
        before = await dump(sessionmaker)
        fake.links_to = other_url
        fake.set_repo("acme", "repo-0120", stargazers=7)  # page 1 (newest first) changes: its next link is read afresh
        summary = await sync(sessionmaker, base_url)

    assert summary.status == "FAILED"
    assert summary.error == (
        f"refused GitHub's next page link from /orgs/acme/repos?type=public&per_page=100 to {other_url}: "
        f"not the origin of REPOFOLIO_GITHUB_API_URL ({base_url}), which alone gets the token"
    )
    assert (await last_run(sessionmaker)).error == summary.error
    assert await dump(sessionmaker) == before
    assert other.requests == [] and not token_seen(other)


async def test_links_and_redirects_on_the_same_origin_are_followed_with_the_token(fake: FakeGitHub) -> None:
    """The same origin spelt differently (upper case) is still GitHub's: pages and redirects keep the token."""
    fake.add_repos("octocat", 120)
    async with serve(fake) as base_url:
        fake.links_to = base_url.replace("http://", "HTTP://")
        settings = SyncSettings(github_api_url=base_url, github_token=TOKEN)
        async with create_http_client(settings) as http:
            client = GitHubClient(http, settings)
            listing = await client.list_repositories(await client.get_owner("octocat"))
            hello = next(r for r in listing.repositories if r.name == "hello")
            fake.rename_repo("octocat", "hello", "hello-world")
            assert await client.get_languages(hello) == {"Python": 1200, "Shell": 100}
    assert len(listing.repositories) == 123
    assert [(call.path, call.status) for call in fake.requests[-2:]] == [
        ("/repos/octocat/hello/languages", 301),
        (f"/repositories/{hello.id}/languages", 200),
    ]
    assert "page=2" in fake.requests[2].query
    assert all(call.authorized for call in fake.requests)


def test_the_sync_command_prints_the_refusal_as_one_line(tmp_path: Path, fake: FakeGitHub) -> None:
    other = make_fake()
    database = DatabaseSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'moved.db'}")
    out = io.StringIO()
    with serve_in_thread(other) as other_url, serve_in_thread(fake) as base_url:
        fake.moved_to = other_url
        settings = SyncSettings(github_api_url=base_url, github_owners="octocat", github_token=TOKEN)
        assert run_sync_command(database, settings, stream=out) == 1
    errors = [line for line in out.getvalue().splitlines() if "error:" in line]
    assert errors == [
        f"  error: refused GitHub's redirect from /users/octocat to {other_url}: "
        f"not the origin of REPOFOLIO_GITHUB_API_URL ({base_url}), which alone gets the token"
    ]
    assert other.requests == [] and not token_seen(other)
