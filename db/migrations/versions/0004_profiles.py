"""Profiles from GitHub's GraphQL API: the pinned_item table, and what a sync run skipped and the points it cost.

pinned_item holds each owner's pinned repositories in GitHub's order; sync_run gains `skipped` (lines saying
what the run left out and why, e.g. the GraphQL stage without a token) and `graphql_points` (GitHub's
rateLimit.cost, summed; 0 for the runs before it).

Revision ID: 0004_profiles
Revises: 0002
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_profiles"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pinned_item",
        sa.Column("owner_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("repository_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["contributor.id"], name=op.f("fk_pinned_item_owner_id_contributor"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["repository_id"],
            ["repository.id"],
            name=op.f("fk_pinned_item_repository_id_repository"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("owner_id", "position", name=op.f("pk_pinned_item")),
    )
    op.create_index(op.f("ix_pinned_item_repository_id"), "pinned_item", ["repository_id"], unique=False)
    # Plain ADD COLUMN on both backends: no table copy, the partial unique index on status stays as it is.
    op.add_column("sync_run", sa.Column("skipped", sa.Text(), nullable=True))
    op.add_column("sync_run", sa.Column("graphql_points", sa.Integer(), server_default=sa.text("0"), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("sync_run") as batch:
        batch.drop_column("graphql_points")
        batch.drop_column("skipped")
    op.drop_index(op.f("ix_pinned_item_repository_id"), table_name="pinned_item")
    op.drop_table("pinned_item")
