"""Prefetched fields answer as their DataLoaders would: values, errors and arguments alike."""

import asyncio
from typing import Any

import pytest
import strawberry
from graphql import GraphQLError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

from graph.demo.generator import DEMO_VIEWER, generate
from graph.demo.load import load_rows
from graph.read.loaders import Primer
from graph.schema.context import Context, Services
from graph.settings import ApiSettings
from tests.graph.conftest import Database
from tests.graph.statements import statements_sent

LANGUAGES = (
    'query($first: Int) { user(login: "' + DEMO_VIEWER + '") { repositories(first: 5) { nodes {'
    " name languages(first: $first) { totalSize } primaryLanguage { name } } } } }"
)


async def test_an_error_a_batch_returns_for_one_key_is_that_fields_error_and_no_other(
    schema: strawberry.Schema, demo_db: async_sessionmaker[AsyncSession], reads: async_sessionmaker[AsyncSession]
) -> None:
    """The languages batch answers one repository with an error, as a DataLoader batch function may: that
    repository's `languages` is null with that error at its path, the others keep their languages."""
    context = Context(Services(sessionmaker=demo_db, reads=reads, settings=ApiSettings(viewer=DEMO_VIEWER)))
    loader = context.loaders.languages_by_repository_id
    load, failed = loader.load_fn, []

    async def one_fails(keys: list[Any]) -> list[Any]:
        values = list(await load(keys))
        failed.append(keys[1][0])
        values[1] = GraphQLError("This repository's languages are unavailable.", extensions={"code": "NOT_FOUND"})
        return values

    loader.load_fn = one_fails  # type: ignore[assignment]
    result = await schema.execute(LANGUAGES, variable_values={"first": 2}, context_value=context)
    nodes = result.data["user"]["repositories"]["nodes"] if result.data else []
    assert len(nodes) == 5 and len(failed) == 1
    assert [error.message for error in result.errors or []] == ["This repository's languages are unavailable."]
    (error,) = result.errors or []
    assert error.path == ["user", "repositories", "nodes", 1, "languages"]
    assert nodes[1]["languages"] is None
    assert all(node["languages"]["totalSize"] > 0 for index, node in enumerate(nodes) if index != 1)


async def test_a_failing_batch_runs_once_and_fails_each_field_it_feeds(
    schema: strawberry.Schema, database: Database
) -> None:
    """The languages statement fails: it is sent once (not again by each field), and every repository's
    `languages` carries the masked error while the primary languages still answer."""
    await load_rows(database.sessionmaker, generate())
    async with database.sessionmaker.begin() as session:
        await session.execute(text("ALTER TABLE repository_language RENAME TO gone"))
    with statements_sent(database.engine, database.read_engine) as statements:
        services = Services(sessionmaker=database.sessionmaker, reads=database.reads, settings=ApiSettings())
        result = await schema.execute(LANGUAGES, variable_values={"first": 2}, context_value=Context(services))
    nodes = result.data["user"]["repositories"]["nodes"] if result.data else []
    assert [node["languages"] for node in nodes] == [None] * 5
    assert all(node["primaryLanguage"] is not None for node in nodes)
    assert sorted(error.path[3] for error in result.errors or []) == [0, 1, 2, 3, 4]
    assert sum("repository_language" in statement for statement in statements) == 1


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


async def test_a_cancelled_prefetch_stops_its_batch_and_a_later_load_asks_again() -> None:
    """Every caller of a batch is cancelled (a request timed out) while its statement runs: the batch is
    cancelled with it, and its keys are not left pending: a later `load` runs the batch function again."""
    started, calls = asyncio.Event(), []

    async def batch(keys: list[int]) -> list[int]:
        calls.append(keys)
        if len(calls) == 1:
            started.set()
            await asyncio.Event().wait()  # held until cancelled
        return [key * 10 for key in keys]

    loader: DataLoader[int, int] = DataLoader(load_fn=batch)
    primer = Primer()

    async def request() -> None:
        waiting = primer.prime([(loader, [1, 2])])
        assert waiting is not None
        await waiting

    caller = asyncio.create_task(request())
    await asyncio.wait_for(started.wait(), timeout=5)
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    assert await asyncio.wait_for(loader.load(2), timeout=5) == 20
    assert calls == [[1, 2], [2]]
