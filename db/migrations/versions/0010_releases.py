"""Releases (issue 13): each repository's published releases, and when its release list was last asked.

`release` holds what REST /repos/{owner}/{repo}/releases lists (drafts never); `release_check` records the
answer per repository, so an absence (404, 409, 451, 403: no ETag, charged each time) is asked again only on
a push or after a week. An upgraded database has neither; its next sync reads every repository's releases.

Revision ID: 0010_releases
Revises: 0009_outside_repositories
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_releases"
down_revision: str | None = "0009_outside_repositories"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "release",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("node_id", sa.String(100), nullable=False),
        sa.Column("repository_id", sa.BigInteger(), nullable=False),
        sa.Column("tag_name", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("description_html", sa.Text(), nullable=True),
        sa.Column("html_url", sa.String(1000), nullable=False),
        sa.Column("is_draft", sa.Boolean(), nullable=False),
        sa.Column("is_prerelease", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["repository_id"],
            ["repository.id"],
            name=op.f("fk_release_repository_id_repository"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_release")),
        sa.UniqueConstraint("node_id", name=op.f("uq_release_node_id")),
    )
    op.create_index("ix_release_repository_created", "release", ["repository_id", "created_at"])
    op.create_table(
        "release_check",
        sa.Column("repository_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["repository_id"],
            ["repository.id"],
            name=op.f("fk_release_check_repository_id_repository"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("repository_id", name=op.f("pk_release_check")),
    )


def downgrade() -> None:
    op.drop_table("release_check")
    op.drop_index("ix_release_repository_created", table_name="release")
    op.drop_table("release")
