"""Depth data in the sync (issue 13): watchers read from the single repository GET, every run with a token
(conditional, so a no-change run is charged nothing), for new or pushed repositories without one."""

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import strawberry
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.bookkeeping import SyncRun
from db.data_version import read_data_version
from db.models import Repository, RepositoryReadme
from db.releases import Release
from graph.schema.description_html import description_html
from graph.schema.query import create_schema
from sync.depth import README_CAP, Readme
from sync.github.client import GitHubClient
from sync.github.transport import create_http_client
from sync.refresh import SyncSummary, refresh
from sync.settings import SyncSettings
from tests.fakes.github import GITHUB_API, FakeGitHub
from tests.fakes.templates import blob_sha
from tests.graph.conftest import make_execute, ok
from tests.sync.conftest import TOKEN, SyncOnce, repositories

Maker = async_sessionmaker[AsyncSession]
HELLO_README = b"# Hello\n\nThe classic.\n"

REPOSITORIES = """
query($login: String!) {
  repositoryOwner(login: $login) {
    repositories(first: 100) {
      nodes {
        nameWithOwner descriptionHTML shortDescriptionHTML(limit: 200) defaultBranchRef { name }
        forkCount forks { totalCount } stargazers { totalCount } watchers { totalCount }
        upper: object(expression: "HEAD:README.md") { ...blob }
        lower: object(expression: "HEAD:readme.md") { ...blob }
      }
    }
  }
}
fragment blob on Blob { text byteSize isBinary isTruncated oid abbreviatedOid }
"""


@pytest.fixture
def watched(fake: FakeGitHub) -> FakeGitHub:
    for owner, name, watchers in (("octocat", "hello", 4), ("octocat", "fork", 1), ("acme", "anvil", 12)):
        fake.set_repo(owner, name, watchers=watchers, forks=watchers + 1)
    fake.set_repo("octocat", "hello", description='Say "hi" :wave: & <wave> back')
    fake.set_repo("octocat", "hello", readme=("README.md", HELLO_README))
    fake.set_repo("acme", "anvil", readme=("readme.md", "# Anvil\n\nDrop it on a roadrunner. 🪨\n".encode()))
    fake.answer("octocat", "old", "readme", 409)  # an empty repository; octocat/fork has none: 404
    return fake


@pytest.fixture
def with_token(sessionmaker: Maker, watched: FakeGitHub) -> SyncOnce:
    settings = SyncSettings(github_owners="octocat,acme", github_token=TOKEN, github_api_url=GITHUB_API)

    async def run(**kwargs: Any) -> SyncSummary:
        async with create_http_client(settings, transport=httpx.MockTransport(watched.handle)) as http:
            return await refresh(sessionmaker, GitHubClient(http, settings), settings, trigger="CLI", **kwargs)

    return run


async def watchers(sessionmaker: Maker) -> dict[str, int | None]:
    return {name: row.subscribers_count for name, row in (await repositories(sessionmaker)).items()}


async def readmes(sessionmaker: Maker) -> dict[str, RepositoryReadme]:
    async with sessionmaker() as session:
        rows = await session.execute(
            select(Repository.full_name, RepositoryReadme).join(
                RepositoryReadme, RepositoryReadme.repository_id == Repository.id
            )
        )
        return {name: readme for name, readme in rows}


async def depth_scope(sessionmaker: Maker, run_id: int) -> str | None:
    async with sessionmaker() as session:
        return await session.scalar(select(SyncRun.depth_scope).where(SyncRun.id == run_id))


