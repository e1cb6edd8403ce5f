"""GitHub requests a sync costs, measured against the fake GitHub (tests/fakes) through MockTransport.

    /tmp/venv/bin/python bench/sync_requests.py [N ...]      # default: 30 300

For each N: one user owning N public repositories (each with languages, contributors and a README; a third with
open issues and pull requests), a first sync and a no-change sync with a token (5,000/h), then how many runs a
first sync takes without a token (60/h, the budget reset between runs, as the runner's own retry after the
reset would see it).
"""

import asyncio
import sys
import tempfile
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from db.engine import create_engine, create_schema, create_sessionmaker  # noqa: E402
from db.settings import DatabaseSettings  # noqa: E402
from sync.github.client import GitHubClient  # noqa: E402
from sync.github.transport import create_http_client  # noqa: E402
from sync.refresh import SyncSummary, refresh  # noqa: E402
from sync.settings import SyncSettings  # noqa: E402
from tests.fakes.github import GITHUB_API, FakeGitHub  # noqa: E402


def build_fake(repositories: int) -> FakeGitHub:
    fake = FakeGitHub()
    fake.add_user("octocat")
    fake.add_repos(
        "octocat",
        repositories,
        language_bytes={"Python": 900, "Shell": 40},
        contributors=[("octocat", 5)],
        readme=("README.md", b"# A project\n\nWhat it does.\n"),
    )
    for i in range(1, repositories + 1, 3):  # a third with something open: REST's open_issues_count above 0
        fake.set_counts("octocat", f"repo-{i:04d}", issues={"OPEN": 2, "CLOSED": 5}, pulls={"OPEN": 1, "MERGED": 3})
    return fake


async def runs(fake: FakeGitHub, settings: SyncSettings, count: int, *, reset_between: bool) -> list[SyncSummary]:
    with tempfile.TemporaryDirectory() as directory:
        engine = create_engine(DatabaseSettings(database_url=f"sqlite+aiosqlite:///{directory}/bench.db"))
        await create_schema(engine)
        sessionmaker = create_sessionmaker(engine)
        summaries: list[SyncSummary] = []
        try:
            async with create_http_client(settings, transport=httpx.MockTransport(fake.handle)) as http:
                for _ in range(count):
                    client = GitHubClient(http, settings)
                    summaries.append(await refresh(sessionmaker, client, settings, trigger="CLI"))
                    if reset_between:
                        if summaries[-1].succeeded:
                            break
                        fake.rate_limit(remaining=fake.bucket(authenticated=False).limit)
        finally:
            await engine.dispose()
    return summaries


async def measure(repositories: int) -> None:
    token = SyncSettings(github_api_url=GITHUB_API, github_owners="octocat", github_token="bench-token")
    first, nightly = await runs(build_fake(repositories), token, 2, reset_between=False)
    anonymous = SyncSettings(github_api_url=GITHUB_API, github_owners="octocat")
    attempts = await runs(build_fake(repositories), anonymous, 50, reset_between=True)
    # The fake charges GraphQL's minimum, 1 point a document, so points are documents here; on GitHub the run's
    # graphqlPoints is what GitHub's rateLimit answered.
    rest_charged = nightly.github_requests - nightly.not_modified - nightly.graphql_points
    print(
        f"{repositories:>5} repositories | first sync: {first.github_requests:>4} requests "
        f"({first.graphql_points} GraphQL documents) | no-change sync: {nightly.github_requests} requests "
        f"({nightly.not_modified} x 304, {rest_charged} REST charged, {nightly.graphql_points} GraphQL documents), "
        f"data changed: {nightly.data_changed} | "
        f"without a token: {len(attempts)} runs, {sum(s.github_requests for s in attempts)} requests, "
        f"last {attempts[-1].status}"
    )


async def main(sizes: list[int]) -> None:
    for size in sizes:
        await measure(size)


if __name__ == "__main__":
    asyncio.run(main([int(arg) for arg in sys.argv[1:]] or [30, 300]))
