"""Each revision since 0006_repository_depth reaches a database the release before it left, with its rows intact,
and downgrades again (tests/db/test_migrations.py has the baseline and the revisions before)."""

from alembic import command
from sqlalchemy import inspect, select, text

from db import bookkeeping, contributed, contributions, images, migrate, models, profiles, releases, showcase  # noqa: F401  (registers every table on Base.metadata)
from db.engine import create_engine, create_schema, open_database
from db.models import Repository
from db.settings import DatabaseSettings
from tests.db.legacy import make_195a580_database, read_rows
from tests.db.revisions import heads, make_0006_database, revisions_of

RELEASE_TABLES = ("release", "release_check")


async def test_0009_outside_repositories_adds_empty_lists_to_a_database_at_0006_and_keeps_its_rows(
    db_settings: DatabaseSettings,
) -> None:
    """A database the previous release left at 0006, with data in it, gets the contributed lists and the light
    record marks, both empty until a sync with a token; every row it had is as it was, and downgrading to 0006
    removes both tables again."""
    url = db_settings.database_url
    engine = create_engine(db_settings)
    try:
        await make_0006_database(url, engine)
        before = await read_rows(url)
        await create_schema(engine)
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
            counts = [
                (await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar()
                for table in ("contributed_repository", "outside_repository")
            ]
        async with engine.begin() as conn:
            await conn.run_sync(lambda c: command.downgrade(migrate.alembic_config(c), "0006_repository_depth"))
            after_downgrade = await conn.run_sync(lambda c: inspect(c).get_table_names())
    finally:
        await engine.dispose()
    assert {"contributed_repository", "outside_repository"} <= set(tables) and counts == [0, 0]
    assert not {"contributed_repository", "outside_repository"} & set(after_downgrade)
    assert await read_rows(url) == before


async def test_0008_profile_fields_reaches_a_database_at_0006_with_counts_unknown_and_keeps_every_row(
    db_settings: DatabaseSettings,
) -> None:
    """A database the previous release left at 0006, with data in it, gets the follower, following and member
    counts (null: unknown until the next sync reads the profiles) and empty membership and status tables; its
    contributors, repositories and the rows pointing at them are as they were, and a downgrade to 0006 removes
    the additions again."""
    url = db_settings.database_url
    engine = create_engine(db_settings)
    try:
        await make_0006_database(url, engine)
        before = await read_rows(url)
        await create_schema(engine)
        async with engine.connect() as conn:
            counts = (
                await conn.execute(text("SELECT followers_count, following_count, members_count FROM contributor"))
            ).all()
            memberships = (await conn.execute(text("SELECT count(*) FROM organization_membership"))).scalar()
            statuses = (await conn.execute(text("SELECT count(*) FROM owner_status"))).scalar()
        async with engine.begin() as conn:
            await conn.run_sync(lambda c: command.downgrade(migrate.alembic_config(c), "0006_repository_depth"))
            tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
            columns = await conn.run_sync(lambda c: [col["name"] for col in inspect(c).get_columns("contributor")])
    finally:
        await engine.dispose()
    assert counts and set(counts) == {(None, None, None)}
    assert (memberships, statuses) == (0, 0)
    assert "organization_membership" not in tables and "owner_status" not in tables
    assert "followers_count" not in columns
    assert await read_rows(url) == before


async def test_0010_releases_adds_empty_release_tables_to_a_database_at_0006_and_keeps_its_rows(
    db_settings: DatabaseSettings,
) -> None:
    """A database the previous release left at 0006_repository_depth, with data in it, gets the release
    tables (issue 13) empty on its next start, so its next sync reads every repository's releases; every row
    it had is as it was, and downgrading to 0006 removes the tables again."""
    url = db_settings.database_url
    engine = create_engine(db_settings)
    try:
        await make_0006_database(url, engine)
        before = await read_rows(url)
        await create_schema(engine)
        assert await revisions_of(engine) == heads()
        async with engine.connect() as conn:
            counts = [(await conn.execute(text(f"SELECT count(*) FROM {t}"))).scalar() for t in RELEASE_TABLES]
        async with engine.begin() as conn:
            await conn.run_sync(lambda c: command.downgrade(migrate.alembic_config(c), "0006_repository_depth"))
            after_downgrade = await conn.run_sync(lambda c: inspect(c).get_table_names())
    finally:
        await engine.dispose()
    assert counts == [0, 0]
    assert not set(RELEASE_TABLES) & set(after_downgrade)
    assert await read_rows(url) == before


async def test_0011_repository_counts_leaves_every_count_unknown_until_the_next_sync_and_downgrades(
    db_settings: DatabaseSettings,
) -> None:
    """0011_repository_counts on a database of an earlier release: each repository's issue and pull-request
    counts are null (unknown: the API says so rather than answering 0, and the next sync reads them); every
    other row is as it was, and downgrading to 0006 drops the five columns and keeps every row."""
    url = db_settings.database_url
    await make_195a580_database(url)
    before = await read_rows(url)
    async with open_database(db_settings) as sessionmaker, sessionmaker() as session:
        counts = (
            await session.execute(
                select(
                    Repository.open_issues,
                    Repository.closed_issues,
                    Repository.open_pull_requests,
                    Repository.closed_pull_requests,
                    Repository.merged_pull_requests,
                )
            )
        ).all()
    assert len(counts) == 3 and set(counts) == {(None,) * 5}
    assert await read_rows(url) == before
    engine = create_engine(db_settings)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(lambda c: command.downgrade(migrate.alembic_config(c), "0006_repository_depth"))
            columns = await conn.run_sync(lambda c: {col["name"] for col in inspect(c).get_columns("repository")})
    finally:
        await engine.dispose()
    assert "subscribers_count" in columns and not columns & {"open_issues", "merged_pull_requests"}
    assert await read_rows(url) == before


async def test_0007_contributions_adds_empty_contribution_tables_to_a_database_of_the_previous_release(
    db_settings: DatabaseSettings,
) -> None:
    """A database at 0006_repository_depth (the release before the contributions) with data in it reaches head
    with the three contribution tables empty and every row as it was; downgrading to 0006 drops them again."""
    url = db_settings.database_url
    engine = create_engine(db_settings)
    tables = ("contribution_window", "contribution_day", "commit_contribution")
    try:
        await make_0006_database(url, engine)
        before = await read_rows(url)
        await create_schema(engine)
        async with engine.connect() as conn:
            counts = [(await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar() for table in tables]  # noqa: S608
        async with engine.begin() as conn:
            await conn.run_sync(lambda c: command.downgrade(migrate.alembic_config(c), "0006_repository_depth"))
            after_downgrade = await conn.run_sync(lambda c: inspect(c).get_table_names())
    finally:
        await engine.dispose()
    assert counts == [0, 0, 0]
    assert not set(tables) & set(after_downgrade)
    assert await read_rows(url) == before
