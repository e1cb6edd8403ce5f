"""Tables of the sync's own state, kept apart from the graph the API serves."""

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base

RUNNING_ONLY = "status = 'RUNNING'"


class SyncRun(Base):
    __tablename__ = "sync_run"
    __table_args__ = (
        Index("ix_sync_run_status_started", "status", "started_at"),
        # At most one RUNNING run, whatever the processes do: a second insert fails (sync/claim.py).
        Index(
            "uq_sync_run_running",
            "status",
            unique=True,
            sqlite_where=text(RUNNING_ONLY),
            postgresql_where=text(RUNNING_ONLY),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trigger: Mapped[str] = mapped_column(String(20))  # CLI | MUTATION | SCHEDULE | STARTUP
    status: Mapped[str] = mapped_column(String(20), default="RUNNING")
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    github_requests: Mapped[int] = mapped_column(default=0)
    not_modified: Mapped[int] = mapped_column(default=0)
    rate_limit_remaining: Mapped[int | None]
    repositories_added: Mapped[int] = mapped_column(default=0)
    repositories_updated: Mapped[int] = mapped_column(default=0)
    repositories_removed: Mapped[int] = mapped_column(default=0)
    repositories_unchanged: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    # What the run left out and why, one line each (e.g. the GraphQL stage without a token).
    skipped: Mapped[str | None] = mapped_column(Text)
    graphql_points: Mapped[int] = mapped_column(default=0, server_default=text("0"))  # GitHub's rateLimit.cost, summed
    # Which repositories the run read depth data (watchers) for: ALL with a token, NEW_OR_PUSHED without one.
    depth_scope: Mapped[str | None] = mapped_column(String(20))


class CachedResponse(Base):
    """A GitHub response and its ETag, so the next run can ask with If-None-Match and resume for free."""

    __tablename__ = "cached_response"

    url: Mapped[str] = mapped_column(String(1000), primary_key=True)
    etag: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)  # JSON as GitHub sent it
    next_url: Mapped[str | None] = mapped_column(String(1000))  # the Link rel="next" target
    status: Mapped[int] = mapped_column(default=200)
    fetched_at: Mapped[datetime]


class SyncLease(Base):
    """One row per scheduled fire time: the process that inserts it runs that night's sync."""

    __tablename__ = "sync_lease"

    fire_time: Mapped[datetime] = mapped_column(primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime]


class Meta(Base):
    """Small named values, e.g. the data version the response cache keys on."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


DATA_VERSION = "data_version"
