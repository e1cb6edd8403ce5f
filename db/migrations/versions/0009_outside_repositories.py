"""Repositories a user contributed to, a user's top repositories, and light records of outside repositories.

contributed_repository holds each user's lists as GitHub's GraphQL API answered them: repositoriesContributedTo
without contributionTypes (list ALL), one list per RepositoryContributionType, and topRepositories (TOP), each
at its position in GitHub's answer. outside_repository marks the repository rows that are light records: public
repositories of owners that are not configured, held only because such a list points at them, and left out of
every cache-wide listing. Both start empty: the next sync with a token fills them.

Revision ID: 0009_outside_repositories
Revises: 0008_profile_fields
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_outside_repositories"
down_revision: str | None = "0008_profile_fields"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outside_repository",
        sa.Column("repository_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["repository_id"],
            ["repository.id"],
            name=op.f("fk_outside_repository_repository_id_repository"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("repository_id", name=op.f("pk_outside_repository")),
    )
    op.create_table(
        "contributed_repository",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("list", sa.String(30), nullable=False),
        sa.Column("repository_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["contributor.id"],
            name=op.f("fk_contributed_repository_user_id_contributor"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["repository_id"],
            ["repository.id"],
            name=op.f("fk_contributed_repository_repository_id_repository"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "list", "repository_id", name=op.f("pk_contributed_repository")),
    )
    op.create_index(
        op.f("ix_contributed_repository_repository_id"), "contributed_repository", ["repository_id"], unique=False
    )


def downgrade() -> None:
    # A light record is a repository row only its lists held: without the lists nothing would remove it.
    op.execute("DELETE FROM repository WHERE id IN (SELECT repository_id FROM outside_repository)")
    op.drop_index(op.f("ix_contributed_repository_repository_id"), table_name="contributed_repository")
    op.drop_table("contributed_repository")
    op.drop_table("outside_repository")
