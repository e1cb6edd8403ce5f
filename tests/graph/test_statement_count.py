"""A GraphQL query costs a fixed number of SQL statements, however many repositories it covers."""

from typing import Any

import pytest
import strawberry
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from graph.demo import generate, load_rows
from tests.graph.conftest import make_execute, ok
from tests.graph.test_schema import PORTFOLIO


async def _counted(
    schema: strawberry.Schema,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    query: str,
    variables: dict[str, Any],
) -> tuple[int, Any]:
    """(SQL statements issued, data) for one query."""
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        result = await ok(make_execute(schema, sessionmaker), query, variables)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    return len(statements), result


async def _count_statements(
    schema: strawberry.Schema, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], repos: int
) -> tuple[int, int]:
    data = generate(user_repos=repos, org_repos=0)
    await load_rows(sessionmaker, data)
    statements, result = await _counted(schema, engine, sessionmaker, PORTFOLIO, {"login": data.viewer})
    return statements, len(result["user"]["repositories"]["nodes"])


@pytest.mark.parametrize("repos", [3, 100])
async def test_portfolio_query_issues_the_same_statement_count_at_3_and_100_repositories(
    schema: strawberry.Schema, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], repos: int
) -> None:
    """user + repositories + primary languages + languages + contributor pages + their contributors: 6, whatever N."""
    statements, returned = await _count_statements(schema, engine, sessionmaker, repos)
    assert returned == repos
    assert statements == 6


@pytest.mark.parametrize("count", [3, 60])
async def test_nodes_by_id_issue_the_same_statement_count_for_3_and_60_ids(
    schema: strawberry.Schema, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], count: int
) -> None:
    """Repositories, then owners for the ids that are not repositories: 2 statements, however many ids."""
    data = generate(user_repos=60, org_repos=0)
    await load_rows(sessionmaker, data)
    owner = next(row for row in data.contributors if row["login"] == data.viewer)
    ids = [row["node_id"] for row in data.repositories[: count - 1]] + [owner["node_id"]]
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
    statements, result = await _counted(schema, engine, sessionmaker, query, {"ids": ids})
    assert [node["id"] for node in result["nodes"]] == ids
    assert statements == 2
