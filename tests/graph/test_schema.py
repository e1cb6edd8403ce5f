"""The schema executed over the demo data set, compared with what the data says independently."""

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Repository
from graph.demo.generator import DEMO_VIEWER
from tests.graph.conftest import Execute, ok
from tests.graph.expected import Expected, iso

PORTFOLIO = """
query($login: String!) {
  user(login: $login) {
    repositories(first: 100) {
      totalCount
      nodes {
        name
        primaryLanguage { name color }
        languages(first: 10) { totalSize edges { size node { name color } } }
        contributors(first: 10) { edges { contributions node { login avatarUrl } } }
        repositoryTopics(first: 10) { nodes { topic { name } } }
      }
    }
  }
}
"""


async def test_portfolio_query_returns_every_repository_with_languages_contributors_and_topics(
    execute: Execute, expected: Expected
) -> None:
    """The front-end's one round trip carries the whole portfolio, in the contract's default orders."""
    data = await ok(execute, PORTFOLIO, {"login": DEMO_VIEWER})
    repositories = expected.repositories(expected.owner["id"])
    got = data["user"]["repositories"]
    assert got["totalCount"] == len(repositories)
    assert [node["name"] for node in got["nodes"]] == [r["name"] for r in repositories]
    for node, row in zip(got["nodes"], repositories, strict=True):
        languages = expected.languages_of(row["id"])
        assert [(e["node"]["name"], e["node"]["color"], e["size"]) for e in node["languages"]["edges"]] == languages[
            :10
        ]
        assert node["languages"]["totalSize"] == sum(size for _, _, size in languages)
        primary = expected.languages.get(row["primary_language_id"])
        assert node["primaryLanguage"] == ({"name": primary["name"], "color": primary["color"]} if primary else None)
        contributors = [(e["node"]["login"], e["contributions"]) for e in node["contributors"]["edges"]]
        assert contributors == expected.contributors_of(row["id"])[:10]
        assert [n["topic"]["name"] for n in node["repositoryTopics"]["nodes"]] == row["topics"][:10]


async def test_a_failing_prefetch_statement_is_reported_on_each_field_it_feeds(
    execute: Execute, demo_db: async_sessionmaker[AsyncSession], expected: Expected
) -> None:
    """The languages statement fails: each repository's `languages` is null with a masked error at its own
    path, and everything else of the portfolio still answers."""
    async with demo_db.begin() as session:
        await session.execute(text("ALTER TABLE repository_language RENAME TO gone"))
    result = await execute(PORTFOLIO, {"login": DEMO_VIEWER})
    nodes = result["data"]["user"]["repositories"]["nodes"]
    repositories = expected.repositories(expected.owner["id"])
    assert [node["name"] for node in nodes] == [r["name"] for r in repositories]
    assert all(node["languages"] is None and node["contributors"]["edges"] for node in nodes)
    assert sorted(error["path"][3] for error in result["errors"]) == list(range(len(repositories)))
    for error in result["errors"]:
        assert error["message"] == "Internal server error"
        assert error["path"][-1] == "languages"
        assert "gone" not in str(error) and "repository_language" not in str(error)


async def test_repository_fields_follow_githubs_shapes(execute: Execute, expected: Expected) -> None:
    """A single repository answers with GitHub's field names, URLs and UTC timestamps."""
    row = next(r for r in expected.data.repositories if r["license"] and r["default_branch"])
    owner, name = row["full_name"].split("/")
    data = await ok(
        execute,
        """query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) {
            name nameWithOwner url resourcePath createdAt pushedAt databaseId isPrivate visibility
            stargazerCount forkCount stargazers { totalCount } defaultBranchRef { name prefix }
            licenseInfo { key spdxId } owner { login ... on User { name } } } }""",
        {"owner": owner.upper(), "name": name},
    )
    repository = data["repository"]
    assert repository["nameWithOwner"] == row["full_name"]
    assert repository["resourcePath"] == "/" + row["full_name"]
    assert repository["createdAt"] == iso(row["created_at"])
    assert repository["createdAt"].endswith("Z")
    assert repository["databaseId"] == row["id"]
    assert (repository["isPrivate"], repository["visibility"]) == (False, "PUBLIC")
    assert repository["stargazers"]["totalCount"] == repository["stargazerCount"] == row["stargazers_count"]
    assert repository["defaultBranchRef"] == {"name": row["default_branch"], "prefix": "refs/heads/"}
    assert repository["licenseInfo"]["key"] == row["license"]["key"]
    assert repository["owner"]["login"] == owner


