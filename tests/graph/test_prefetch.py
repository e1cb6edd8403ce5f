"""Prefetched fields answer as their DataLoaders would: values, errors and arguments alike."""

import pytest
import strawberry
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from graph.demo import DEMO_VIEWER, generate, load_rows
from tests.graph.test_statement_count import Database

LANGUAGES = (
    'query($first: Int) { user(login: "' + DEMO_VIEWER + '") { repositories(first: 5) { nodes {'
    " name languages(first: $first) { totalSize } primaryLanguage { name } } } } }"
)


@pytest.fixture
def database(
    engine: AsyncEngine,
    read_engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    reads: async_sessionmaker[AsyncSession],
) -> Database:
    return Database(engine, read_engine, sessionmaker, reads)


@pytest.mark.parametrize("first", [None, 1])
async def test_a_variable_in_a_node_fields_arguments_is_applied(
    schema: strawberry.Schema, database: Database, first: int | None
) -> None:
    """`languages(first: $first)` with a nullable variable, given or not: the page it asks for, with the same
    statement count as literal arguments (before, the prefetch failed the whole connection)."""
    await load_rows(database.sessionmaker, generate())
    statements, result = await database.counted(schema, LANGUAGES, {"first": first} if first else {})
    nodes = result["user"]["repositories"]["nodes"]
    assert len(nodes) == 5 and all(node["languages"]["totalSize"] > 0 for node in nodes)
    assert statements == 4
