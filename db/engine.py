"""Engines and sessions for the cache, and its schema brought to head under a lock (SQLite file or PostgreSQL)."""

import asyncio
import contextlib
import fcntl
import functools
import logging
import os
import sys
from collections.abc import AsyncIterator, Awaitable
from typing import Any, TypeVar

from sqlalchemy import event, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine

from db import migrate
from db.bookkeeping import DATA_VERSION, Meta
from db.loop_sqlite import LoopConnection, begin_read_transaction, read_only_connector
from db.migrate import SchemaState
from db.settings import DatabaseSettings
from db.sqlite_file import sqlite_file_path

T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_MS = 10_000
# pg_advisory_xact_lock key that serializes migrations ("repofolio" in ASCII, fits a bigint).
SCHEMA_LOCK_KEY = 0x7265706F666F6C69


# A SQLite file gets a fixed pool: a connection is a thread and a file open plus four PRAGMAs, and with the
# default overflow every checkout past five concurrent sessions opened and closed one (under load, most of
# them). Past the pool, sessions wait their turn, which costs nothing: SQLite reads in one process gain
# nothing from more connections than this.
SQLITE_POOL_SIZE = 12
# Every connection comes back to the pool through a Session or Connection that has already ended its
# transaction (SQLAlchemy 2 rolls back on close), so the pool's own rollback-on-return would only repeat it:
# one more round trip to aiosqlite's thread for every session (~0.1-0.2 ms here).
SQLITE_RESET_ON_RETURN = None
_SQLITE_FILE_POOL: dict[str, Any] = {
    "pool_size": SQLITE_POOL_SIZE,
    "max_overflow": 0,
    "pool_reset_on_return": SQLITE_RESET_ON_RETURN,
}


# The logger SQLAlchemy's `echo` writes each statement to (its text as sent, then its parameters); the read
# engine's is a child of it, READ_ENGINE_NAME appended, so a line says which engine sent the statement.
ECHO_LOGGER = "sqlalchemy.engine.Engine"
READ_ENGINE_NAME = "read"


def _echo(settings: DatabaseSettings, name: str | None = None) -> bool:
    """`echo=` for an engine. Left alone, SQLAlchemy's echo writes to stdout through a handler of its own on
    each engine's logger; the server's own lines (uvicorn's) go to stderr, so the statements go there too,
    interleaved with them, through one handler for every engine."""
    if settings.database_echo:
        logger = logging.getLogger(ECHO_LOGGER)
        if not logger.handlers:
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
            logger.addHandler(handler)
        child = logging.getLogger(f"{ECHO_LOGGER}.{name}") if name else logger
        if not child.handlers:  # SQLAlchemy adds its stdout handler to a logger without one
            child.addHandler(logging.NullHandler())
    return settings.database_echo


def create_engine(settings: DatabaseSettings) -> AsyncEngine:
    url = make_url(settings.database_url)
    options: dict[str, Any] = {}
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        options = _SQLITE_FILE_POOL
    engine = _create_async_engine(url, echo=_echo(settings), pool_pre_ping=False, **options)
    if url.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _configure_sqlite)
    return engine


def create_read_engine(settings: DatabaseSettings, engine: AsyncEngine) -> AsyncEngine:
    """The engine the API's queries read through. For a SQLite file, read-only connections that run on the
    event loop's thread (db/loop_sqlite.py): at 100 repositories a cold portfolio answer went from ~28 to ~36
    a second. Its transactions are SQLite's own, so each reads one state (db.snapshot.ReadSnapshot). Anywhere
    else, `engine` itself. Writes always go through `engine`."""
    path = sqlite_file_path(engine.url)
    if path is None:
        return engine
    reader = _create_async_engine(
        engine.url,
        echo=_echo(settings, READ_ENGINE_NAME),
        logging_name=READ_ENGINE_NAME,
        async_creator=functools.partial(LoopConnection, read_only_connector(path)),
        **_SQLITE_FILE_POOL,
    )
    event.listen(reader.sync_engine, "begin", begin_read_transaction)
    return reader


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; WAL lets readers run while a sync writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class DatabaseUnavailable(Exception):
    """The database cannot be opened or given its schema; the message is one line, without a password."""


