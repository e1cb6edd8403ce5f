"""Count answers that mix two committed states, under portfolio queries while another process commits
back-to-back writes that delete a repository and add another (with its languages and contributors).

Usage, from the repository root (runs for a bounded time; prints one JSON line):
    PYTHONPATH=. python scripts/mixed_answers.py [--seconds 60] [--clients 4] [DATABASE_URL]

Without DATABASE_URL, a SQLite file in a temporary directory. A PostgreSQL URL must name a throwaway
database: its public schema is dropped and created again. The app runs with the response cache off, in
this process (through its ASGI interface); the writer is a child process. Every answer must be exactly the
answer of one of the states the writer commits (each swap is its own commit); any other is counted mixed.
"""

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import orjson
from sqlalchemy import text

from db.engine import create_engine, create_schema, create_sessionmaker
from db.settings import DatabaseSettings
from graph.app import Settings, create_app
from graph.demo.generator import DEMO_VIEWER, generate
from graph.demo.load import load_rows
from graph.settings import ApiSettings
from sync.settings import SyncSettings
from tests.graph.swaps import swap

QUERY = """query($login: String!) { user(login: $login) { repositories(first: 100) { totalCount nodes {
  name primaryLanguage { name } languages(first: 10) { totalSize edges { size node { name } } }
  contributors(first: 10) { totalCount edges { contributions node { login } } } } } } }"""
SWAPPED = 3  # repositories that each commit deletes and adds back under another id and name
NEW_IDS = 990_000


async def _prepare(url: str) -> list[int]:
    engine = create_engine(DatabaseSettings(database_url=url))
    try:
        if engine.dialect.name == "postgresql":
            async with engine.begin() as connection:  # the tables, indexes and migration bookkeeping alike
                await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                await connection.execute(text("CREATE SCHEMA public"))
        await create_schema(engine)
        sessionmaker = create_sessionmaker(engine)
        data = generate(user_repos=30, org_repos=0)
        await load_rows(sessionmaker, data)
        return [row["id"] for row in data.repositories[:SWAPPED]]
    finally:
        await engine.dispose()


async def _flip(sessionmaker: Any, ids: list[int], forward: bool, only: int | None = None) -> None:
    """Swap each of `ids` (or only the one at index `only`) forward or back, each swap its own commit."""
    for index, repository_id in enumerate(ids):
        if only is None or index == only:
            old, new = (repository_id, NEW_IDS + index) if forward else (NEW_IDS + index, repository_id)
            await swap(sessionmaker, old, new)


async def _flip_one(url: str, ids: list[int], forward: bool, index: int) -> None:
    engine = create_engine(DatabaseSettings(database_url=url))
    try:
        await _flip(create_sessionmaker(engine), ids, forward, index)
    finally:
        await engine.dispose()


async def _writer(url: str, ids: list[int], seconds: float) -> int:
    engine = create_engine(DatabaseSettings(database_url=url))
    commits, forward, deadline = 0, True, time.monotonic() + seconds
    try:
        sessionmaker = create_sessionmaker(engine)
        while time.monotonic() < deadline:
            await _flip(sessionmaker, ids, forward)
            commits += len(ids)
            forward = not forward
    finally:
        await engine.dispose()
    return commits


async def _answers(client: httpx.AsyncClient) -> Any:
    response = await client.post("/graphql", json={"query": QUERY, "variables": {"login": DEMO_VIEWER}})
    return orjson.loads(response.content)


async def _probe(url: str, ids: list[int], seconds: float, clients: int) -> dict[str, Any]:
    settings = Settings(
        api=ApiSettings(response_cache=False, viewer=DEMO_VIEWER),
        database=DatabaseSettings(database_url=url),
        sync=SyncSettings(github_owners=[]),
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1", timeout=60) as client:
            # Every state the writer commits: after k of the swaps forward (k = 0..n) and back again.
            valid: list[bytes] = []
            for forward in (True, False):
                for index in range(len(ids)):
                    valid.append(orjson.dumps(await _answers(client)))
                    await _flip_one(url, ids, forward, index)
            valid = list(dict.fromkeys(valid))
            writer = await asyncio.create_subprocess_exec(
                sys.executable, __file__, "--writer", "--seconds", str(seconds), "--ids", orjson.dumps(ids), url
            )
            answers = mixed = errors = 0

            async def read() -> None:
                nonlocal answers, mixed, errors
                while writer.returncode is None:
                    body = await _answers(client)
                    answers += 1
                    if "errors" in body:
                        errors += 1
                    elif orjson.dumps(body) not in valid:
                        mixed += 1

            await asyncio.gather(*(read() for _ in range(clients)))
            writer_ok = await writer.wait() == 0
    return {
        "database": url.split(":")[0],
        "seconds": seconds,
        "answers": answers,
        "mixed": mixed,
        "errors": errors,
        "states": len(valid),
        "writer_ok": writer_ok,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url", nargs="?")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--writer", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--ids", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.writer:
        commits = asyncio.run(_writer(options.url, orjson.loads(options.ids), options.seconds))
        print(orjson.dumps({"commits": commits}).decode(), file=sys.stderr)
        return
    with tempfile.TemporaryDirectory() as directory:
        url = options.url or f"sqlite+aiosqlite:///{Path(directory) / 'probe.db'}"
        ids = asyncio.run(_prepare(url))
        print(orjson.dumps(asyncio.run(_probe(url, ids, options.seconds, options.clients))).decode())


if __name__ == "__main__":
    main()
