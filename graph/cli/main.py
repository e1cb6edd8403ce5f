"""The `repofolio` command: serve the API, sync the cache, print the schema, edit the showcase, migrate."""

import argparse
import asyncio
import gc
import os
import sys
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any, TypeVar

import uvicorn
from pydantic import ValidationError
from pydantic_settings import SettingsError
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.engine import DatabaseUnavailable, create_engine, open_database, read_schema_state, upgrade_database
from db.health import full_check
from db.migrate import BASELINE, SchemaState, print_history
from db.settings import DatabaseSettings
from db.sqlite_file import sqlite_file_path
from graph.app import Settings, create_app
from graph.cli.listen import CannotListen, check_listen
from graph.cli.logs import configure_logging
from graph.environment import describe_invalid, unknown_settings
from graph.http.connections import limited_protocol
from graph.http.possible_types import possible_types_json
from graph.schema.query import create_schema as create_graphql_schema
from graph.schema.showcase import ShowcaseError, export_showcase, import_showcase
from graph.settings import ApiSettings
from sync.console import run_sync_command

T = TypeVar("T")


class CommandError(Exception):
    """A failure reported to the user as one line, with exit code 1."""


def _load_settings() -> Settings:
    for warning in unknown_settings():
        print(f"repofolio: warning: {warning}", file=sys.stderr)
    try:
        return Settings.load()
    except (ValidationError, SettingsError) as error:
        raise CommandError(describe_invalid(error)) from None


async def _with_database(
    settings: DatabaseSettings, work: Callable[[async_sessionmaker[AsyncSession]], Coroutine[Any, Any, T]]
) -> T:
    """Upgrade the schema to head (create it, if the database is new), then run `work`; every command that
    opens the database goes through here."""
    async with open_database(settings) as sessionmaker:
        return await work(sessionmaker)


def serve(args: argparse.Namespace) -> int:
    if args.demo:
        os.environ["REPOFOLIO_DEMO"] = "true"  # so a --reload worker, which rebuilds the app, sees it too
    settings = _load_settings()
    host = args.host or settings.api.host
    port = settings.api.port if args.port is None else args.port
    try:
        check_listen(
            host,
            port,
            host_from="--host" if args.host else "REPOFOLIO_HOST",
            port_from="--port" if args.port is not None else "REPOFOLIO_PORT",
        )
    except CannotListen as error:
        raise CommandError(str(error)) from None

    async def ready(_: async_sessionmaker[AsyncSession]) -> None:
        return None

    # Our lines beside uvicorn's from here on, the migrations' too; uvicorn applies it in each of its processes.
    logs = {"log_config": configure_logging(settings.api.log_level), "log_level": settings.api.log_level}
    asyncio.run(_with_database(settings.database, ready))
    options = server_options(settings.api) | logs
    if args.reload:
        uvicorn.run("graph.app:create_app", factory=True, host=host, port=port, reload=True, **options)
    else:
        app = create_app(settings)
        tune_gc()
        uvicorn.run(app, host=host, port=port, **options)
    return 0


def server_options(settings: ApiSettings) -> dict[str, Any]:
    """uvicorn's options for the limits a reverse proxy would otherwise give (graph/http/connections.py: the rest)."""
    return {
        "http": limited_protocol(settings.request_head_timeout, settings.max_connections),
        "timeout_keep_alive": settings.keep_alive_timeout,
        # uvicorn would take X-Forwarded-Proto and -For from 127.0.0.1 whatever the settings say; which proxies
        # are believed is REPOFOLIO_TRUSTED_PROXIES' to say (graph/http/origin.py).
        "proxy_headers": False,
    }


