import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import strawberry
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from graph.app import Settings, create_app
from graph.demo.generator import DEMO_VIEWER, generate
from graph.engine import install
from graph.errors import masked_errors_extension
from graph.schema.auth import AdminAccess
from graph.schema.context import Context, Services
from graph.schema.query import create_schema
from graph.settings import ApiSettings
from tests.databases import DEMO, unless_copied
from tests.graph.expected import Expected
from tests.graph.statements import statements_sent

Execute = Callable[..., Awaitable[dict[str, Any]]]


# Which execution engines the schema tests run on: both by default; .ci/lowest.sh, which only proves that the
# lowest allowed versions install and behave, runs the planned one (the one served by default) alone.
ENGINES_VARIABLE = "REPOFOLIO_TEST_ENGINES"
ENGINES = ("planned", "plain")
TESTED_ENGINES = [name.strip() for name in os.environ.get(ENGINES_VARIABLE, ",".join(ENGINES)).split(",")]
if not TESTED_ENGINES or set(TESTED_ENGINES) - set(ENGINES):
    raise pytest.UsageError(f"{ENGINES_VARIABLE} names engines among {', '.join(ENGINES)}, comma-separated")


@pytest.fixture(scope="session", params=TESTED_ENGINES)
def schema(request: pytest.FixtureRequest) -> strawberry.Schema:
    """The schema on both engines: the planned path (graph.engine, as served by default) and Strawberry's
    field-by-field path (REPOFOLIO_PLANNED_EXECUTION=off). Every test of answers runs on both, so both
    give the same answers (REPOFOLIO_TEST_ENGINES may name one)."""
    schema = create_schema(extensions=[masked_errors_extension()])
    if request.param == "planned":
        install(schema)
    return schema


@pytest.fixture
async def demo_db(
    request: pytest.FixtureRequest, sessionmaker: async_sessionmaker[AsyncSession]
) -> async_sessionmaker[AsyncSession]:
    """The demo data set loaded: the database is a copy of the demo template (tests/databases.py), or loaded
    here where there is none (a PostgreSQL role without CREATEDB)."""
    await unless_copied(request, DEMO, sessionmaker)
    return sessionmaker


def make_execute(
    schema: strawberry.Schema,
    sessionmaker: async_sessionmaker[AsyncSession],
    reads: async_sessionmaker[AsyncSession],
    **settings: Any,
) -> Execute:
    services = Services(sessionmaker=sessionmaker, reads=reads, settings=ApiSettings(viewer=DEMO_VIEWER, **settings))

    async def execute(
        query: str, variables: dict[str, Any] | None = None, *, access: AdminAccess = AdminAccess.DISABLED
    ) -> dict[str, Any]:
        result = await schema.execute(query, variable_values=variables, context_value=Context(services, access=access))
        response: dict[str, Any] = {"data": result.data}
        if result.errors:
            response["errors"] = [error.formatted for error in result.errors]
        return response

    return execute


@pytest.fixture
def execute(
    schema: strawberry.Schema, demo_db: async_sessionmaker[AsyncSession], reads: async_sessionmaker[AsyncSession]
) -> Execute:
    return make_execute(schema, demo_db, reads)


async def ok(execute: Execute, query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    """Execute and assert there were no errors; return `data`."""
    result = await execute(query, variables, **kwargs)
    assert "errors" not in result, result.get("errors")
    return result["data"]


@dataclass
class Database:
    """A test database's engines and sessionmakers, and the statements a query costs in it."""

    engine: AsyncEngine
    read_engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    reads: async_sessionmaker[AsyncSession]

    async def counted(
        self, schema: strawberry.Schema, query: str, variables: dict[str, Any], *, allow_errors: bool = False
    ) -> tuple[int, Any]:
        """(SQL statements issued through either engine, data) for one query (without errors, unless allowed)."""
        with statements_sent(self.engine, self.read_engine) as statements:
            execute = make_execute(schema, self.sessionmaker, self.reads)
            result = (await execute(query, variables))["data"] if allow_errors else await ok(execute, query, variables)
        return len(statements), result


@pytest.fixture
def database(
    engine: AsyncEngine,
    read_engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    reads: async_sessionmaker[AsyncSession],
) -> Database:
    return Database(engine, read_engine, sessionmaker, reads)


@asynccontextmanager
async def running_app(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app running its lifespan, and an httpx client talking to it in process."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            yield client


@pytest.fixture
def expected() -> Expected:
    """The demo data set, re-derived in plain Python."""
    return Expected(generate())
