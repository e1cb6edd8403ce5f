"""For the migration tests: the revisions a database is at, this code's heads, and databases at 0002 and 0006."""

from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from db import migrate
from tests.db.legacy import make_195a580_database


def revisions(conn: Connection) -> tuple[str, ...]:
    return MigrationContext.configure(conn).get_current_heads()


async def revisions_of(engine: AsyncEngine) -> tuple[str, ...]:
    async with engine.connect() as conn:
        return await conn.run_sync(revisions)


def heads() -> tuple[str, ...]:
    return tuple(ScriptDirectory.from_config(migrate.alembic_config()).get_heads())


async def make_0002_database(url: str, engine: AsyncEngine) -> None:
    """A database of the release before the pins at `url`: 195a580's, with its data, upgraded to revision 0002."""
    await make_195a580_database(url)
    async with engine.begin() as conn:
        await conn.run_sync(lambda c: command.stamp(migrate.alembic_config(c), migrate.BASELINE))
        await conn.run_sync(lambda c: command.upgrade(migrate.alembic_config(c), "0002"))


async def make_0006_database(url: str, engine: AsyncEngine) -> None:
    """A database of the release before issues 12 and 13 at `url`: 0002's, upgraded to 0006_repository_depth."""
    await make_0002_database(url, engine)
    async with engine.begin() as conn:
        await conn.run_sync(lambda c: command.upgrade(migrate.alembic_config(c), "0006_repository_depth"))
