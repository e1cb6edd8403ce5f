"""At most one RUNNING sync run: a partial unique index on sync_run.status where it is 'RUNNING'.

Before it, processes starting together could each record a run (and a killed one left its run RUNNING):
all but the newest RUNNING run are marked FAILED as abandoned first, or the index could not be built.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RUNNING_ONLY = sa.text("status = 'RUNNING'")
ABANDONED = "abandoned: the process running it stopped before it finished"

sync_run = sa.table(
    "sync_run",
    sa.column("id", sa.Integer()),
    sa.column("status", sa.String(20)),
    sa.column("finished_at", sa.DateTime(timezone=True)),
    sa.column("error", sa.Text()),
)


def upgrade() -> None:
    newest = sa.select(sa.func.max(sync_run.c.id)).where(sync_run.c.status == "RUNNING").scalar_subquery()
    op.execute(
        sa.update(sync_run)
        .where(sync_run.c.status == "RUNNING", sync_run.c.id != newest)
        .values(status="FAILED", finished_at=datetime.now(UTC), error=ABANDONED)
    )
    op.create_index(
        "uq_sync_run_running",
        "sync_run",
        ["status"],
        unique=True,
        sqlite_where=RUNNING_ONLY,
        postgresql_where=RUNNING_ONLY,
    )


def downgrade() -> None:
    op.drop_index("uq_sync_run_running", table_name="sync_run")
