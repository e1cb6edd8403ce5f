"""A GraphQL query costs a fixed number of SQL statements, however many repositories it covers."""

from typing import Any

import pytest
import strawberry

from graph.demo.generator import generate
from graph.demo.load import load_rows
from graph.schema.ids import own_id
from tests.graph.conftest import Database
from tests.graph.test_schema import PORTFOLIO
from tests.sync.conftest import add_run


@pytest.mark.parametrize("repos", [3, 100])
async def test_portfolio_query_issues_the_same_statement_count_at_3_and_100_repositories(
    schema: strawberry.Schema, database: Database, repos: int
) -> None:
    """user + repositories + primary languages + languages + contributor pages + their contributors: 6, whatever N."""
    data = generate(user_repos=repos, org_repos=0)
    await load_rows(database.sessionmaker, data)
    statements, result = await database.counted(schema, PORTFOLIO, {"login": data.viewer})
    assert len(result["user"]["repositories"]["nodes"]) == repos
    assert statements == 6


@pytest.mark.parametrize("count", [3, 60])
async def test_nodes_by_id_issue_the_same_statement_count_for_3_and_60_ids(
    schema: strawberry.Schema, database: Database, count: int
) -> None:
    """Repositories, then owners for the ids that are not repositories: 2 statements, however many ids."""
    data = generate(user_repos=60, org_repos=0)
    await load_rows(database.sessionmaker, data)
    owner = next(row for row in data.contributors if row["login"] == data.viewer)
    ids = [row["node_id"] for row in data.repositories[: count - 1]] + [owner["node_id"]]
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
    statements, result = await database.counted(schema, query, {"ids": ids})
    assert [node["id"] for node in result["nodes"]] == ids
    assert statements == 2


# --- nested shapes: siblings share one batch per DataLoader, so the count does not grow with the page ---------

REPOSITORY_CHILDREN = """name
  languages(first: 3) { totalSize nodes { name } }
  contributors(first: 3) { totalCount nodes { login } }
  repositoryTopics(first: 3) { nodes { topic { name } } }"""

