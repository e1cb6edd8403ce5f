"""Repository.latestRelease and Repository.releases (issue 13), synced from the fake GitHub's REST /releases
and read on both engines, SQLite and PostgreSQL."""

from typing import Any

import httpx
import strawberry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from sync.github.client import GitHubClient
from sync.github.transport import create_http_client
from sync.refresh import refresh
from sync.settings import SyncSettings
from tests.fakes.github import GITHUB_API, FakeGitHub
from tests.fakes.releases import FakeRelease, rendered
from tests.fakes.templates import node_id, timestamp
from tests.graph.conftest import make_execute, ok
from tests.sync.conftest import TOKEN, make_fake

Maker = async_sessionmaker[AsyncSession]
FIELDS = "id databaseId name tagName publishedAt createdAt updatedAt url resourcePath isPrerelease isDraft isLatest"
REPOSITORIES = (
    """query($login: String!) { repositoryOwner(login: $login) { repositories(first: 100) { nodes {
  nameWithOwner latestRelease { ...release } releases(first: 100) { totalCount nodes { ...release } }
} } } }
fragment release on Release { description descriptionHTML repository { nameWithOwner } """
    + FIELDS
    + " }"
)


async def synced(sessionmaker: Maker, fake: FakeGitHub) -> None:
    settings = SyncSettings(github_owners="octocat,acme", github_token=TOKEN, github_api_url=GITHUB_API)
    async with create_http_client(settings, transport=httpx.MockTransport(fake.handle)) as http:
        assert (await refresh(sessionmaker, GitHubClient(http, settings), settings, trigger="CLI")).succeeded


def released() -> FakeGitHub:
    fake = make_fake()
    fake.add_release("octocat", "hello", "v1.0", name="One", body="First **cut**")
    fake.add_release("octocat", "hello", "v1.1", name="", body=None)
    fake.add_release("octocat", "hello", "v2.0-beta", name="Beta", prerelease=True)
    fake.add_release("octocat", "hello", "v2.0", draft=True, body="secret notes")
    fake.add_release("acme", "anvil", "anvil-0.1", name="Anvil")
    return fake


def expected(release: FakeRelease, full_name: str, latest: FakeRelease | None) -> dict[str, Any]:
    url = f"https://github.com/{full_name}/releases/tag/{release.tag_name}"
    return {
        "id": node_id("Release", release.id),
        "databaseId": release.id,
        "name": release.name,
        "tagName": release.tag_name,
        "publishedAt": timestamp(release.published_at),
        "createdAt": timestamp(release.created_at),
        "updatedAt": timestamp(release.updated_at or release.published_at),
        "url": url,
        "resourcePath": url.removeprefix("https://github.com"),
        "isPrerelease": release.prerelease,
        "isDraft": False,
        "isLatest": release is latest,
        "description": release.body,
        "descriptionHTML": rendered(release.body),
        "repository": {"nameWithOwner": full_name},
    }


async def test_every_release_field_of_every_repository_is_the_fakes(
    schema: strawberry.Schema, sessionmaker: Maker, reads: Maker
) -> None:
    """After a sync, each repository's releases are the fake's published ones, newest first without orderBy,
    every field as GitHub serves it (descriptionHTML GitHub's rendering, asked with the full media type in the
    same request); latestRelease is the newest that is not a prerelease (v1.1 here, under a
    newer beta), null without releases; the draft, which the token could see, is nowhere."""
    fake = released()
    await synced(sessionmaker, fake)
    execute = make_execute(schema, sessionmaker, reads)
    for login in ("octocat", "acme"):
        nodes = (await ok(execute, REPOSITORIES, {"login": login}))["repositoryOwner"]["repositories"]["nodes"]
        held = {r.full_name: r for r in fake.repos_by_id.values() if r.owner.login == login and not r.private}
        assert sorted(node["nameWithOwner"] for node in nodes) == sorted(held)
        for node in nodes:
            name = node["nameWithOwner"]
            published = sorted((r for r in held[name].releases if not r.draft), key=lambda r: r.created_at)[::-1]
            latest = next((r for r in published if not r.prerelease), None)
            assert node["releases"] == {
                "totalCount": len(published),
                "nodes": [expected(release, name, latest) for release in published],
            }
            assert node["latestRelease"] == (expected(latest, name, latest) if latest else None)
    hello = next(r for r in fake.repos_by_id.values() if r.name == "hello")
    assert [r.tag_name for r in hello.releases if not r.draft][1:2] == ["v1.1"]


PAGE = """query($after: String, $order: ReleaseOrder) { repository(owner: "octocat", name: "hello") {
  releases(first: 40, after: $after, orderBy: $order) { totalCount pageInfo { hasNextPage endCursor }
    nodes { tagName } } } }"""


async def all_pages(execute: Any, order: dict[str, str] | None) -> list[str]:
    tags: list[str] = []
    after = None
    while True:
        data = await ok(execute, PAGE, {"after": after, "order": order})
        connection = data["repository"]["releases"]
        assert connection["totalCount"] == 130
        tags += [node["tagName"] for node in connection["nodes"]]
        if not connection["pageInfo"]["hasNextPage"]:
            return tags
        after = connection["pageInfo"]["endCursor"]


async def test_hundreds_of_releases_page_in_every_order(
    schema: strawberry.Schema, sessionmaker: Maker, reads: Maker
) -> None:
    """130 releases page 40 at a time, by creation (newest first by default, or oldest first) and by name
    (the title, case-insensitively, else the tag); `last:` takes the end of the order."""
    fake = make_fake()
    for n in range(130):
        fake.add_release("octocat", "hello", f"t{n:03d}", name=None if n % 10 == 0 else f"{'Zz' if n % 2 else 'aa'}{n}")
    await synced(sessionmaker, fake)
    execute = make_execute(schema, sessionmaker, reads)
    by_creation = [f"t{n:03d}" for n in range(130)]
    assert await all_pages(execute, None) == by_creation[::-1]
    assert await all_pages(execute, {"field": "CREATED_AT", "direction": "ASC"}) == by_creation
    titles = {r.tag_name: (r.name or r.tag_name).lower() for r in fake.repo("octocat", "hello").releases}
    assert await all_pages(execute, {"field": "NAME", "direction": "ASC"}) == sorted(titles, key=lambda t: titles[t])
    data = await ok(
        execute, '{ repository(owner: "octocat", name: "hello") { releases(last: 2) { nodes { tagName } } } }'
    )
    assert data["repository"]["releases"]["nodes"] == [{"tagName": "t001"}, {"tagName": "t000"}]


async def test_a_release_id_finds_the_release_again(
    schema: strawberry.Schema, sessionmaker: Maker, reads: Maker
) -> None:
    """Release is a Node on GitHub: node(id:) with its id answers it, isLatest included."""
    fake = released()
    await synced(sessionmaker, fake)
    execute = make_execute(schema, sessionmaker, reads)
    (one,) = [r for r in fake.repo("octocat", "hello").releases if r.tag_name == "v1.1"]
    query = "query($id: ID!) { node(id: $id) { ... on Release { tagName isLatest repository { name } } } }"
    data = await ok(execute, query, {"id": node_id("Release", one.id)})
    assert data["node"] == {"tagName": "v1.1", "isLatest": True, "repository": {"name": "hello"}}