async def test_a_synced_repository_answers_every_depth_field_as_the_fake_holds_it(
    with_token: SyncOnce, sessionmaker: Maker, reads: Maker, watched: FakeGitHub
) -> None:
    """After a sync, each repository's descriptionHTML, default branch and fork, star and watcher counts are
    the fake's (watchers being GitHub's subscribers_count, not its watchers_count)."""
    assert (await with_token()).succeeded
    execute = make_execute(create_schema(), sessionmaker, reads)
    for login in ("octocat", "acme"):
        data = await ok(execute, REPOSITORIES, {"login": login})
        nodes = data["repositoryOwner"]["repositories"]["nodes"]
        held = {r.full_name: r for r in watched.repos_by_id.values() if r.owner.login == login and not r.private}
        assert sorted(node["nameWithOwner"] for node in nodes) == sorted(held)
        for node in nodes:
            repo = held[node["nameWithOwner"]]
            html = description_html(repo.description)
            readme = None
            if repo.readme is not None:
                path, content = repo.readme
                oid = blob_sha(content)
                readme = {"text": content.decode(), "byteSize": len(content), "isBinary": False}
                readme.update(isTruncated=False, oid=oid, abbreviatedOid=oid[:7])
            assert node == {
                "nameWithOwner": repo.full_name,
                "descriptionHTML": html,
                "shortDescriptionHTML": html.removeprefix("<div>").removesuffix("</div>"),
                "defaultBranchRef": {"name": repo.default_branch},
                "forkCount": repo.forks,
                "forks": {"totalCount": repo.forks},
                "stargazers": {"totalCount": repo.stargazers},
                "watchers": {"totalCount": repo.watchers},
                "upper": readme if repo.readme and repo.readme[0] == "README.md" else None,
                "lower": readme if repo.readme and repo.readme[0] == "readme.md" else None,
            }
    hello = await ok(execute, '{ repository(owner: "octocat", name: "hello") { descriptionHTML } }')
    assert hello["repository"]["descriptionHTML"] == (
        '<div>Say "hi" <g-emoji class="g-emoji" alias="wave" fallback-src="https://github.githubassets.com/images/'
        'icons/emoji/unicode/1f44b.png">👋</g-emoji> &amp; &lt;wave&gt; back</div>'
    )


async def test_with_a_token_a_no_change_sync_is_charged_nothing_and_a_new_watcher_is_followed_without_a_push(
    with_token: SyncOnce, sessionmaker: Maker, watched: FakeGitHub
) -> None:
    """With a token every repository's GET is asked each run: all 304 (free) when nothing changed, and a
    new watcher on a repository nobody pushed to lands in the next run."""
    first = await with_token()
    assert first.succeeded and await depth_scope(sessionmaker, first.run_id) == "ALL"
    assert await watchers(sessionmaker) == {"acme/anvil": 12, "octocat/fork": 1, "octocat/hello": 4, "octocat/old": 0}
    watched.reset_log()
    remaining = watched.bucket().remaining

    quiet = await with_token()

    # 2 profiles, 2 listings (today's no-change cost), 4 repository GETs, the 2 READMEs there are, the 4
    # release lists (an empty one has an ETag too) and the user's public organizations: every one a 304, none
    # charged; and the profiles', the contributions' and the counts' GraphQL documents (GraphQL has no 304: 1
    # point each, not REST requests). The absent READMEs (404, 409: no ETag) wait for a push or a week.
    assert quiet.succeeded and quiet.unchanged == 4 and not quiet.data_changed
    assert (quiet.github_requests, quiet.not_modified) == (18, 15)
    assert watched.bucket().remaining == remaining  # the core rate limit: nothing charged
    assert sorted(call.path for call in watched.requests if call.path.startswith("/repos/")) == [
        "/repos/acme/anvil", "/repos/acme/anvil/readme", "/repos/acme/anvil/releases", "/repos/octocat/fork",
        "/repos/octocat/fork/releases", "/repos/octocat/hello", "/repos/octocat/hello/readme",
        "/repos/octocat/hello/releases", "/repos/octocat/old", "/repos/octocat/old/releases",
    ]  # fmt: skip
    async with sessionmaker() as session:
        version = await read_data_version(session)

    watched.set_repo("acme", "anvil", watchers=13)  # no push, no listing change
    watched.set_repo("octocat", "hello", readme=("README.md", b"# Hello\n\nEdited.\n"))
    watched.add_release("octocat", "fork", "v0.1.0", name="First")  # a tag of a pushed commit: no push
    followed = await with_token()

    assert followed.succeeded and followed.updated == 3
    assert (await watchers(sessionmaker))["acme/anvil"] == 13
    assert (await readmes(sessionmaker))["octocat/hello"].text == "# Hello\n\nEdited.\n"
    async with sessionmaker() as session:
        assert list(await session.scalars(select(Release.tag_name))) == ["v0.1.0"]
    async with sessionmaker() as session:
        assert await read_data_version(session) == version + 1


async def test_without_a_token_watchers_are_read_for_new_and_pushed_repositories_only(
    sync_once: SyncOnce, sessionmaker: Maker, watched: FakeGitHub
) -> None:
    """60 requests an hour and 304s charged: a watcher change waits for the repository's next push, and the
    run records NEW_OR_PUSHED so syncStatus can say so."""
    first = await sync_once()
    assert await depth_scope(sessionmaker, first.run_id) == "NEW_OR_PUSHED"
    assert (await watchers(sessionmaker))["acme/anvil"] == 12
    watched.set_repo("acme", "anvil", watchers=13)
    watched.reset_log()

    quiet = await sync_once()
    assert quiet.succeeded and quiet.github_requests == 4  # profiles and listings only
    assert (await watchers(sessionmaker))["acme/anvil"] == 12

    watched.set_repo("acme", "anvil", pushed_at=datetime(2025, 1, 1, tzinfo=UTC))
    pushed = await sync_once()
    assert pushed.succeeded and (await watchers(sessionmaker))["acme/anvil"] == 13


