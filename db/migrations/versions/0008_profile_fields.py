"""The profile a portfolio shows (issue 12): follower counts, organizations and the status.

`contributor` gains `followers_count` and `following_count` (REST's profile counts; null until the next sync
reads the profile, which a conditional GET's 304 does from its stored copy) and `members_count` (an
organization's membersWithRole totalCount, from GitHub's GraphQL API with a token). `organization_membership`
holds each configured user's organizations in GitHub's order; `owner_status` each user's status.

Revision ID: 0008_profile_fields
Revises: 0007_contributions
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_profile_fields"
down_revision: str | None = "0007_contributions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTS = ("followers_count", "following_count", "members_count")


def upgrade() -> None:
    # Plain ADD COLUMN on both backends: batch mode would recreate `contributor` on SQLite, and dropping the
    # old table would cascade to the rows that reference it.
    for column in COUNTS:
        op.add_column("contributor", sa.Column(column, sa.Integer(), nullable=True))
    op.create_table(
        "organization_membership",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["contributor.id"], name=op.f("fk_organization_membership_user_id_contributor"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["contributor.id"],
            name=op.f("fk_organization_membership_organization_id_contributor"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "position", name=op.f("pk_organization_membership")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_organization_membership_organization_id"),
        "organization_membership",
        ["organization_id"],
        unique=False,
    )
    op.create_table(
        "owner_status",
        sa.Column("owner_id", sa.BigInteger(), nullable=False),
        sa.Column("emoji", sa.String(length=100), nullable=True),
        sa.Column("emoji_html", sa.Text(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("indicates_limited_availability", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["contributor.id"], name=op.f("fk_owner_status_owner_id_contributor"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("owner_id", name=op.f("pk_owner_status")),
    )


def downgrade() -> None:
    op.drop_table("owner_status")
    op.drop_index(op.f("ix_organization_membership_organization_id"), table_name="organization_membership")
    op.drop_table("organization_membership")
    # In place, not batch mode (see upgrade); SQLite 3.35+ and PostgreSQL drop a plain column so.
    for column in reversed(COUNTS):
        op.drop_column("contributor", column)
