"""What portfolio sites read about a repository beyond its listing entry (issue 13): watchers and README.

`subscribers_count` (GitHub's watchers; REST's `watchers_count` is the star count) is on the single
repository GET only. Null until a sync has fetched it, so an upgraded database fills it on its next sync.
`repository_readme` holds each repository's README (or why it has none: 404, 409, 451, 403, with when that
was last checked). `sync_run.depth_scope` says which repositories a run read depth data for: ALL with a
token (a 304 is free), else NEW_OR_PUSHED (null on runs recorded before this revision).

Revision ID: 0006_repository_depth
Revises: 0005_images
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_repository_depth"
down_revision: str | None = "0005_images"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("repository", sa.Column("subscribers_count", sa.Integer(), nullable=True))
    op.add_column("sync_run", sa.Column("depth_scope", sa.String(20), nullable=True))
    op.create_table(
        "repository_readme",
        sa.Column("repository_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(1000), nullable=True),
        sa.Column("oid", sa.String(40), nullable=True),
        sa.Column("byte_size", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("is_binary", sa.Boolean(), nullable=False),
        sa.Column("is_truncated", sa.Boolean(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["repository_id"],
            ["repository.id"],
            name=op.f("fk_repository_readme_repository_id_repository"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("repository_id", name=op.f("pk_repository_readme")),
    )


def downgrade() -> None:
    op.drop_table("repository_readme")
    with op.batch_alter_table("sync_run") as batch:
        batch.drop_column("depth_scope")
    # Not batch mode: on SQLite it recreates `repository`, and dropping the old table would cascade to the
    # rows that reference it. SQLite (3.35+) and PostgreSQL drop a plain column in place.
    op.drop_column("repository", "subscribers_count")