async def test_a_withheld_repository_has_no_watcher_count_and_is_not_asked_again_within_a_week(
    with_token: SyncOnce, sessionmaker: Maker, watched: FakeGitHub
) -> None:
    """451 on the repository GET keeps the repository with watchers unknown (0 in the API); the answer has no
    ETag, so asking every night would be charged: it is asked again after a week."""
    watched.add_repo("octocat", "blocked", language_bytes={"Python": 7})
    watched.block_repo("octocat", "blocked")
    assert (await with_token()).succeeded
    assert (await watchers(sessionmaker))["octocat/blocked"] is None
    watched.reset_log()
    assert (await with_token()).succeeded
    assert watched.count("/repos/octocat/blocked") == 0


async def test_sync_status_says_which_repositories_the_last_run_read_depth_data_for(
    sync_once: SyncOnce, sessionmaker: Maker, reads: Maker
) -> None:
    """syncStatus.lastRun.depthScope is NEW_OR_PUSHED after a token-less run."""
    assert (await sync_once()).succeeded
    schema: strawberry.Schema = create_schema()
    data = await ok(make_execute(schema, sessionmaker, reads), "{ syncStatus { lastRun { depthScope } } }")
    assert data == {"syncStatus": {"lastRun": {"depthScope": "NEW_OR_PUSHED"}}}


async def test_readme_absences_are_recorded_and_asked_again_after_a_week(
    with_token: SyncOnce, sessionmaker: Maker, watched: FakeGitHub
) -> None:
    """No README (404) and an empty repository (409) are normal: recorded, the run succeeds; a week later the
    absence is asked again, and a README added meanwhile lands."""
    assert (await with_token()).succeeded
    found = await readmes(sessionmaker)
    assert (found["octocat/fork"].status, found["octocat/old"].status) == (404, 409)
    assert found["octocat/fork"].text is None and found["octocat/hello"].path == "README.md"
    watched.set_repo("octocat", "fork", readme=("README.md", b"forked\n"))
    watched.reset_log()
    assert (await with_token()).succeeded
    assert watched.count("/repos/octocat/fork/readme") == 0
    async with sessionmaker.begin() as session:
        await session.execute(update(RepositoryReadme).values(checked_at=datetime.now(UTC) - timedelta(days=8)))
    assert (await with_token()).succeeded
    assert watched.count("/repos/octocat/fork/readme") == 1
    assert (await readmes(sessionmaker))["octocat/fork"].text == "forked\n"


async def test_without_a_token_a_readme_edit_waits_for_a_push(
    sync_once: SyncOnce, sessionmaker: Maker, watched: FakeGitHub
) -> None:
    """Token-less runs ask /readme for new or pushed repositories only."""
    assert (await sync_once()).succeeded
    watched.set_repo("octocat", "hello", readme=("README.md", b"v2\n"))
    assert (await sync_once()).succeeded
    assert (await readmes(sessionmaker))["octocat/hello"].text == HELLO_README.decode()
    watched.set_repo("octocat", "hello", pushed_at=datetime(2025, 2, 1, tzinfo=UTC))
    assert (await sync_once()).succeeded
    assert (await readmes(sessionmaker))["octocat/hello"].text == "v2\n"


def test_binary_and_oversized_readmes_are_flagged() -> None:
    """A NUL byte in the first 8000 bytes makes a README binary (text null); past 512 KiB the text is cut."""
    binary = Readme.of(200, {"path": "README", "sha": "a" * 40, "size": 3, "encoding": "base64", "content": "AAEC"})
    assert (binary.is_binary, binary.text, binary.byte_size) == (True, None, 3)
    big = ("é" * (README_CAP // 2 + 10)).encode()
    content = base64.b64encode(big).decode()
    large = Readme.of(
        200, {"path": "README.md", "sha": "b" * 40, "size": len(big), "encoding": "base64", "content": content}
    )
    assert large.is_truncated and large.text is not None and len(large.text.encode()) == README_CAP
    assert large.byte_size == len(big)