NESTED_SHAPES = {
    # account (both owners in one lookup), their pages, languages, contributor pages + their accounts
    "owner -> repositories -> languages/contributors/topics": (
        "query($n: Int!) {"
        f" user(login: $viewer) {{ repositories(first: $n) {{ nodes {{ {REPOSITORY_CHILDREN} }} }} }}"
        f" organization(login: $org) {{ repositories(first: $n) {{ nodes {{ {REPOSITORY_CHILDREN} }} }} }} }}",
        5,
    ),
    # all contributors, their repositories, primary languages, languages (the issue's shape)
    "contributors -> repositories -> languages": (
        "query($n: Int!) { contributors(first: $n) { nodes { repositories(first: 3) { nodes {"
        " primaryLanguage { name } languages(first: 2) { totalSize } } } } } }",
        4,
    ),
    # repositories, their owners, the owners' pinned items, the pinned items' languages and primary languages
    "repositories -> owner -> pinnedItems -> languages": (
        "query($n: Int!) { repositories(first: $n) { nodes { owner { login pinnedItems(first: 3) { nodes {"
        " ... on Repository { name primaryLanguage { name } languages(first: 2) { totalSize } } } } } } } }",
        5,
    ),
    # repositories, their owners, the users' statuses and organization pages, those organizations' repositories
    "repositories -> owner -> status/organizations -> repositories": (
        "query($n: Int!) { repositories(first: $n) { nodes { owner { login ... on User {"
        " followers(first: 1) { totalCount } status { emoji user { login } }"
        " organizations(first: 5) { totalCount nodes { login membersWithRole(first: 1) { totalCount }"
        " repositories(first: 2) { nodes { name } } } } } } } } }",
        5,
    ),
    # account, repository pages (2 orders), languages (2 argument sets: `fresh` shares `big`'s), contributor
    # pages + accounts for 2 argument sets
    "aliases of one connection with different arguments": (
        "query($n: Int!) { user(login: $viewer) {"
        " repositories(first: $n) { nodes {"
        "  big: languages(first: 1) { totalSize }"
        "  small: languages(first: 2, orderBy: {field: SIZE, direction: ASC}) { nodes { name } }"
        "  top: contributors(first: 1) { nodes { login } }"
        "  byLogin: contributors(first: 2, orderBy: {field: LOGIN, direction: ASC}) { nodes { login } } } }"
        " fresh: repositories(first: $n, orderBy: {field: NAME, direction: ASC}) { nodes {"
        "  languages(first: 1) { totalSize } } } } }",
        9,
    ),
    # the three listings; under the repositories: languages, contributor pages + accounts, the contributors'
    # repositories and their primary languages
    "cross-cache repositories/languages/contributors nested": (
        "query($n: Int!) {"
        " repositories(first: $n) { nodes { name languages(first: 2) { totalSize } contributors(first: 2) { nodes {"
        "  login repositories(first: 2) { nodes { name primaryLanguage { name } } } } } } }"
        " contributors(first: $n) { nodes { login totalContributions } }"
        " languages(first: $n) { nodes { name } } }",
        8,
    ),
    # contributors, their repositories, those repositories' contributor pages + accounts, those contributors'
    # repositories (other arguments: none cached), their languages
    "contributors -> repositories -> contributors -> repositories -> languages": (
        "query($n: Int!) { contributors(first: $n) { nodes { repositories(first: 2) { nodes {"
        " contributors(first: 2) { nodes { login repositories(first: 3) { nodes {"
        " languages(first: 2) { totalSize } } } } } } } } } }",
        6,
    ),
    # account, repositories, the latest releases and the release pages (isLatest in the same statement)
    "owner -> repositories -> latestRelease/releases": (
        "query($n: Int!) { user(login: $viewer) { repositories(first: $n) { nodes {"
        " latestRelease { tagName } releases(first: 3) { totalCount nodes { tagName isLatest } } } } } }",
        4,
    ),
    # both owners in one lookup, their repository pages in one: the counts ride on the repository rows
    "owner -> repositories -> issues/pullRequests counts": (
        "query($n: Int!) {"
        " user(login: $viewer) { repositories(first: $n) { nodes { name open: issues(states: OPEN) { totalCount }"
        "  issues { totalCount } pullRequests(states: [MERGED, CLOSED]) { totalCount nodes { number } } } } }"
        " organization(login: $org) { repositories(first: $n) { nodes {"
        "  pullRequests(states: OPEN) { totalCount pageInfo { hasNextPage } } } } } }",
        2,
    ),
    # only ids of repositories: repositories, then their languages and primary languages
    "nodes(ids:) -> languages": (
        "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Repository { name"
        " languages(first: 2) { totalSize } primaryLanguage { name } } } }",
        3,
    ),
}


def _variables(shape: str, data: Any, n: int) -> dict[str, Any]:
    if shape.startswith("nodes"):
        return {"ids": [row["node_id"] for row in data.repositories[:n]]}
    organization = next(row for row in data.contributors if row["type"] == "Organization")
    return {"n": n, "viewer": data.viewer, "org": organization["login"]}


def _declared(query: str, variables: dict[str, Any]) -> str:
    """`query` with $viewer and $org written in (they are fixed logins)."""
    return query.replace("$viewer", f'"{variables["viewer"]}"').replace("$org", f'"{variables["org"]}"')


def _sizes(result: Any) -> list[int]:
    """How many objects each top-level connection (or list) answered with."""
    found = []
    for value in result.values():
        if isinstance(value, list):
            found.append(len(value))
            continue
        for child in value.values():
            if isinstance(child, dict) and "nodes" in child:
                found.append(len(child["nodes"]))
        if "nodes" in value:
            found.append(len(value["nodes"]))
    return found


@pytest.mark.parametrize("n", [2, 20])
@pytest.mark.parametrize("shape", list(NESTED_SHAPES))
async def test_nested_shapes_issue_the_same_statement_count_for_small_and_large_pages(
    schema: strawberry.Schema, database: Database, shape: str, n: int
) -> None:
    """Each shape costs its fixed count of statements whether its top connection holds 2 or 20 objects."""
    data = generate(user_repos=50, org_repos=20)
    await load_rows(database.sessionmaker, data)
    query, expected = NESTED_SHAPES[shape]
    variables = _variables(shape, data, n)
    if "ids" not in variables:
        query = _declared(query, variables)
        variables = {"n": n}
    statements, result = await database.counted(schema, query, variables)
    assert set(_sizes(result)) == {n}
    assert statements == expected


