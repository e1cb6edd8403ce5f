"""A GraphQL query costs a fixed number of SQL statements, however many repositories it covers."""

from dataclasses import dataclass
from typing import Any

import pytest
import strawberry
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from graph.demo import generate, load_rows
from tests.graph.conftest import make_execute, ok
from tests.graph.test_schema import PORTFOLIO


@dataclass
class Database:
    engine: AsyncEngine
    read_engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    reads: async_sessionmaker[AsyncSession]

    async def counted(self, schema: strawberry.Schema, query: str, variables: dict[str, Any]) -> tuple[int, Any]:
        """(SQL statements issued through either engine, data) for one query."""
        statements: list[str] = []

        def count(*args: Any) -> None:
            statements.append(args[2])

        engines = {self.engine.sync_engine, self.read_engine.sync_engine}
        for engine in engines:
            event.listen(engine, "before_cursor_execute", count)
        try:
            result = await ok(make_execute(schema, self.sessionmaker, self.reads), query, variables)
        finally:
            for engine in engines:
                event.remove(engine, "before_cursor_execute", count)
        return len(statements), result


@pytest.fixture
def database(
    engine: AsyncEngine,
    read_engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    reads: async_sessionmaker[AsyncSession],
) -> Database:
    return Database(engine, read_engine, sessionmaker, reads)


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
