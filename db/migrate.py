"""Schema migrations: Alembic, configured in code, with its scripts shipped inside the package (db/migrations).

Everything here is synchronous and runs on a connection the caller opened, through `AsyncConnection.run_sync`.
`upgrade` expects the caller to hold the schema lock and a transaction (db/engine.py's create_schema does).
"""

import functools
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect

MIGRATIONS = Path(__file__).with_name("migrations")
# The revision whose schema is the one create_all made before repofolio had migrations (release 195a580).
BASELINE = "0001"
BASELINE_TABLES = frozenset(
    {
        "cached_response",
        "contributor",
        "language",
        "meta",
        "repository",
        "repository_contributor",
        "repository_language",
        "showcase",
        "sync_lease",
        "sync_run",
    }
)


class SchemaError(Exception):
    """The database's schema is not one this repofolio can bring to its head revision; the message is one line."""


class SchemaTooNew(SchemaError):
    def __init__(self, current: tuple[str, ...], heads: tuple[str, ...]) -> None:
        super().__init__(
            f"the database is at revision {', '.join(current)}, newer than this repofolio "
            f"(head {', '.join(heads)}): upgrade repofolio"
        )


class SchemaIncomplete(SchemaError):
    def __init__(self, missing: frozenset[str]) -> None:
        super().__init__(
            f"the database has some of repofolio's tables but not {', '.join(sorted(missing))}, "
            "and no alembic_version: it is not a database repofolio made"
        )


@dataclass(frozen=True)
class SchemaState:
    current: tuple[str, ...]  # the revisions alembic_version names; none before the first migration
    heads: tuple[str, ...]  # this code's head revisions
    unknown: tuple[str, ...]  # revisions of `current` this code does not have: a newer repofolio's
    baseline_tables: frozenset[str]  # which of the baseline's tables exist, when `current` is empty

    @property
    def at_head(self) -> bool:
        return set(self.current) == set(self.heads)

    @property
    def made_before_migrations(self) -> bool:
        return not self.current and self.baseline_tables == BASELINE_TABLES


def alembic_config(
    connection: Connection | None = None, stdout: TextIO = sys.stdout, location: Path | None = None
) -> Config:
    """Alembic's configuration, without an alembic.ini: the scripts are found beside this module."""
    config = Config(stdout=stdout)
    config.set_main_option("script_location", str(location or MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@functools.cache
def _scripts(location: Path) -> ScriptDirectory:
    # The shipped scripts never change under a running process; reading them costs ~7 ms a start-up.
    return ScriptDirectory.from_config(alembic_config(location=location))


def read_state(connection: Connection) -> SchemaState:
    script = _scripts(MIGRATIONS)
    current = MigrationContext.configure(connection).get_current_heads()
    known = {revision.revision for revision in script.walk_revisions()}
    tables = frozenset() if current else BASELINE_TABLES & set(inspect(connection).get_table_names())
    return SchemaState(
        current=current,
        heads=tuple(script.get_heads()),
        unknown=tuple(revision for revision in current if revision not in known),
        baseline_tables=tables,
    )


def upgrade(connection: Connection) -> SchemaState:
    """Upgrade to head, stamping a database made before migrations as the baseline first; the state before."""
    state = read_state(connection)
    if state.unknown:
        raise SchemaTooNew(state.current, state.heads)
    if state.at_head:
        return state
    config = alembic_config(connection)
    if state.made_before_migrations:
        command.stamp(config, BASELINE)
    elif not state.current and state.baseline_tables:
        raise SchemaIncomplete(BASELINE_TABLES - state.baseline_tables)
    command.upgrade(config, "head")
    return state


def print_history(stdout: TextIO = sys.stdout) -> None:
    """Every revision, newest first, as Alembic's `history` prints them; needs no database."""
    command.history(alembic_config(stdout=stdout))
