"""A database made the way repofolio 195a580, the last release without migrations, made it, with data in it.

The schema comes from tests/db/data/schema-195a580.<dialect>.sql: the statements that release's create_all
sent, recorded from live servers and committed as they were. A literal snapshot rather than the baseline
migration's upgrade, so a test of that migration does not check it against itself, and rather than today's
models, which will move on. Rows go in and come out through tables reflected from the database itself, for
the same reason.
"""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, MetaData, insert, select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

DATA = Path(__file__).with_name("data")
T0 = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
T1 = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


def _repository(number: int, name: str, **values: Any) -> dict[str, Any]:
    full_name = f"Octo/{name}"
    return {
        "id": number,
        "node_id": f"R_{number}",
        "owner_id": 1,
        "name": name,
        "full_name": full_name,
        "full_name_key": full_name.lower(),
        "description": None,
        "homepage": None,
        "html_url": f"https://github.com/{full_name}",
        "is_fork": False,
        "is_archived": False,
        "is_template": False,
        "has_issues": True,
        "visibility": "public",
        "stargazers_count": 0,
        "forks_count": 0,
        "disk_usage": None,
        "default_branch": "main",
        "primary_language_id": None,
        "license": None,
        "topics": [],
        "created_at": T0,
        "updated_at": T1,
        "pushed_at": None,
        "synced_at": None,
        **values,
    }


def _showcase(name: str, **values: Any) -> dict[str, Any]:
    return {
        "key": f"octo/{name}",
        "owner": "Octo",
        "name": name,
        "featured": False,
        "hidden": False,
        "position": None,
        "summary": None,
        "demo_url": None,
        "image_url": None,
        "video_url": None,
        "updated_at": T1,
        **values,
    }


ROWS: dict[str, list[dict[str, Any]]] = {
    "contributor": [
        {
            "id": 1,
            "node_id": "U_1",
            "login": "Octo",
            "login_key": "octo",
            "type": "User",
            "avatar_url": "https://avatars.githubusercontent.com/u/1",
            "html_url": "https://github.com/Octo",
            "is_owner": True,
            "name": "The Octo",
            "bio": "Eight arms",
            "description": None,
            "company": "@github",
            "location": "Sea",
            "email": "octo@example.com",
            "blog": "https://octo.example.com",
            "twitter_username": "octo",
            "created_at": T0,
            "updated_at": T1,
        },
        {
            "id": 2,
            "node_id": None,
            "login": "helper[bot]",
            "login_key": "helper[bot]",
            "type": "Bot",
            "avatar_url": "",
            "html_url": "",
            "is_owner": False,
            "name": None,
            "bio": None,
            "description": None,
            "company": None,
            "location": None,
            "email": None,
            "blog": None,
            "twitter_username": None,
            "created_at": None,
            "updated_at": None,
        },
    ],
    "language": [{"id": 1, "name": "Python", "color": "#3572A5"}, {"id": 2, "name": "Shell", "color": None}],
    "repository": [
        _repository(
            10,
            "alpha",
            description="The first",
            stargazers_count=42,
            forks_count=3,
            disk_usage=1024,
            primary_language_id=1,
            license={"key": "mit", "name": "MIT License", "spdx_id": "MIT"},
            topics=["graphql", "cache"],
            pushed_at=T1,
            synced_at=T1,
        ),
        _repository(11, "beta", is_fork=True, primary_language_id=2, pushed_at=T0),
        _repository(12, "gamma", is_archived=True, has_issues=False),
    ],
    "repository_language": [
        {"repository_id": 10, "language_id": 1, "bytes": 12345},
        {"repository_id": 10, "language_id": 2, "bytes": 678},
        {"repository_id": 11, "language_id": 2, "bytes": 90},
    ],
    "repository_contributor": [
        {"repository_id": 10, "contributor_id": 1, "contributions": 50},
        {"repository_id": 10, "contributor_id": 2, "contributions": 3},
        {"repository_id": 11, "contributor_id": 1, "contributions": 7},
    ],
    "showcase": [
        _showcase("alpha", featured=True, position=1, summary="Shown first", demo_url="https://alpha.example.com"),
        _showcase("beta", hidden=True),
        _showcase("gone", hidden=True, summary="Curated for a repository not in the cache"),
    ],
    "sync_run": [
        {
            "id": 1,
            "trigger": "CLI",
            "status": "SUCCEEDED",
            "started_at": T0,
            "finished_at": T1,
            "github_requests": 12,
            "not_modified": 4,
            "rate_limit_remaining": 4988,
            "repositories_added": 3,
            "repositories_updated": 0,
            "repositories_removed": 0,
            "repositories_unchanged": 0,
            "error": None,
        }
    ],
    "cached_response": [
        {
            "url": "https://api.github.com/users/Octo/repos?per_page=100",
            "etag": 'W/"abc"',
            "body": "[]",
            "next_url": None,
            "status": 200,
            "fetched_at": T1,
        }
    ],
    "sync_lease": [{"fire_time": T1, "holder": "host:123", "acquired_at": T1}],
    "meta": [{"key": "data_version", "value": 7}],
}
HIDDEN_SHOWCASE_KEYS = {"octo/beta", "octo/gone"}


def schema_statements(dialect: str) -> list[str]:
    text = (DATA / f"schema-195a580.{dialect}.sql").read_text()
    return [statement for statement in text.split("\n;\n") if statement.strip()]


async def make_195a580_database(url: str, statements: slice = slice(None)) -> None:
    """The tables 195a580 made (or a slice of its statements), filled with ROWS where their table exists."""
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            for statement in schema_statements(conn.dialect.name)[statements]:
                await conn.exec_driver_sql(statement)
            tables = (await conn.run_sync(_reflect)).tables
            for name, rows in ROWS.items():
                if name in tables:
                    await conn.execute(insert(tables[name]), rows)
    finally:
        await engine.dispose()


async def read_rows(url: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table in ROWS, in primary key order, with the columns 195a580 gave it."""
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            tables = (await conn.run_sync(_reflect)).tables
            found = {}
            for name, rows in ROWS.items():
                table = tables[name]
                columns = [table.c[column] for column in rows[0]]
                result = await conn.execute(select(*columns).order_by(*table.primary_key.columns))
                found[name] = [dict(row._mapping) for row in result]
            return found
    finally:
        await engine.dispose()


def _reflect(conn: Connection) -> MetaData:
    metadata = MetaData()
    metadata.reflect(conn)
    return metadata
