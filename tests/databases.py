"""The suite's databases: templates made once a session (migrated to head; migrated with the demo data set
loaded), copied for each test that wants one.

Migrating a new database costs ~0.2 s on SQLite and ~0.4 s on PostgreSQL, loading the demo data ~0.7 s more
on PostgreSQL: paid by each of ~850 tests, that was most of the suite's time. A copy is a file copy on
SQLite and a `CREATE DATABASE ... TEMPLATE` on PostgreSQL (~0.1 s). Tests that ask for no engine (the
migrations' own) still get an empty database.

On PostgreSQL every test gets a database of its own (the URL's database only serves to create it), which
needs the CREATEDB privilege (.ci/postgres.sh grants it); without it, the tests fall back to emptying the
URL's database and migrating it each time.
"""

import asyncio
import enum
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from db.engine import create_engine, create_schema, create_sessionmaker
from db.settings import DatabaseSettings
from graph.demo.generator import generate, load_rows


class Template(enum.Enum):
    """What a test's database holds when it starts."""

    MIGRATED = "migrated"  # at the head revision, as `repofolio serve` leaves a new database
    DEMO = "demo"  # that, and the demo data set loaded, as the `demo_db` fixture wants it


# The template a test's database was copied from (None: it started empty), for `demo_db` to know.
COPIED = pytest.StashKey["Template | None"]()


def wanted(fixturenames: Iterable[str]) -> Template | None:
    """The template a test's fixtures start from: none for a test that asks for no engine."""
    names = set(fixturenames)
    if "demo_db" in names:
        return Template.DEMO
    if "engine" in names:
        return Template.MIGRATED
    return None


async def fill(url: str, template: Template) -> None:
    """Bring the empty database at `url` to what `template` holds."""
    engine = create_engine(DatabaseSettings(database_url=url))
    try:
        await create_schema(engine)
        if template is Template.DEMO:
            await load_rows(create_sessionmaker(engine), generate())
    finally:
        await engine.dispose()


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def make_sqlite_templates(folder: Path) -> dict[Template, Path]:
    paths = {template: folder / f"{template.value}.db" for template in Template}
    for template, path in paths.items():
        asyncio.run(fill(sqlite_url(path), template))
        # Closing the last connection checkpointed the write-ahead log: the file alone is the database.
        assert not path.with_name(path.name + "-wal").exists()
    return paths


def copy_sqlite(template: Path, target: Path) -> None:
    shutil.copyfile(template, target)


@dataclass
class PostgresDatabases:
    """Databases on the server of `url`: one template each, and the one each test gets (`case`)."""

    url: str
    worker: str = field(default_factory=lambda: os.environ.get("PYTEST_XDIST_WORKER", ""))

    def name(self, what: str) -> str:
        return f"{make_url(self.url).database}_{what}{self.worker}"

    def url_of(self, name: str) -> str:
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)

    async def run(self, *statements: str) -> None:
        # CREATE and DROP DATABASE run outside a transaction, from the URL's own database.
        admin = create_async_engine(self.url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        try:
            async with admin.connect() as conn:
                for statement in statements:
                    await conn.exec_driver_sql(statement)
        finally:
            await admin.dispose()

    async def make_templates(self) -> bool:
        """Make the templates; False when the role may not create databases."""
        try:
            for template in Template:
                name = self.name(template.value)
                await self.run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
                await fill(self.url_of(name), template)
        except DBAPIError as error:
            if "permission denied" not in str(error):
                raise
            return False
        return True

    async def case(self, template: Template | None) -> str:
        """A new database for one test, a copy of `template` (else empty); its URL."""
        case, source = self.name("case"), self.name(template.value) if template else "template1"
        await self.run(
            f'DROP DATABASE IF EXISTS "{case}" WITH (FORCE)', f'CREATE DATABASE "{case}" TEMPLATE "{source}"'
        )
        return self.url_of(case)

    async def drop_all(self) -> None:
        names = [self.name("case"), *(self.name(template.value) for template in Template)]
        await self.run(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names))