def tune_gc() -> None:
    """Garbage collection for a long-running server, once everything built at start-up exists.

    A GraphQL answer allocates tens of thousands of short-lived objects, so collections run often, and each
    older-generation one walked every object the process holds (schema, SQLAlchemy, modules). Freezing what
    exists at start-up takes it out of those walks, and larger thresholds make them rarer: less CPU per
    uncached answer (the CHANGELOG has the figure).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


def schema(_: argparse.Namespace) -> int:
    sys.stdout.write(create_graphql_schema().as_str() + "\n")
    return 0


def possible_types(_: argparse.Namespace) -> int:
    sys.stdout.write(possible_types_json(create_graphql_schema()))
    return 0


def sync(_: argparse.Namespace) -> int:
    settings = _load_settings()
    return run_sync_command(settings.database, settings.sync)


def showcase_export(_: argparse.Namespace) -> int:
    settings = _load_settings()

    async def work(sessionmaker: async_sessionmaker[AsyncSession]) -> str:
        async with sessionmaker() as session:
            return await export_showcase(session)

    sys.stdout.write(asyncio.run(_with_database(settings.database, work)))
    return 0


def showcase_import(args: argparse.Namespace) -> int:
    settings = _load_settings()
    path = Path(args.file)
    try:
        text = sys.stdin.read() if args.file == "-" else path.read_text(encoding="utf-8")
    except OSError as error:
        raise CommandError(f"cannot read {args.file}: {error.strerror}") from None

    async def work(sessionmaker: async_sessionmaker[AsyncSession]) -> Any:
        return await import_showcase(sessionmaker, text)

    try:
        result = asyncio.run(_with_database(settings.database, work))
    except ShowcaseError as error:
        raise CommandError(f"{args.file}: {error}") from None
    print(f"imported {args.file}: {result}")
    return 0


def db_upgrade(_: argparse.Namespace) -> int:
    settings = _load_settings().database
    before = asyncio.run(upgrade_database(settings))
    where = _where(settings)
    head = ", ".join(before.heads)
    if before.at_head:
        print(f"the database at {where} is at head, {head}: nothing to upgrade")
    elif before.made_before_migrations:
        print(f"stamped the database at {where} (made before migrations) {BASELINE}, then upgraded it to {head}")
    elif not before.current:
        print(f"created the schema of the database at {where} at {head}")
    else:
        print(f"upgraded the database at {where} from {', '.join(before.current)} to {head}")
    return 0


def db_current(_: argparse.Namespace) -> int:
    state: SchemaState = asyncio.run(read_schema_state(_load_settings().database))
    head = ", ".join(state.heads)
    current = ", ".join(state.current)
    if state.unknown:
        print(f"{current} (newer than this repofolio, whose head is {head}: upgrade repofolio)")
    elif state.at_head:
        print(f"{current} (head)")
    elif state.current:
        print(f"{current} (head is {head}: `repofolio db upgrade` upgrades it)")
    elif state.made_before_migrations:
        print(f"none: made before migrations (`repofolio db upgrade` stamps it {BASELINE} and upgrades it to {head})")
    elif state.baseline_tables:
        print("none: some of repofolio's tables but not all, and no alembic_version (not a database repofolio made)")
    else:
        print(f"none: an empty database (`repofolio db upgrade` creates the schema at {head})")
    return 0


def db_check(_: argparse.Namespace) -> int:
    """The database's full integrity check, changing nothing (no migration, no file created)."""
    settings = _load_settings().database
    where = _where(settings)
    path = sqlite_file_path(make_url(settings.database_url))
    if path is not None and not Path(path).exists():
        raise CommandError(f"cannot check the database at {where}: no such file")

    async def check() -> Any:
        try:
            engine = create_engine(settings)
        except Exception as error:  # an unknown dialect or a malformed URL
            raise CommandError(f"cannot check the database at {where}: {type(error).__name__}") from None
        try:
            return await full_check(engine)
        finally:
            await engine.dispose()

    result = asyncio.run(check())
    if not result.ok:
        raise CommandError(f"the database at {where} failed its check: {result.reason}")
    print(f"the database at {where} passed its integrity check")
    return 0


def db_history(_: argparse.Namespace) -> int:
    print_history(sys.stdout)
    return 0


def _where(settings: DatabaseSettings) -> str:
    return make_url(settings.database_url).render_as_string(hide_password=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="repofolio", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve_cmd = commands.add_parser("serve", help="serve the GraphQL API")
    serve_cmd.add_argument("--host", help="address to bind (default REPOFOLIO_HOST or 127.0.0.1)")
    serve_cmd.add_argument("--port", type=int, help="port to bind (default REPOFOLIO_PORT or 8000)")
    serve_cmd.add_argument("--reload", action="store_true", help="restart on code changes (development)")
    serve_cmd.add_argument("--demo", action="store_true", help="load the built-in demo data set; no syncing")
    serve_cmd.set_defaults(run=serve)

    commands.add_parser("schema", help="print the GraphQL schema (SDL)").set_defaults(run=schema)
    commands.add_parser(
        "possible-types", help="print Apollo Client's possibleTypes (interface or union: its object types) as JSON"
    ).set_defaults(run=possible_types)
    commands.add_parser("sync", help="refresh the cache from GitHub once").set_defaults(run=sync)

    showcase_cmd = commands.add_parser("showcase", help="export or import curated showcase data")
    showcase_commands = showcase_cmd.add_subparsers(dest="showcase_command", required=True)
    showcase_commands.add_parser("export", help="print the showcase data as YAML").set_defaults(run=showcase_export)
    import_cmd = showcase_commands.add_parser("import", help="apply a YAML file (all or nothing)")
    import_cmd.add_argument("file", help="the YAML file, or - for standard input")
    import_cmd.set_defaults(run=showcase_import)

    db_cmd = commands.add_parser("db", help="the database's schema revision (every command upgrades it to head)")
    db_commands = db_cmd.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="upgrade the schema to head (a new database: create it)").set_defaults(
        run=db_upgrade
    )
    db_commands.add_parser("current", help="print the database's revision, changing nothing").set_defaults(
        run=db_current
    )
    db_commands.add_parser("history", help="list the migrations, newest first").set_defaults(run=db_history)
    db_commands.add_parser("check", help="run the database's full integrity check, changing nothing").set_defaults(
        run=db_check
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except (CommandError, DatabaseUnavailable) as error:
        print(f"repofolio: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
