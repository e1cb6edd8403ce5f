import logging
from datetime import UTC, datetime

import httpx
import pytest

from sync.cache import MemoryResponseCache
from sync.errors import (
    GitHubError,
    NetworkError,
    OwnerNotFound,
    RateLimited,
    RepositoryGone,
    SecondaryRateLimited,
    SyncError,
)
from sync.github.client import GitHubClient
from sync.github.transport import create_http_client
from sync.settings import SyncSettings
from tests.fakes.github import GITHUB_API, FakeGitHub
from tests.sync.conftest import TOKEN, Sleeps


def make_client(
    fake: FakeGitHub, sleeps: Sleeps, *, token: str | None = None, **overrides: object
) -> tuple[httpx.AsyncClient, GitHubClient]:
    settings = SyncSettings(github_api_url=GITHUB_API, github_token=token, retry_backoff=0.5, **overrides)
    http = create_http_client(settings, transport=httpx.MockTransport(fake.handle))
    return http, GitHubClient(http, settings, cache=MemoryResponseCache(), sleep=sleeps)


async def test_listing_follows_link_pages_and_asks_again_with_etags(fake: FakeGitHub, sleeps: Sleeps) -> None:
    """Two pages of repositories are followed by Link; asked again, every page is a free 304."""
    fake.add_repos("octocat", 120)
    http, client = make_client(fake, sleeps)
    async with http:
        owner = await client.get_owner("octocat")
        first = await client.list_repositories(owner)
        fake.reset_log()
        again = await client.list_repositories(owner)

    assert len(first.repositories) == 123 and not first.not_modified  # 3 from the fixture, private dropped
    assert [r.full_name for r in again.repositories] == [r.full_name for r in first.repositories]
    assert again.not_modified
    assert [(call.query, call.status, call.conditional) for call in fake.requests] == [
        ("type=owner&per_page=100", 304, True),
        ("type=owner&per_page=100&page=2", 304, True),
    ]
    assert client.stats.not_modified == 2


async def test_requests_carry_githubs_headers_and_the_token(fake: FakeGitHub, sleeps: Sleeps) -> None:
    http, client = make_client(fake, sleeps, token=TOKEN)
    async with http:
        owner = await client.get_owner("acme")
    assert owner.is_organization and owner.description == "Tools for everyone"
    assert [call.path for call in fake.requests] == ["/users/acme", "/orgs/acme"]
    assert fake.authorization_seen == f"Bearer {TOKEN}"
    assert http.headers["Accept"] == "application/vnd.github+json"
    assert http.headers["X-GitHub-Api-Version"] == "2022-11-28" and http.headers["User-Agent"] == "repofolio"


async def test_an_organization_known_from_the_cache_costs_one_profile_request(fake: FakeGitHub, sleeps: Sleeps) -> None:
    http, client = make_client(fake, sleeps)
    async with http:
        await client.get_owner("acme", known_type="Organization")
    assert [call.path for call in fake.requests] == ["/orgs/acme"]


async def test_secondary_rate_limit_waits_retry_after_then_succeeds(fake: FakeGitHub, sleeps: Sleeps) -> None:
    """A secondary limit with Retry-After: 7 is sat out for 7 seconds, then the request is repeated."""
    fake.secondary_limit_next(retry_after=7)
    http, client = make_client(fake, sleeps)
    async with http:
        owner = await client.get_owner("octocat")
    assert owner.account.login == "octocat"
    assert sleeps.waits == [7.0]
    assert [call.status for call in fake.requests] == [403, 200]


async def test_secondary_rate_limit_asking_too_long_a_wait_is_an_error(fake: FakeGitHub, sleeps: Sleeps) -> None:
    fake.secondary_limit_next(retry_after=3600, status=429)
    http, client = make_client(fake, sleeps, max_retry_wait=120)
    async with http:
        with pytest.raises(SecondaryRateLimited, match=r"secondary rate limit for /users/octocat; retry after 3600s"):
            await client.get_owner("octocat")
    assert sleeps.waits == []


async def test_server_errors_back_off_exponentially(fake: FakeGitHub, sleeps: Sleeps) -> None:
    fake.fail_next(3, status=503)
    http, client = make_client(fake, sleeps)
    async with http:
        await client.get_owner("octocat")
    assert sleeps.waits == [0.5, 1.0, 2.0]
    assert client.stats.requests == 4


