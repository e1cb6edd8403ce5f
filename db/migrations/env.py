"""Alembic's environment. repofolio runs it itself (db/migrate.py), on a connection it has opened, locked
and begun a transaction on, so every revision and the version row commit together or not at all."""

from alembic import context

from db import bookkeeping, contributed, contributions, images, models, profiles, releases, showcase  # noqa: F401  (registers every table on Base.metadata)
from db.base import Base

connection = context.config.attributes.get("connection")
if connection is None or context.is_offline_mode():
    raise RuntimeError("repofolio's migrations run through `repofolio db upgrade`, on a connection it opens")

# Batch mode: SQLite alters most things by copying the table, which batch operations do for it.
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
