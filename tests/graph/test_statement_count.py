"""A GraphQL query costs a fixed number of SQL statements, however many repositories it covers."""

from typing import Any

import pytest
import strawberry
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from graph.demo import generate, load_rows
from tests.graph.conftest import make_execute, ok
from tests.graph.test_schema import PORTFOLIO


async def _count_statements(
    schema: strawberry.Schema, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], repos: int
) -> tuple[int, int]:
    data = generate(user_repos=repos, org_repos=0)
    await load_rows(sessionmaker, data)
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        result = await ok(make_execute(schema, sessionmaker), PORTFOLIO, {"login": data.viewer})
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    return len(statements), len(result["user"]["repositories"]["nodes"])


@pytest.mark.parametrize("repos", [3, 100])
async def test_portfolio_query_issues_the_same_statement_count_at_3_and_100_repositories(
    schema: strawberry.Schema, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], repos: int
) -> None:
    """user + repositories + primary languages + languages + contributor pages + their contributors: 6, whatever N."""
    statements, returned = await _count_statements(schema, engine, sessionmaker, repos)
    assert returned == repos
    assert statements == 6
