"""The fake GitHub behaves like GitHub where the client depends on it."""

import base64
import hashlib
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.fakes import templates
from tests.fakes.github import GITHUB_API, FakeGitHub
from tests.fakes.server import serve


@pytest.fixture
def fake() -> FakeGitHub:
    fake = FakeGitHub()
    fake.add_org("acme")
    fake.add_repos("acme", 65, language_bytes={"Python": 10})
    return fake


@pytest.fixture
async def client(fake: FakeGitHub) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.MockTransport(fake.handle)  # a sync handler works for AsyncClient
    async with httpx.AsyncClient(transport=transport, base_url=GITHUB_API, follow_redirects=True) as client:
        yield client


async def test_listing_pages_follow_link_headers_to_every_repository(client: httpx.AsyncClient) -> None:
    url: str | None = "/orgs/ACME/repos?per_page=20&sort=full_name"
    names: list[str] = []
    while url:
        response = await client.get(url)
        assert response.status_code == 200
        names += [repo["name"] for repo in response.json()]
        url = response.links.get("next", {}).get("url")
    assert names == [f"repo-{i:04d}" for i in range(1, 66)]
    assert response.links["first"]["url"] == f"{GITHUB_API}/orgs/ACME/repos?per_page=20&sort=full_name&page=1"
    assert "last" not in response.links


async def test_payloads_carry_every_key_of_githubs_examples(client: httpx.AsyncClient) -> None:
    listed = (await client.get("/users/acme/repos")).json()[0]
    full = (await client.get("/repos/acme/repo-0001")).json()
    admin_only = {"permissions", "security_and_analysis"}
    assert set(templates.template("minimal-repository")) - admin_only <= set(listed)
    assert full["full_name"] == "acme/repo-0001" and full["language"] == "Python"
    assert full["id"] == 100001 and full["owner"]["id"] == 1001 and full["organization"]["login"] == "acme"


async def test_matching_if_none_match_gets_304_without_using_rate_limit(
    client: httpx.AsyncClient, fake: FakeGitHub
) -> None:
    first = await client.get("/repos/acme/repo-0001")
    again = await client.get("/repos/acme/repo-0001", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["X-RateLimit-Remaining"] == first.headers["X-RateLimit-Remaining"] == "59"
    assert fake.not_modified_count == 1


async def test_exhausted_rate_limit_answers_403(client: httpx.AsyncClient, fake: FakeGitHub) -> None:
    fake.rate_limit(remaining=1, reset_at=4102444800)
    assert (await client.get("/orgs/acme")).status_code == 200
    response = await client.get("/orgs/acme", headers={"Authorization": "Bearer t0ken"})
    assert response.status_code == 200  # tokens have their own bucket of 5000
    response = await client.get("/orgs/acme")
    assert response.status_code == 403
    assert response.json()["message"].startswith("API rate limit exceeded for ")
    assert response.headers["X-RateLimit-Remaining"] == "0"
    assert response.headers["X-RateLimit-Reset"] == "4102444800"
    assert fake.authorization_seen == "Bearer t0ken"


async def test_renamed_repository_redirects_and_deleted_one_is_gone(
    client: httpx.AsyncClient, fake: FakeGitHub
) -> None:
    fake.rename_repo("acme", "repo-0001", "rocket")
    response = await client.get("/repos/acme/repo-0001/languages")
    assert response.json() == {"Python": 10}
    assert [call.status for call in fake.requests] == [301, 200]
    fake.delete_repo("acme", "rocket")
    assert (await client.get("/repos/acme/repo-0001")).status_code == 404


async def test_loopback_server_answers_through_a_real_socket(fake: FakeGitHub) -> None:
    fake.add_repo("acme", "secret", private=True)
    async with serve(fake) as base_url, httpx.AsyncClient(base_url=base_url) as client:
        assert base_url.startswith("http://127.0.0.1:")
        anonymous = await client.get("/orgs/acme/repos", params={"per_page": 100})
        authorized = await client.get("/orgs/acme/repos?per_page=100", headers={"Authorization": "token x"})
    assert len(anonymous.json()) == 65 and len(authorized.json()) == 66
    assert anonymous.json()[0]["url"].startswith(base_url)


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (204, None),
        (403, "The history or contributor list is too large to list contributors for this repository via the API."),
        (409, "Git Repository is empty."),
        (451, "Repository access blocked"),
    ],
)
async def test_contributors_answer_githubs_special_cases(
    client: httpx.AsyncClient, fake: FakeGitHub, status: int, message: str | None
) -> None:
    fake.answer("acme", "repo-0001", "contributors", status)
    response = await client.get("/repos/acme/repo-0001/contributors")
    assert response.status_code == status
    assert (response.json()["message"] if response.content else None) == message


async def test_injected_failures_answer_once_then_recover(client: httpx.AsyncClient, fake: FakeGitHub) -> None:
    fake.fail_next(1, status=502)
    fake.secondary_limit_next(retry_after=7)
    assert (await client.get("/orgs/acme")).status_code == 502
    limited = await client.get("/orgs/acme")
    assert limited.status_code == 403 and limited.headers["Retry-After"] == "7"
    assert "secondary rate limit" in limited.json()["message"]
    assert limited.headers["X-RateLimit-Remaining"] != "0"
    assert (await client.get("/orgs/acme")).status_code == 200


async def test_moved_to_and_links_to_send_clients_to_another_base(fake: FakeGitHub) -> None:
    """The knobs the token-origin tests use: a 301 to the same path elsewhere; Link URLs on another base."""
    async with httpx.AsyncClient(transport=httpx.MockTransport(fake.handle), base_url=GITHUB_API) as client:
        fake.links_to = "http://127.0.0.1:9"
        listing = await client.get("/orgs/acme/repos?per_page=50", headers={"X-Probe": "1"})
        assert listing.links["next"]["url"] == "http://127.0.0.1:9/orgs/acme/repos?per_page=50&page=2"
        fake.moved_to = "http://127.0.0.1:9/"
        moved = await client.get("/users/acme?x=1")
    assert (moved.status_code, moved.headers["Location"]) == (301, "http://127.0.0.1:9/users/acme?x=1")
    assert [headers.get("x-probe") for headers in fake.headers_seen] == ["1", None]


async def test_readme_answers_githubs_content_file_or_404(client: httpx.AsyncClient, fake: FakeGitHub) -> None:
    """/readme carries every key of GitHub's content-file example, the file base64-encoded with git's blob
    sha; a repository without one answers 404."""
    content = b"# Repo\n\n" + b"x" * 100
    fake.set_repo("acme", "repo-0001", readme=("docs/README.md", content))
    body = (await client.get("/repos/acme/repo-0001/readme")).json()
    assert set(templates.template("content-file")) <= set(body)
    assert (body["path"], body["size"], body["encoding"]) == ("docs/README.md", len(content), "base64")
    assert base64.b64decode(body["content"]) == content and max(map(len, body["content"].split("\n"))) == 60
    assert body["sha"] == hashlib.sha1(b"blob %d\0" % len(content) + content, usedforsecurity=False).hexdigest()
    assert body["html_url"] == "https://github.com/acme/repo-0001/blob/main/docs/README.md"
    assert (await client.get("/repos/acme/repo-0002/readme")).status_code == 404