SKIPPED = """query($n: Int!, $yes: Boolean!, $no: Boolean!) { user(login: "%s") { repositories(first: $n) { nodes {
  name
  languages(first: 2) @skip(if: $yes) { totalSize }
  contributors(first: 2) @include(if: $no) { totalCount }
  ... on Repository @skip(if: true) { primaryLanguage { name } }
  ...Owner @include(if: $no)
} } } }
fragment Owner on Repository { owner { login } }"""


@pytest.mark.parametrize("n", [2, 20])
async def test_fields_that_skip_or_include_leave_out_issue_no_statement(
    schema: strawberry.Schema, database: Database, n: int
) -> None:
    """@skip(if: true) and @include(if: false), on fields, inline fragments and fragment spreads, with literals
    or variables: the account and its repositories are the only statements, at 2 repositories as at 20."""
    data = generate(user_repos=30, org_repos=0)
    await load_rows(database.sessionmaker, data)
    query = SKIPPED % data.viewer
    statements, result = await database.counted(schema, query, {"n": n, "yes": True, "no": False})
    nodes = result["user"]["repositories"]["nodes"]
    assert len(nodes) == n
    assert all(set(node) == {"name"} for node in nodes)
    assert statements == 2
    # The same query with the fields kept loads them, one batch each (contributors: pages, then accounts).
    statements, result = await database.counted(schema, query, {"n": n, "yes": False, "no": True})
    assert all(
        set(node) == {"name", "languages", "contributors", "owner"} for node in result["user"]["repositories"]["nodes"]
    )
    assert statements == 2 + 1 + 2 + 1


@pytest.mark.parametrize("per_kind", [1, 9])  # nodes(ids:) takes at most 100 ids
async def test_nodes_of_every_kind_issue_the_same_statement_count_however_many_ids(
    schema: strawberry.Schema, database: Database, per_kind: int
) -> None:
    """Repositories, owners, contributors, languages, releases, licenses, topics, repository topics, sync runs
    and invented ids together: each lookup is one batch, so 10 ids cost what 90 do (11 statements: a release
    also loads whether it is the latest, its repository sharing the repository topics' batch)."""
    data = generate(user_repos=40, org_repos=10)
    await load_rows(database.sessionmaker, data)
    runs = [await add_run(database.sessionmaker, "CLI", status="SUCCEEDED") for _ in range(per_kind)]
    repositories = [row for row in data.repositories if row["license"] and row["topics"]][:per_kind]
    assert len(repositories) == per_kind
    contributors = sorted({link["contributor_id"] for link in data.repository_contributors})[:per_kind]
    owners = [row["node_id"] for row in data.contributors if row["login"] in (data.viewer, "fictional-demo-labs")]
    ids = [
        *(row["node_id"] for row in repositories),
        *(owners * per_kind)[:per_kind],
        *(own_id("Contributor", contributor) for contributor in contributors),
        *(own_id("Language", row["name"]) for row in data.languages[:per_kind]),
        *(row["node_id"] for row in data.releases[0][:per_kind]),
        *(row["license"]["node_id"] for row in repositories),
        *(own_id("Topic", row["topics"][0]) for row in repositories),
        *(own_id("RepositoryTopic", f"{row['id']}:{row['topics'][0]}") for row in repositories),
        *(own_id("SyncRun", run) for run in runs),
        *(own_id("Topic", f"invented-{index}") for index in range(per_kind)),
    ]
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
    statements, result = await database.counted(schema, query, {"ids": ids}, allow_errors=True)
    assert [node["id"] if node else None for node in result["nodes"]] == ids[:-per_kind] + [None] * per_kind
    assert statements == 11


@pytest.mark.parametrize("repos", [3, 60])
async def test_readmes_of_a_page_cost_one_statement_whatever_its_size(
    schema: strawberry.Schema, database: Database, repos: int
) -> None:
    """user + repositories + one README statement for the whole page, at 3 and 60 repositories."""
    data = generate(user_repos=repos, org_repos=0)
    await load_rows(database.sessionmaker, data)
    query = """{ user(login: "%s") { repositories(first: 100) {
      nodes { object(expression: "HEAD:README.md") { ... on Blob { text } } } } } }"""
    count, result = await database.counted(schema, query % data.viewer, {})
    assert len(result["user"]["repositories"]["nodes"]) == repos
    assert count == 3
