"""Baseline: the schema create_all made in the last release without migrations (195a580).

A database that release made is stamped with this revision instead of running it. Tables, columns and
constraints are in create_all's order, so a new database gets the very same DDL (SQLite keeps it as text).

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# db.base.UTCDateTime stores this; a migration keeps to plain SQLAlchemy types, which never change under it.
UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sync_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started_at", UTC_DATETIME, nullable=False),
        sa.Column("finished_at", UTC_DATETIME, nullable=True),
        sa.Column("github_requests", sa.Integer(), nullable=False),
        sa.Column("not_modified", sa.Integer(), nullable=False),
        sa.Column("rate_limit_remaining", sa.Integer(), nullable=True),
        sa.Column("repositories_added", sa.Integer(), nullable=False),
        sa.Column("repositories_updated", sa.Integer(), nullable=False),
        sa.Column("repositories_removed", sa.Integer(), nullable=False),
        sa.Column("repositories_unchanged", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_run")),
    )
    op.create_index(op.f("ix_sync_run_status_started"), "sync_run", ["status", "started_at"])
    op.create_table(
        "cached_response",
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("etag", sa.String(length=200), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("next_url", sa.String(length=1000), nullable=True),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("fetched_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("url", name=op.f("pk_cached_response")),
    )
    op.create_table(
        "sync_lease",
        sa.Column("fire_time", UTC_DATETIME, nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("acquired_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("fire_time", name=op.f("pk_sync_lease")),
    )
    op.create_table(
        "meta",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_meta")),
    )
    op.create_table(
        "contributor",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("node_id", sa.String(length=100), nullable=True),
        sa.Column("login", sa.String(length=100), nullable=False),
        sa.Column("login_key", sa.String(length=100), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("avatar_url", sa.String(length=500), nullable=False),
        sa.Column("html_url", sa.String(length=500), nullable=False),
        sa.Column("is_owner", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("bio", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("company", sa.String(length=255), nullable=True),
        sa.Column("location", sa.String(length=255), nullable=True),
        sa.Column("email", sa.String(length=255), nullable=True),
        sa.Column("blog", sa.String(length=500), nullable=True),
        sa.Column("twitter_username", sa.String(length=100), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=True),
        sa.Column("updated_at", UTC_DATETIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contributor")),
        sa.UniqueConstraint("node_id", name=op.f("uq_contributor_node_id")),
        sa.UniqueConstraint("login_key", name=op.f("uq_contributor_login_key")),
    )
    op.create_table(
        "language",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("color", sa.String(length=7), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_language")),
        sa.UniqueConstraint("name", name=op.f("uq_language_name")),
    )
    op.create_table(
        "showcase",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("featured", sa.Boolean(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("demo_url", sa.String(length=2000), nullable=True),
        sa.Column("image_url", sa.String(length=2000), nullable=True),
        sa.Column("video_url", sa.String(length=2000), nullable=True),
        sa.Column("updated_at", UTC_DATETIME, nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_showcase")),
    )
    op.create_table(
        "repository",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("node_id", sa.String(length=100), nullable=False),
        sa.Column("owner_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("full_name_key", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("homepage", sa.String(length=500), nullable=True),
        sa.Column("html_url", sa.String(length=500), nullable=False),
        sa.Column("is_fork", sa.Boolean(), nullable=False),
        sa.Column("is_archived", sa.Boolean(), nullable=False),
        sa.Column("is_template", sa.Boolean(), nullable=False),
        sa.Column("has_issues", sa.Boolean(), nullable=False),
        sa.Column("visibility", sa.String(length=20), nullable=False),
        sa.Column("stargazers_count", sa.Integer(), nullable=False),
        sa.Column("forks_count", sa.Integer(), nullable=False),
        sa.Column("disk_usage", sa.Integer(), nullable=True),
        sa.Column("default_branch", sa.String(length=255), nullable=True),
        sa.Column("primary_language_id", sa.Integer(), nullable=True),
        sa.Column("license", sa.JSON(), nullable=True),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.Column("pushed_at", UTC_DATETIME, nullable=True),
        sa.Column("synced_at", UTC_DATETIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repository")),
        sa.UniqueConstraint("node_id", name=op.f("uq_repository_node_id")),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["contributor.id"], name=op.f("fk_repository_owner_id_contributor"), ondelete="CASCADE"
        ),
        sa.UniqueConstraint("full_name_key", name=op.f("uq_repository_full_name_key")),
        sa.ForeignKeyConstraint(
            ["primary_language_id"],
            ["language.id"],
            name=op.f("fk_repository_primary_language_id_language"),
            ondelete="SET NULL",
        ),
    )
    op.create_index(op.f("ix_repository_pushed_at"), "repository", ["pushed_at"])
    op.create_index(op.f("ix_repository_owner_pushed"), "repository", ["owner_id", "pushed_at"])
    op.create_index(op.f("ix_repository_primary_language_id"), "repository", ["primary_language_id"])
    op.create_table(
        "repository_language",
        sa.Column("repository_id", sa.BigInteger(), nullable=False),
        sa.Column("language_id", sa.Integer(), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("repository_id", "language_id", name=op.f("pk_repository_language")),
        sa.ForeignKeyConstraint(
            ["repository_id"],
            ["repository.id"],
            name=op.f("fk_repository_language_repository_id_repository"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["language_id"],
            ["language.id"],
            name=op.f("fk_repository_language_language_id_language"),
            ondelete="CASCADE",
        ),
    )
    op.create_index(op.f("ix_repository_language_language_id"), "repository_language", ["language_id"])
    op.create_table(
        "repository_contributor",
        sa.Column("repository_id", sa.BigInteger(), nullable=False),
        sa.Column("contributor_id", sa.BigInteger(), nullable=False),
        sa.Column("contributions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("repository_id", "contributor_id", name=op.f("pk_repository_contributor")),
        sa.ForeignKeyConstraint(
            ["repository_id"],
            ["repository.id"],
            name=op.f("fk_repository_contributor_repository_id_repository"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contributor_id"],
            ["contributor.id"],
            name=op.f("fk_repository_contributor_contributor_id_contributor"),
            ondelete="CASCADE",
        ),
    )
    op.create_index(op.f("ix_repository_contributor_contributor_id"), "repository_contributor", ["contributor_id"])


def downgrade() -> None:
    for table in (
        "repository_contributor",
        "repository_language",
        "repository",
        "showcase",
        "language",
        "contributor",
        "meta",
        "sync_lease",
        "cached_response",
        "sync_run",
    ):
        op.drop_table(table)  # a table's indexes go with it
