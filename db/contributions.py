"""A user's contributions as GitHub's GraphQL API reports them: synced windows, their calendar days, commits.

A window is GitHub's default one (`year` 0: the year up to the sync, with GitHub's own startedAt/endedAt) or
a calendar year (`year` 2023: from 2023-01-01T00:00:00Z to 2023-12-31T23:59:59Z). Each keeps GitHub's
totals and calendar as GitHub answered for it, so a query for that window answers exactly what GitHub did.
Only cached repositories are kept in the commits by repository; a user leaving the cache takes all of it.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, ForeignKeyConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base

DEFAULT_WINDOW = 0  # the `year` of GitHub's default window (no from/to)


class ContributionWindow(Base):
    """One window GitHub answered contributionsCollection for, with its totals (GitHub's field names)."""

    __tablename__ = "contribution_window"

    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("contributor.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime]
    fetched_at: Mapped[datetime]
    totals: Mapped[dict[str, Any]] = mapped_column(JSON)  # e.g. {"totalCommitContributions": 12, ...}
    colors: Mapped[list[str]] = mapped_column(JSON)
    is_halloween: Mapped[bool] = mapped_column(default=False)
    total_contributions: Mapped[int] = mapped_column(Integer, default=0)  # the calendar's
    contribution_years: Mapped[list[int] | None] = mapped_column(JSON)  # on the default window only


class ContributionDay(Base):
    """A square of a window's calendar: the day's count, and GitHub's level and color for it in that window."""

    __tablename__ = "contribution_day"
    __table_args__ = (
        ForeignKeyConstraint(
            ["user_id", "year"], ["contribution_window.user_id", "contribution_window.year"], ondelete="CASCADE"
        ),
    )

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    contribution_count: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(20))
    color: Mapped[str] = mapped_column(String(20))


class CommitContribution(Base):
    """A window's commits to one cached repository on one day (a node of commitContributionsByRepository),
    with the repository's place in GitHub's list and its count of such days (the connection's totalCount)."""

    __tablename__ = "commit_contribution"
    __table_args__ = (
        ForeignKeyConstraint(
            ["user_id", "year"], ["contribution_window.user_id", "contribution_window.year"], ondelete="CASCADE"
        ),
    )

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    repository_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("repository.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    occurred_at: Mapped[datetime] = mapped_column(primary_key=True)
    commit_count: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)  # the repository's place in GitHub's list, 0 first
    total_count: Mapped[int] = mapped_column(Integer)  # the repository's contribution days in the window
