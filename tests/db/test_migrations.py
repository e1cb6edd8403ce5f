"""Schema migrations: a 195a580 database is stamped and upgraded with its data; new databases get exactly the
schema 195a580 made; the models agree with the head revision; a newer database stops start-up in one line."""

import shutil
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from db import bookkeeping, contributed, contributions, images, migrate, models, profiles, releases, showcase  # noqa: F401  (registers every table on Base.metadata)
from db.base import Base
from db.data_version import read_data_version
from db.engine import DatabaseUnavailable, create_engine, create_schema, open_database
from db.models import Repository
from db.settings import DatabaseSettings
from db.showcase import Showcase
from tests.db.legacy import HIDDEN_SHOWCASE_KEYS, ROWS, make_195a580_database, read_rows
from tests.db.revisions import heads, make_0002_database, revisions, revisions_of


async def test_a_database_made_by_195a580_is_stamped_and_upgraded_with_its_data_intact(
    db_settings: DatabaseSettings,
) -> None:
    """Opening a 195a580 database the way every command does stamps it as the baseline and upgrades it to
    head; every row of every table is as it was, hidden showcase entries still hidden, the data version kept."""
    url = db_settings.database_url
    await make_195a580_database(url)
    before = await read_rows(url)
    assert {name: len(rows) for name, rows in before.items()} == {name: len(rows) for name, rows in ROWS.items()}

    async with open_database(db_settings) as sessionmaker, sessionmaker() as session:
        hidden = set(await session.scalars(select(Showcase.key).where(Showcase.hidden)))
        names = list(await session.scalars(select(Repository.full_name).order_by(Repository.id)))
        version = await read_data_version(session)
        assert heads() == await session.run_sync(lambda s: revisions(s.connection()))

    assert hidden == HIDDEN_SHOWCASE_KEYS
    assert names == ["Octo/alpha", "Octo/beta", "Octo/gamma"]
    assert version == 7
    assert await read_rows(url) == before


def _describe(conn: Connection) -> dict[str, Any]:
    """Every table's columns, keys, constraints and indexes, with their names, as the database reports them."""
    found = inspect(conn)
    schema: dict[str, Any] = {}
    for table in sorted(set(found.get_table_names()) - {"alembic_version"}):
        schema[table] = {
            "columns": [
                (c["name"], c["type"].compile(dialect=conn.dialect), c["nullable"], c["default"])
                for c in found.get_columns(table)
            ],
            "primary_key": found.get_pk_constraint(table),
            "foreign_keys": sorted(
                (fk["name"], fk["constrained_columns"], fk["referred_table"], fk["referred_columns"], fk["options"])
                for fk in found.get_foreign_keys(table)
            ),
            "unique": sorted((u["name"], u["column_names"]) for u in found.get_unique_constraints(table)),
            "indexes": sorted((i["name"], i["column_names"], i["unique"]) for i in found.get_indexes(table)),
        }
    if conn.dialect.name == "sqlite":  # SQLite keeps each table's and index's DDL as text: the very same
        rows = conn.exec_driver_sql(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name != 'alembic_version' ORDER BY name"
        )
        schema["sqlite_master"] = [tuple(row) for row in rows]
    return schema


async def test_a_new_database_gets_exactly_the_schema_195a580_made(
    db_settings: DatabaseSettings, tmp_path: Path
) -> None:
    """The baseline revision on an empty database makes what 195a580's create_all made: the same tables,
    columns, types, keys, constraint and index names (and on SQLite the same DDL text)."""
    await make_195a580_database(db_settings.database_url)
    made_by_195a580 = await _description(db_settings)
    if db_settings.database_url.startswith("postgresql"):
        engine = create_engine(db_settings)
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await engine.dispose()
    else:
        db_settings = DatabaseSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'new.db'}")
    engine = create_engine(db_settings)
    try:
        async with engine.begin() as conn:  # the baseline only: later revisions change the schema on purpose
            await conn.run_sync(lambda c: command.upgrade(migrate.alembic_config(c), migrate.BASELINE))
    finally:
        await engine.dispose()
    assert await _description(db_settings) == made_by_195a580


async def _description(settings: DatabaseSettings) -> dict[str, Any]:
    engine = create_engine(settings)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_describe)
    finally:
        await engine.dispose()


async def test_the_models_and_the_head_revision_agree(engine: AsyncEngine) -> None:
    """Alembic finds nothing to autogenerate between the models and a database upgraded to head: a model
    change without its migration fails here."""
    options = {"compare_type": True, "compare_server_default": True}
    async with engine.connect() as conn:
        differences = await conn.run_sync(
            lambda c: compare_metadata(MigrationContext.configure(c, opts=options), Base.metadata)
        )
    assert differences == []
    assert await revisions_of(engine) == heads()


async def test_a_database_newer_than_this_code_stops_start_up_with_one_line(engine: AsyncEngine) -> None:
    """A database at a revision this code does not have is left alone, and start-up fails with one line that
    names both revisions and says what to do."""
    async with engine.begin() as conn:
        await conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(DatabaseUnavailable) as raised:
        await create_schema(engine)
    message = str(raised.value)
    assert "\n" not in message
    assert message.endswith(
        f"the database is at revision 9999, newer than this repofolio (head {', '.join(heads())}): upgrade repofolio"
    )
    assert await revisions_of(engine) == ("9999",)


