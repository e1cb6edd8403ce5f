"""Issue and pull-request counts by state, what `issues(states:)` and `pullRequests(states:)` answer (issue 13).

REST's `open_issues_count` counts open issues and open pull requests together, so it is split here:

- With a token, from GitHub's GraphQL API: every repository each run (an issue opened or a pull request
  merged changes no push date), BATCH repositories per document, five `totalCount`s each. GraphQL has no
  free 304, so this costs a few points a run, counted from the answers' `rateLimit`.
- Without a token (GraphQL answers no anonymous caller): the open pull requests from REST
  `/repos/{o}/{r}/pulls?state=open&per_page=100` (one request for up to 100), and the open issues as
  `open_issues_count` minus them; only for new or pushed repositories and those whose `open_issues_count`
  moved, and no request at all when it is 0. Closed issues and closed or merged pull requests stay unknown
  (null).

Any fault fails the run before anything is applied, so the previous cache stays whole.
"""

from dataclasses import dataclass, field, fields
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Repository
from sync.errors import GitHubError, RepositoryGone
from sync.github.client import GitHubClient
from sync.github.graphql import NOT_FOUND
from sync.records import RepositoryRecord

# Repositories per document: five totalCounts each stay a few points a document (GitHub's cost is about a
# point per hundred connections) and well inside GitHub's limits on a document's size.
BATCH = 50
NO_TOKEN = (
    "closed issue and closed or merged pull-request counts skipped: no token (set REPOFOLIO_GITHUB_TOKEN); "
    "open counts read from REST for new, pushed or changed repositories"
)

COUNTS_FRAGMENT = """
fragment counts on Repository {
  databaseId
  openIssues: issues(states: OPEN) { totalCount }
  closedIssues: issues(states: CLOSED) { totalCount }
  openPullRequests: pullRequests(states: OPEN) { totalCount }
  closedPullRequests: pullRequests(states: CLOSED) { totalCount }
  mergedPullRequests: pullRequests(states: MERGED) { totalCount }
}
"""
ALIASES = {
    "open_issues": "openIssues",
    "closed_issues": "closedIssues",
    "open_pull_requests": "openPullRequests",
    "closed_pull_requests": "closedPullRequests",
    "merged_pull_requests": "mergedPullRequests",
}


@dataclass(frozen=True, slots=True)
class Counts:
    """One repository's counts; None where the run could not know it (closed and merged without a token)."""

    open_issues: int | None
    closed_issues: int | None
    open_pull_requests: int | None
    closed_pull_requests: int | None
    merged_pull_requests: int | None

    def values(self) -> dict[str, int | None]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


COLUMNS = tuple(f.name for f in fields(Counts))


@dataclass(slots=True)
class CountsRead:
    counts: dict[int, Counts] = field(default_factory=dict)  # repository id -> what this run read
    skipped: list[str] = field(default_factory=list)


async def load_open_counts(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[int, int | None]:
    """Each repository's stored open issues plus open pull requests (REST's open_issues_count), None unknown."""
    async with sessionmaker() as session:
        rows = await session.execute(select(Repository.id, Repository.open_issues, Repository.open_pull_requests))
        return {repo_id: None if a is None or b is None else a + b for repo_id, a, b in rows}


def counts_document(count: int) -> str:
    variables = ", ".join(f"$o{i}: String!, $n{i}: String!" for i in range(count))
    repositories = "\n".join(f"  r{i}: repository(owner: $o{i}, name: $n{i}) {{ ...counts }}" for i in range(count))
    return f"query Counts({variables}) {{\n{repositories}\n}}\n{COUNTS_FRAGMENT}"


async def collect_counts(
    client: GitHubClient,
    repositories: list[RepositoryRecord],
    stored_open: dict[int, int | None],
    pushed: set[int],
) -> CountsRead:
    """The counts of `repositories` (the listing, minus any gone): all of them with a token; without one,
    those new, pushed (`pushed`: their details were read this run) or whose open_issues_count moved."""
    if client.has_token:
        return CountsRead(counts=await _graphql_counts(client, repositories))
    wanted = [
        record
        for record in repositories
        if record.id in pushed or stored_open.get(record.id) != record.open_issues_count
    ]
    counts: dict[int, Counts] = {}
    for record in wanted:  # one at a time: few repositories, and 60 requests an hour without a token
        if record.open_issues_count == 0:  # nothing open of either kind: no request needed
            counts[record.id] = Counts(0, None, 0, None, None)
            continue
        # A repository new to the cache may have been read by an earlier run that failed before applying
        # (e.g. on the rate limit): that answer is reused, so successive runs complete a large first sync.
        fresh_since = (record.pushed_at or record.created_at) if record.id not in stored_open else None
        try:
            open_pulls = await client.get_open_pull_request_count(record, fresh_since=fresh_since)
        except RepositoryGone:  # the listing drops it next run; its counts are not read now
            continue
        if open_pulls is None:  # withheld (403, 451): unknown rather than guessed
            counts[record.id] = Counts(None, None, None, None, None)
        else:
            open_issues = max(record.open_issues_count - open_pulls, 0)
            counts[record.id] = Counts(open_issues, None, open_pulls, None, None)
    return CountsRead(counts=counts, skipped=[NO_TOKEN])


async def _graphql_counts(client: GitHubClient, repositories: list[RepositoryRecord]) -> dict[int, Counts]:
    counts: dict[int, Counts] = {}
    for start in range(0, len(repositories), BATCH):
        batch = repositories[start : start + BATCH]
        variables: dict[str, Any] = {}
        for i, record in enumerate(batch):
            variables[f"o{i}"], variables[f"n{i}"] = record.owner.login, record.name
        answer = await client.graphql.query(counts_document(len(batch)), variables, tolerate=frozenset({NOT_FOUND}))
        for i, record in enumerate(batch):
            found = answer.data.get(f"r{i}")
            # Gone or renamed since the listing a moment ago: the stored counts stay until the next listing.
            if found is None or found.get("databaseId") != record.id:
                continue
            counts[record.id] = _counts_of(found, record.full_name)
    return counts


def _counts_of(found: dict[str, Any], name: str) -> Counts:
    try:
        return Counts(**{column: int(found[alias]["totalCount"]) for column, alias in ALIASES.items()})
    except (KeyError, TypeError, ValueError) as exc:
        raise GitHubError(f"GitHub's GraphQL API sent unreadable counts for {name}") from exc


async def apply_counts(session: AsyncSession, read: CountsRead) -> set[int]:
    """Write the counts that differ from what is stored, for repositories the cache holds; the ids changed."""
    if not read.counts:
        return set()
    stored = {
        row.id: tuple(row[1:])
        for row in await session.execute(
            select(Repository.id, *(getattr(Repository, c) for c in COLUMNS)).where(
                Repository.id.in_(list(read.counts))
            )
        )
    }
    changed = [
        repo_id
        for repo_id, counts in sorted(read.counts.items())
        if repo_id in stored and stored[repo_id] != tuple(counts.values().values())
    ]
    if changed:  # bulk UPDATE by primary key: one executemany
        await session.execute(update(Repository), [{"id": i, **read.counts[i].values()} for i in changed])
    return set(changed)