async def test_unknown_login_is_null_with_a_not_found_error_and_the_rest_still_answers(execute: Execute) -> None:
    """GitHub's behaviour: a missing record is null plus a NOT_FOUND error; other fields still resolve."""
    result = await execute(
        '{ user(login: "no-such-user") { login } viewer { login } repository(owner: "x", name: "y") { name } }'
    )
    assert result["data"] == {"user": None, "viewer": {"login": DEMO_VIEWER}, "repository": None}
    codes = sorted((error["path"][0], error["extensions"]["code"]) for error in result["errors"])
    assert codes == [("repository", "NOT_FOUND"), ("user", "NOT_FOUND")]


async def test_organization_and_user_lookups_return_only_their_own_kind(execute: Execute, expected: Expected) -> None:
    """user() does not answer for an organization, organization() not for a user; repositoryOwner() for both."""
    org = next(row for row in expected.data.contributors if row["type"] == "Organization")
    data = await ok(
        execute,
        """query($org: String!, $user: String!) {
            organization(login: $org) { login description repositories { totalCount } }
            owner: repositoryOwner(login: $user) { __typename login }
            orgOwner: repositoryOwner(login: $org) { __typename }
        }""",
        {"org": org["login"], "user": DEMO_VIEWER},
    )
    assert data["organization"]["login"] == org["login"]
    assert data["organization"]["repositories"]["totalCount"] == len(expected.repositories(org["id"]))
    assert data["owner"] == {"__typename": "User", "login": DEMO_VIEWER}
    assert data["orgOwner"] == {"__typename": "Organization"}
    result = await execute("query($org: String!) { user(login: $org) { login } }", {"org": org["login"]})
    assert result["data"] == {"user": None}
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("field", ["CREATED_AT", "NAME", "PUSHED_AT", "STARGAZERS", "UPDATED_AT"])
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_repository_orders_are_total_with_nulls_last(
    execute: Execute, demo_db: async_sessionmaker[AsyncSession], expected: Expected, field: str, direction: str
) -> None:
    """Every order breaks ties by nameWithOwner and puts nulls last in either direction."""
    column = {
        "CREATED_AT": "created_at",
        "NAME": "name",
        "PUSHED_AT": "pushed_at",
        "STARGAZERS": "stargazers_count",
        "UPDATED_AT": "updated_at",
    }[field]
    # The demo data has no nulls and almost no ties: make some. Every third repository was never pushed;
    # every fourth shares its stars and timestamps with the others of its kind; two owners' repositories
    # share a name.
    same = datetime(2021, 6, 1, tzinfo=UTC)
    repositories = [dict(row) for row in expected.data.repositories]
    for index, row in enumerate(repositories):
        if index % 4 == 1:
            row.update(stargazers_count=7, created_at=same, updated_at=same, pushed_at=same)
        if index % 3 == 0:
            row["pushed_at"] = None
    twins = list({row["owner_id"]: row for row in reversed(repositories)}.values())[:2]
    assert len({row["owner_id"] for row in twins}) == 2
    for row in twins:
        login = expected.accounts[row["owner_id"]]["login"]
        row.update(name="twin", full_name=f"{login}/twin", full_name_key=f"{login}/twin".lower())
    async with demo_db.begin() as session:
        for row in repositories:
            values = {key: row[key] for key in ("name", "full_name", "full_name_key", *ORDER_COLUMNS)}
            await session.execute(update(Repository).where(Repository.id == row["id"]).values(**values))

    def value(row: dict[str, Any]) -> Any:
        raw = row[column]
        return raw.lower() if isinstance(raw, str) else raw

    rows = [r for r in repositories if value(r) is not None]
    rows.sort(key=lambda r: r["full_name_key"])
    rows.sort(key=value, reverse=direction == "DESC")
    nulls = sorted((r for r in repositories if value(r) is None), key=lambda r: r["full_name_key"])
    assert bool(nulls) == (field == "PUSHED_AT")
    assert len({value(r) for r in rows}) < len(rows)  # ties to break
    data = await ok(
        execute,
        "query($order: RepositoryOrder) { repositories(first: 100, orderBy: $order) { nodes { nameWithOwner } } }",
        {"order": {"field": field, "direction": direction}},
    )
    assert [n["nameWithOwner"] for n in data["repositories"]["nodes"]] == [r["full_name"] for r in rows + nulls]