async def test_primary_rate_limit_raises_with_the_reset_time_and_then_stops_asking(
    fake: FakeGitHub, sleeps: Sleeps
) -> None:
    reset = int(datetime.now(UTC).timestamp()) + 600
    fake.rate_limit(remaining=1, reset_at=reset)
    http, client = make_client(fake, sleeps)
    async with http:
        await client.get_owner("octocat")  # spends the last request
        with pytest.raises(RateLimited) as caught:
            await client.get_owner("acme")
    assert caught.value.reset_at == datetime.fromtimestamp(reset, UTC)
    assert fake.request_count == 1  # the headers said 0 left: it did not even ask
    assert client.rate_limit is not None and client.rate_limit.remaining == 0


async def test_rate_limit_answered_429_is_recognised(fake: FakeGitHub, sleeps: Sleeps) -> None:
    fake.rate_limit(remaining=0, status=429)
    http, client = make_client(fake, sleeps)
    async with http:
        with pytest.raises(RateLimited):
            await client.get_owner("octocat")
    assert sleeps.waits == []


async def test_renamed_repository_redirect_is_followed(fake: FakeGitHub, sleeps: Sleeps) -> None:
    """301 from an old name leads to /repositories/{id}: the details come from the same repository."""
    http, client = make_client(fake, sleeps)
    async with http:
        owner = await client.get_owner("octocat")
        hello = next(r for r in (await client.list_repositories(owner)).repositories if r.name == "hello")
        fake.rename_repo("octocat", "hello", "hello-world")
        languages = await client.get_languages(hello)
    assert languages == {"Python": 1200, "Shell": 100}
    assert [call.status for call in fake.requests[-2:]] == [301, 200]
    assert fake.requests[-1].path == f"/repositories/{hello.id}/languages"


async def test_special_statuses_map_to_typed_answers(fake: FakeGitHub, sleeps: Sleeps) -> None:
    http, client = make_client(fake, sleeps)
    async with http:
        owner = await client.get_owner("octocat")
        hello = next(r for r in (await client.list_repositories(owner)).repositories if r.name == "hello")
        for status, expected in ((204, []), (409, []), (403, None), (451, None)):
            fake.answer("octocat", "hello", "contributors", status)
            client.cache = MemoryResponseCache()
            assert await client.get_contributors(hello) == expected, status
        fake.answer("octocat", "hello", "languages", 451)
        assert await client.get_languages(hello) is None
        fake.delete_repo("octocat", "hello")
        with pytest.raises(RepositoryGone, match="repository octocat/hello is gone"):
            await client.get_languages(hello)
        with pytest.raises(OwnerNotFound, match="owner 'ghost' not found on GitHub"):
            await client.get_owner("ghost")


async def test_unexpected_status_is_a_github_error(fake: FakeGitHub, sleeps: Sleeps) -> None:
    fake.fail_next(1, status=418)
    http, client = make_client(fake, sleeps)
    async with http:
        with pytest.raises(GitHubError, match=r"^GitHub answered 418 for /users/octocat$"):
            await client.get_owner("octocat")


async def test_network_errors_are_retried_then_wrapped(sleeps: Sleeps) -> None:
    """Raw httpx errors never escape: after the retries the caller sees a NetworkError (a SyncError)."""

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    settings = SyncSettings(github_api_url=GITHUB_API, github_token=TOKEN, max_retries=2, retry_backoff=0.1)
    async with create_http_client(settings, transport=httpx.MockTransport(refuse)) as http:
        client = GitHubClient(http, settings, sleep=sleeps)
        with pytest.raises(NetworkError) as caught:
            await client.get_owner("octocat")
    assert isinstance(caught.value, SyncError) and isinstance(caught.value.__cause__, httpx.ConnectError)
    assert str(caught.value) == "GitHub unreachable for /users/octocat: ConnectError"
    assert sleeps.waits == [0.1, 0.2]


async def test_the_token_never_appears_in_errors_reprs_or_logs(
    fake: FakeGitHub, sleeps: Sleeps, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake.fail_next(2, status=500)
    fake.secondary_limit_next(retry_after=1)
    http, client = make_client(fake, sleeps, token=TOKEN, max_retries=1)
    texts = [repr(client), repr(http.headers), repr(SyncSettings(github_token=TOKEN))]
    async with http:
        with pytest.raises(SyncError) as caught:
            await client.get_owner("octocat")
        texts += [str(caught.value), repr(caught.value)]
        fake.rate_limit(remaining=0)
        with pytest.raises(RateLimited) as limited:
            await client.get_owner("acme")
        texts.append(str(limited.value))
    texts += [record.getMessage() for record in caplog.records]
    assert fake.authorization_seen == f"Bearer {TOKEN}"
    assert not [text for text in texts if TOKEN in text]
