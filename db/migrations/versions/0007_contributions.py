"""Contributions from GitHub's GraphQL API (issue 12): the windows synced, their calendar days and commits.

contribution_window holds each user's windows (GitHub's default one as year 0, calendar years by number)
with GitHub's totals, colors and contribution years; contribution_day the calendar's squares of each window;
commit_contribution the window's commits by cached repository and day. All empty until the next sync with
a token.

Revision ID: 0007_contributions
Revises: 0006_repository_depth
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_contributions"
down_revision: str | None = "0006_repository_depth"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WINDOW = ["contribution_window.user_id", "contribution_window.year"]
# db.base.UTCDateTime stores this; a migration keeps to plain SQLAlchemy types, which never change under it.
UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "contribution_window",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("started_at", UTC_DATETIME, nullable=False),
        sa.Column("ended_at", UTC_DATETIME, nullable=False),
        sa.Column("fetched_at", UTC_DATETIME, nullable=False),
        sa.Column("totals", sa.JSON(), nullable=False),
        sa.Column("colors", sa.JSON(), nullable=False),
        sa.Column("is_halloween", sa.Boolean(), nullable=False),
        sa.Column("total_contributions", sa.Integer(), nullable=False),
        sa.Column("contribution_years", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["contributor.id"], name=op.f("fk_contribution_window_user_id_contributor"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "year", name=op.f("pk_contribution_window")),
    )
    op.create_table(
        "contribution_day",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("contribution_count", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("color", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id", "year"],
            WINDOW,
            name=op.f("fk_contribution_day_user_id_contribution_window"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "year", "day", name=op.f("pk_contribution_day")),
    )
    op.create_table(
        "commit_contribution",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("repository_id", sa.BigInteger(), nullable=False),
        sa.Column("occurred_at", UTC_DATETIME, nullable=False),
        sa.Column("commit_count", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("total_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["repository_id"],
            ["repository.id"],
            name=op.f("fk_commit_contribution_repository_id_repository"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id", "year"],
            WINDOW,
            name=op.f("fk_commit_contribution_user_id_contribution_window"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "year", "repository_id", "occurred_at", name=op.f("pk_commit_contribution")),
    )
    op.create_index(
        op.f("ix_commit_contribution_repository_id"), "commit_contribution", ["repository_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_commit_contribution_repository_id"), table_name="commit_contribution")
    op.drop_table("commit_contribution")
    op.drop_table("contribution_day")
    op.drop_table("contribution_window")