ORDER_COLUMNS = ("stargazers_count", "created_at", "updated_at", "pushed_at")


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_never_pushed_repositories_sort_last_and_pages_cross_into_them(
    execute: Execute, demo_db: async_sessionmaker[AsyncSession], expected: Expected, direction: str
) -> None:
    """A null pushedAt sorts last in either direction, per owner and across owners, and cursors page through it."""
    never_pushed = {r["id"] for r in expected.data.repositories[::4]}
    async with demo_db.begin() as session:
        await session.execute(update(Repository).where(Repository.id.in_(never_pushed)).values(pushed_at=None))
    rows = [r for r in expected.data.repositories if r["id"] not in never_pushed]
    rows.sort(key=lambda r: r["full_name_key"])
    rows.sort(key=lambda r: r["pushed_at"], reverse=direction == "DESC")
    rows += sorted((r for r in expected.data.repositories if r["id"] in never_pushed), key=lambda r: r["full_name_key"])
    query = """query($login: String!, $order: RepositoryOrder, $first: Int, $after: String) {
        repositories(first: $first, after: $after, orderBy: $order) {
            pageInfo { hasNextPage endCursor } nodes { nameWithOwner pushedAt } }
        user(login: $login) { repositories(first: 100, orderBy: $order) { nodes { nameWithOwner } } } }"""
    variables: dict[str, Any] = {"login": DEMO_VIEWER, "order": {"field": "PUSHED_AT", "direction": direction}}

    walked: list[dict[str, Any]] = []
    after = None
    while True:
        data = await ok(execute, query, {**variables, "first": 6, "after": after})
        walked += data["repositories"]["nodes"]
        if not data["repositories"]["pageInfo"]["hasNextPage"]:
            break
        after = data["repositories"]["pageInfo"]["endCursor"]
    assert [n["nameWithOwner"] for n in walked] == [r["full_name"] for r in rows]
    assert [n["pushedAt"] for n in walked[-len(never_pushed) :]] == [None] * len(never_pushed)
    assert all(n["pushedAt"] is not None for n in walked[: -len(never_pushed)])
    mine = [r["full_name"] for r in rows if r["owner_id"] == expected.owner["id"]]
    assert [n["nameWithOwner"] for n in data["user"]["repositories"]["nodes"]] == mine


async def test_cursors_walk_forward_and_backward_over_the_whole_listing(execute: Execute) -> None:
    """Paging with first/after and last/before visits every repository once, with a truthful pageInfo."""
    query = """query($first: Int, $after: String, $last: Int, $before: String) {
        repositories(first: $first, after: $after, last: $last, before: $before) {
            totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { nameWithOwner } } }"""
    everything = [n["nameWithOwner"] for n in (await ok(execute, query, {}))["repositories"]["nodes"]]
    assert len(everything) == 40

    forward: list[str] = []
    after = None
    while True:
        page = (await ok(execute, query, {"first": 7, "after": after}))["repositories"]
        assert page["totalCount"] == 40
        forward += [n["nameWithOwner"] for n in page["nodes"]]
        assert page["pageInfo"]["hasPreviousPage"] == (after is not None)
        last_cursor = page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = last_cursor
    assert forward == everything

    backward: list[str] = []
    before = None
    while True:
        page = (await ok(execute, query, {"last": 6, "before": before}))["repositories"]
        backward = [n["nameWithOwner"] for n in page["nodes"]] + backward
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert backward == everything

    past_the_end = (await ok(execute, query, {"first": 5, "after": last_cursor}))["repositories"]
    assert past_the_end["nodes"] == [] and past_the_end["totalCount"] == 40


@pytest.mark.parametrize(
    ("first", "code"), [(0, "INVALID_PAGINATION"), (101, "EXCESSIVE_PAGINATION"), (-1, "INVALID_PAGINATION")]
)
async def test_page_size_outside_1_to_100_is_an_error_naming_the_limit(execute: Execute, first: int, code: str) -> None:
    """first/last are limited to 1..100, as GitHub limits them; the error names the argument, with GitHub's code."""
    result = await execute("query($n: Int) { repositories(first: $n) { totalCount } }", {"n": first})
    assert result["data"] is None
    assert "`first`" in result["errors"][0]["message"]
    assert result["errors"][0]["extensions"]["code"] == code


async def test_garbage_cursor_is_a_clear_error(execute: Execute) -> None:
    result = await execute('{ repositories(after: "not-a-cursor") { totalCount } }')
    assert "cursor" in result["errors"][0]["message"]
