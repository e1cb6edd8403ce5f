"""What portfolio sites read about a repository beyond its listing entry (issue 13): its watchers.

`subscribers_count` (GitHub's watchers; REST's `watchers_count` is the star count) is on the single
repository GET only. Null until a sync has fetched it, so an upgraded database fills it on its next sync.
`sync_run.depth_scope` says which repositories a run read it for: ALL with a token (a 304 is free), else
NEW_OR_PUSHED (null on runs recorded before this revision).

Revision ID: 0003_repository_depth
Revises: 0005_images
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_repository_depth"
down_revision: str | None = "0005_images"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("repository", sa.Column("subscribers_count", sa.Integer(), nullable=True))
    op.add_column("sync_run", sa.Column("depth_scope", sa.String(20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_run") as batch:
        batch.drop_column("depth_scope")
    with op.batch_alter_table("repository") as batch:
        batch.drop_column("subscribers_count")
