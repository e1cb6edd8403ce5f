"""The suite's databases: templates made once a session (migrated to head; with the demo data set loaded; or
whatever a test module registers, such as the search tests' synced data), copied for each test that wants one.

Migrating a new database costs ~0.2 s on SQLite and ~0.4 s on PostgreSQL, loading the demo data ~0.7 s more
on PostgreSQL: paid by each of ~850 tests, that was most of the suite's time. A copy is a file copy on
SQLite and a `CREATE DATABASE ... TEMPLATE` on PostgreSQL (~0.1 s). Tests that ask for no engine (the
migrations' own) still get an empty database. A template is made the first time a test wants it.

On PostgreSQL every test gets a database of its own (the URL's database only serves to create it), which
needs the CREATEDB privilege (.ci/postgres.sh grants it); without it, the tests fall back to emptying the
URL's database and migrating it each time.
"""

import asyncio
import os
import shutil
import threading
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from db.engine import create_engine, create_schema, create_sessionmaker
from db.settings import DatabaseSettings
from graph.demo.generator import generate
from graph.demo.load import load_rows

# Another session holds the database: one FORCE may not end (insufficient privilege), or a template in use.
BUSY_DATABASE = {"42501", "55006"}

Fill = Callable[[async_sessionmaker[AsyncSession]], Awaitable[None]]


@dataclass(frozen=True)
class Template:
    """What a test's database holds when it starts: the head revision, and what `fill` writes (if any)."""

    name: str
    fill: Fill | None = None


async def load_demo(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    await load_rows(sessionmaker, generate())


MIGRATED = Template("migrated")  # as `repofolio serve` leaves a new database
DEMO = Template("demo", load_demo)  # as the `demo_db` fixture wants it
# The fixture whose tests start from each template; the first found among a test's fixtures wins, else
# MIGRATED for a test that asks for an engine.
BY_FIXTURE: dict[str, Template] = {"demo_db": DEMO}
# The template a test's database was copied from (None: it started empty), for the filling fixture to know.
COPIED = pytest.StashKey["Template | None"]()


def register(fixture: str, template: Template) -> Template:
    """Tests that use `fixture` start from a copy of `template` (a test module's own data, made once)."""
    BY_FIXTURE[fixture] = template
    return template


def wanted(fixturenames: Iterable[str]) -> Template | None:
    """The template a test's fixtures start from: none for a test that asks for no engine."""
    names = list(fixturenames)
    for name in names:
        if name in BY_FIXTURE:
            return BY_FIXTURE[name]
    return MIGRATED if "engine" in names else None


async def unless_copied(request: pytest.FixtureRequest, template: Template, sessionmaker: Any) -> None:
    """Write what `template` holds here, where the database is not a copy of it (PostgreSQL without CREATEDB)."""
    if request.node.stash.get(COPIED, None) is not template and template.fill:
        await template.fill(sessionmaker)


def apart(work: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run `work` to its end on an event loop of its own: templates are made from inside a test's loop."""
    failure: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(work())
        except BaseException as error:
            failure.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


async def fill(url: str, template: Template) -> None:
    """Bring the empty database at `url` to what `template` holds."""
    engine = create_engine(DatabaseSettings(database_url=url))
    try:
        await create_schema(engine)
        if template.fill:
            await template.fill(create_sessionmaker(engine))
    finally:
        await engine.dispose()


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


@dataclass
class SqliteTemplates:
    folder: Path
    made: dict[Template, Path] = field(default_factory=dict)

    def copy(self, template: Template, target: Path) -> None:
        if template not in self.made:
            path = self.folder / f"{template.name}.db"
            apart(lambda: fill(sqlite_url(path), template))
            # Closing the last connection checkpointed the write-ahead log: the file alone is the database.
            assert not path.with_name(path.name + "-wal").exists()
            self.made[template] = path
        shutil.copyfile(self.made[template], target)


@dataclass
class PostgresDatabases:
    """Databases on the server of `url`: one per template, and the one each test gets (`case`)."""

    url: str
    worker: str = field(default_factory=lambda: os.environ.get("PYTEST_XDIST_WORKER", ""))
    made: set[Template] = field(default_factory=set)

    def name(self, what: str) -> str:
        return f"{make_url(self.url).database}_{what}{self.worker}"

    def url_of(self, name: str) -> str:
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)

    async def run(self, *statements: str) -> None:
        # CREATE and DROP DATABASE run outside a transaction, from the URL's own database. An autovacuum
        # worker may be in the database for a moment: a superuser's session, which FORCE may not end (42501)
        # and a TEMPLATE copy must wait for (55006); it leaves within seconds, so ask again for up to 10 s.
        admin = create_async_engine(self.url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        try:
            for attempt in range(100):
                try:
                    async with admin.connect() as conn:
                        for statement in statements:
                            await conn.exec_driver_sql(statement)
                    return
                except DBAPIError as error:
                    if attempt == 99 or getattr(error.orig, "sqlstate", None) not in BUSY_DATABASE:
                        raise
                await asyncio.sleep(0.1)
        finally:
            await admin.dispose()

    async def may_create_databases(self) -> bool:
        engine = create_async_engine(self.url, poolclass=NullPool)
        try:
            async with engine.connect() as conn:
                query = "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user"
                return bool(await conn.scalar(text(query)))
        finally:
            await engine.dispose()

    async def make(self, template: Template) -> None:
        name = self.name(template.name)
        await self.run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
        await fill(self.url_of(name), template)

    async def case(self, template: Template | None) -> str:
        """A new database for one test, a copy of `template` (else empty); its URL."""
        if template and template not in self.made:
            apart(lambda: self.make(template))
            self.made.add(template)
        case, source = self.name("case"), self.name(template.name) if template else "template1"
        await self.run(
            f'DROP DATABASE IF EXISTS "{case}" WITH (FORCE)', f'CREATE DATABASE "{case}" TEMPLATE "{source}"'
        )
        return self.url_of(case)

    async def drop_all(self) -> None:
        names = [self.name("case"), *(self.name(template.name) for template in self.made)]
        await self.run(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names))
