"""Issue and pull-request counts by state on each repository (issue 13): what `issues(states:)` and
`pullRequests(states:)` answer.

REST's `open_issues_count` mixes open issues and open pull requests, so the counts are synced apart: every
state from GitHub's GraphQL API with a token, the open ones only from REST without one. Null means not read
yet (every repository of an upgraded database until its next sync; closed and merged without a token).

Revision ID: 0011_repository_counts
Revises: 0010_releases
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_repository_counts"
down_revision: str | None = "0010_releases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("open_issues", "closed_issues", "open_pull_requests", "closed_pull_requests", "merged_pull_requests")


def upgrade() -> None:
    for name in COLUMNS:
        op.add_column("repository", sa.Column(name, sa.Integer(), nullable=True))


def downgrade() -> None:
    # Not batch mode: on SQLite it recreates `repository`, and dropping the old table would cascade to the
    # rows that reference it. SQLite (3.35+) and PostgreSQL drop a plain column in place.
    for name in reversed(COLUMNS):
        op.drop_column("repository", name)
