"""INSERT … ON CONFLICT DO UPDATE for SQLite and PostgreSQL, the two backends we support."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import Base

# SQLite allows 32766 bound parameters per statement; stay well under it.
MAX_PARAMS = 30_000


async def upsert(
    session: AsyncSession,
    model: type[Base],
    rows: Sequence[dict[str, Any]],
    *,
    conflict: Sequence[str],
    update: Sequence[str] | None = None,
) -> None:
    """Insert `rows`; on a `conflict` key clash update `update` columns (all other columns by default)."""
    if not rows:
        return
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    insert_fn = postgresql.insert if dialect == "postgresql" else sqlite.insert
    columns = list(rows[0])
    to_update = [c for c in (update if update is not None else columns) if c not in conflict]
    chunk = max(1, MAX_PARAMS // max(1, len(columns)))
    for start in range(0, len(rows), chunk):
        stmt = insert_fn(model).values(list(rows[start : start + chunk]))
        statement: Insert
        if to_update:
            statement = stmt.on_conflict_do_update(
                index_elements=list(conflict),
                set_={c: getattr(stmt.excluded, c) for c in to_update},
            )
        else:
            statement = stmt.on_conflict_do_nothing(index_elements=list(conflict))
        await session.execute(statement)