@contextlib.asynccontextmanager
async def open_database(settings: DatabaseSettings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """An engine with its schema upgraded to head (created, if the database is new), for one command;
    disposed on exit."""
    async with _command_engine(settings) as engine:
        await _or_unusable(settings, create_schema(engine))
        yield create_sessionmaker(engine)


async def upgrade_database(settings: DatabaseSettings) -> SchemaState:
    """`repofolio db upgrade`: the schema brought to head; the state it was in before."""
    async with _command_engine(settings) as engine:
        return await _or_unusable(settings, create_schema(engine))


async def read_schema_state(settings: DatabaseSettings) -> SchemaState:
    """`repofolio db current`: the database's revision, read without changing anything (nor creating a file)."""
    async with _command_engine(settings) as engine:
        path = sqlite_file_path(engine.url)
        if path is not None and not await asyncio.to_thread(os.path.exists, path):
            raise DatabaseUnavailable(_unusable(settings, FileNotFoundError("no such file")))
        return await _or_unusable(settings, _read_state(engine))


@contextlib.asynccontextmanager
async def _command_engine(settings: DatabaseSettings) -> AsyncIterator[AsyncEngine]:
    try:
        engine = create_engine(settings)
    except Exception as error:  # an unknown dialect or a malformed URL
        raise DatabaseUnavailable(_unusable(settings, error)) from None
    try:
        yield engine
    finally:
        await engine.dispose()


async def _or_unusable(settings: DatabaseSettings, work: Awaitable[T]) -> T:
    try:
        return await work
    except DatabaseUnavailable:
        raise
    except Exception as error:  # a missing directory, a refused connection, bad credentials…
        raise DatabaseUnavailable(_unusable(settings, error)) from None


def _unusable(settings: DatabaseSettings, error: BaseException) -> str:
    try:
        where = make_url(settings.database_url).render_as_string(hide_password=True)
    except Exception:
        where = "REPOFOLIO_DATABASE_URL"
    lines = str(getattr(error, "orig", None) or error).strip().splitlines()
    return f"cannot use the database at {where}: {lines[0] if lines else type(error).__name__}"


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def create_schema(engine: AsyncEngine) -> SchemaState:
    """Upgrade the schema to the head revision (db/migrations): a new database gets every table, one made
    before migrations is stamped as the baseline first. The state found before, for `repofolio db upgrade`.

    A database at head is only read. Otherwise several processes may start on it at once: on PostgreSQL each
    waits for an advisory lock, on a SQLite file for an exclusive lock on a file beside it, so the first
    migrates and the others find it done (readers never wait on either; on SQLite a migration waits for a
    running sync's write). A database newer than this code raises DatabaseUnavailable, in one line.
    """
    try:
        async with _sqlite_schema_lock(engine):
            state = await _read_state(engine)
            if state.at_head:
                return state
            async with engine.connect() as conn, _sqlite_foreign_keys_off(conn):
                async with conn.begin():
                    await _lock_schema(conn)
                    state = await conn.run_sync(migrate.upgrade)
                    await _check_foreign_keys(conn)
                    await _ensure_meta(conn)
                return state
    except migrate.SchemaError as error:
        where = engine.url.render_as_string(hide_password=True)
        raise DatabaseUnavailable(f"cannot use the database at {where}: {error}") from None


async def _read_state(engine: AsyncEngine) -> SchemaState:
    async with engine.connect() as conn:
        return await conn.run_sync(migrate.read_state)


@contextlib.asynccontextmanager
async def _sqlite_schema_lock(engine: AsyncEngine) -> AsyncIterator[None]:
    path = sqlite_file_path(engine.url)
    if path is None:
        yield
        return
    lock = await asyncio.to_thread(open, f"{path}.schema-lock", "a+b")
    try:
        await asyncio.to_thread(fcntl.flock, lock, fcntl.LOCK_EX)
        yield
    finally:
        lock.close()  # closing releases the lock


@contextlib.asynccontextmanager
async def _sqlite_foreign_keys_off(conn: AsyncConnection) -> AsyncIterator[None]:
    # SQLite's own recipe for schema changes: a migration that copies a table (Alembic's batch mode) drops
    # the old one, which with foreign keys on would delete, by cascade, every row that refers to it. The
    # pragma is ignored inside a transaction, so it is set before one; _check_foreign_keys checks after.
    if conn.dialect.name != "sqlite":
        yield
        return
    await conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
    await conn.commit()
    try:
        yield
    finally:
        await conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        await conn.commit()


async def _lock_schema(conn: AsyncConnection) -> None:
    # Only other migrators wait on PostgreSQL's advisory lock, never readers or a running sync. On SQLite,
    # the write lock at once: a deferred transaction that read first could not write after another
    # process's commit (WAL), and with the file lock held only a sync's writes contend for it.
    if conn.dialect.name == "postgresql":
        await conn.execute(select(func.pg_advisory_xact_lock(SCHEMA_LOCK_KEY)))
    elif conn.dialect.name == "sqlite":
        await conn.exec_driver_sql("BEGIN IMMEDIATE")


async def _check_foreign_keys(conn: AsyncConnection) -> None:
    if conn.dialect.name == "sqlite":
        broken = (await conn.exec_driver_sql("PRAGMA foreign_key_check")).first()
        if broken is not None:
            raise migrate.SchemaError(f"a migration left a row of {broken[0]} referring to a missing row")


async def _ensure_meta(conn: AsyncConnection) -> None:
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    await conn.execute(insert(Meta).values(key=DATA_VERSION, value=1).on_conflict_do_nothing(index_elements=["key"]))