async def test_a_database_with_some_of_the_tables_and_no_version_is_refused(db_settings: DatabaseSettings) -> None:
    """Tables that look like part of a repofolio database, without alembic_version, are neither stamped nor
    completed: start-up stops with one line naming what is missing, and nothing is created."""
    await make_195a580_database(db_settings.database_url, statements=slice(0, 3))  # sync_run and cached_response
    engine = create_engine(db_settings)
    try:
        with pytest.raises(DatabaseUnavailable, match="some of repofolio's tables but not contributor, language"):
            await create_schema(engine)
        async with engine.connect() as conn:
            tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        assert tables == {"sync_run", "cached_response"}
    finally:
        await engine.dispose()


LATER_REVISION = """
import sqlalchemy as sa
from alembic import op

revision = "9000"
down_revision = "{head}"


def upgrade() -> None:
    # On SQLite, a copy of the table (batch mode), as a migration that alters a column would make.
    recreate = "always" if op.get_context().dialect.name == "sqlite" else "auto"
    with op.batch_alter_table("repository", recreate=recreate) as batch:
        batch.add_column(sa.Column("watchers_count", sa.Integer(), nullable=True))
"""


async def test_a_later_revision_reaches_a_195a580_database_and_keeps_every_row(
    db_settings: DatabaseSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A revision after the baseline that copies the repository table (SQLite batch mode) runs on a 195a580
    database: the new column is there, and the rows that refer to repositories (languages, contributors) are
    not deleted by cascade with the old copy of the table."""
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9000_later.py").write_text(LATER_REVISION.format(head=heads()[0]))
    monkeypatch.setattr(migrate, "MIGRATIONS", scripts)
    url = db_settings.database_url
    await make_195a580_database(url)
    before = await read_rows(url)

    engine = create_engine(db_settings)
    try:
        state = await create_schema(engine)
        assert state.made_before_migrations
        assert await revisions_of(engine) == ("9000",)
        async with engine.connect() as conn:
            columns = await conn.run_sync(lambda c: [col["name"] for col in inspect(c).get_columns("repository")])
            if conn.dialect.name == "sqlite":
                assert (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1
    finally:
        await engine.dispose()
    assert "watchers_count" in columns
    assert await read_rows(url) == before


async def test_0004_profiles_upgrades_a_database_of_the_previous_release_with_its_runs(
    db_settings: DatabaseSettings,
) -> None:
    """A database at 0002 (the release before the pins) with data in it reaches head: pinned_item is there and
    empty, every run keeps its row with nothing skipped and no GraphQL points, every other row as it was."""
    url = db_settings.database_url
    engine = create_engine(db_settings)
    try:
        await make_0002_database(url, engine)
        assert await revisions_of(engine) == ("0002",)
        before = await read_rows(url)
        await create_schema(engine)
        assert await revisions_of(engine) == heads()
        async with engine.connect() as conn:
            runs = (await conn.execute(text("SELECT skipped, graphql_points FROM sync_run ORDER BY id"))).all()
            pins = (await conn.execute(text("SELECT count(*) FROM pinned_item"))).scalar()
    finally:
        await engine.dispose()
    assert runs and set(runs) == {(None, 0)}
    assert pins == 0
    assert await read_rows(url) == before


async def test_0005_images_adds_an_empty_image_table_to_a_database_at_0002_and_keeps_its_rows(
    db_settings: DatabaseSettings,
) -> None:
    """A database an earlier release left at 0002, with data in it, gets the image table (issue 15) on the
    next start; every row it had is as it was, and downgrading to 0002 removes the table again."""
    url = db_settings.database_url
    engine = create_engine(db_settings)
    try:
        await make_0002_database(url, engine)
        before = await read_rows(url)
        await create_schema(engine)
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
            images = (await conn.execute(text("SELECT count(*) FROM image"))).scalar()
        async with engine.begin() as conn:
            await conn.run_sync(lambda c: command.downgrade(migrate.alembic_config(c), "0002"))
            after_downgrade = await conn.run_sync(lambda c: inspect(c).get_table_names())
    finally:
        await engine.dispose()
    assert "image" in tables and images == 0
    assert "image" not in after_downgrade
    assert await read_rows(url) == before


async def test_an_upgraded_database_has_depth_columns_unknown_until_its_next_sync(
    db_settings: DatabaseSettings,
) -> None:
    """0006_repository_depth on a 195a580 database: every repository's watcher count is null (unknown, so
    the next sync reads it even without a token) and earlier runs have no depth scope; the rest is intact."""
    url = db_settings.database_url
    await make_195a580_database(url)
    before = await read_rows(url)
    async with open_database(db_settings) as sessionmaker, sessionmaker() as session:
        watchers = list(await session.scalars(select(Repository.subscribers_count).order_by(Repository.id)))
        scopes = list(await session.scalars(select(bookkeeping.SyncRun.depth_scope)))
    assert watchers == [None, None, None]
    assert scopes and set(scopes) == {None}
    assert await read_rows(url) == before
