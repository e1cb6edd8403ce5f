"""The SQL behind contributionsCollection: a user's stored windows, their calendar days, their commits.

Each loads many users (or windows) in one statement, so a page of users costs the same statements as one.
A window the sync did not store (any `from`/`to` but GitHub's default window and calendar years) is answered
from the days stored for it: the default window's copy of a day first, else its calendar year's.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.contributions import DEFAULT_WINDOW, CommitContribution, ContributionDay, ContributionWindow
from db.models import Repository
from graph.read.pagination import Page, PageArgs
from graph.read.queries import visible_repository


@dataclass(frozen=True, slots=True)
class DaysKey:
    """The days of one window (`year`), or of any span (`year` None) from `first` to `last`."""

    user_id: int
    year: int | None
    first: date
    last: date


@dataclass(frozen=True, slots=True)
class RepositoryCommits:
    """A cached repository's commits in one window: GitHub's count of days and the stored ones."""

    repository_id: int
    full_name: str  # owner/name, for GitHub's links to the commits
    total_count: int
    days: list[CommitContribution]


async def windows_by_user(session: AsyncSession, user_ids: Sequence[int]) -> dict[int, list[ContributionWindow]]:
    found: dict[int, list[ContributionWindow]] = defaultdict(list)
    stmt = select(ContributionWindow).where(ContributionWindow.user_id.in_(user_ids)).order_by(ContributionWindow.year)
    for window in await session.scalars(stmt):
        found[window.user_id].append(window)
    return found


async def days_of(session: AsyncSession, keys: Sequence[DaysKey]) -> dict[DaysKey, list[ContributionDay]]:
    """The stored squares of each key, in date order, in one statement."""
    conditions = [
        and_(
            ContributionDay.user_id == key.user_id,
            ContributionDay.day.between(key.first, key.last),
            *([ContributionDay.year == key.year] if key.year is not None else []),
        )
        for key in keys
    ]
    stmt = select(ContributionDay).where(or_(*conditions)).order_by(ContributionDay.day, ContributionDay.year)
    rows = list(await session.scalars(stmt))
    found: dict[DaysKey, list[ContributionDay]] = {}
    for key in keys:
        picked: dict[date, ContributionDay] = {}
        for row in rows:
            if row.user_id != key.user_id or not key.first <= row.day <= key.last:
                continue
            if key.year is not None:
                if row.year == key.year:
                    picked[row.day] = row
                continue
            held = picked.get(row.day)
            if held is None or _rank(row) < _rank(held):
                picked[row.day] = row
        found[key] = [picked[day] for day in sorted(picked)]
    return found


def _rank(row: ContributionDay) -> int:
    # The default window's copy is the freshest; then the day's own calendar year; then any other.
    return 0 if row.year == DEFAULT_WINDOW else 1 if row.year == row.day.year else 2


async def commits_of(
    session: AsyncSession, keys: Sequence[tuple[int, int]], include_hidden: bool
) -> dict[tuple[int, int], list[RepositoryCommits]]:
    """Each window's (user id, year) commits by visible cached repository, in GitHub's order."""
    conditions = [
        and_(CommitContribution.user_id == user_id, CommitContribution.year == year) for user_id, year in keys
    ]
    stmt = (
        select(CommitContribution, Repository.full_name)
        .join(Repository, Repository.id == CommitContribution.repository_id)
        .where(or_(*conditions), visible_repository(include_hidden))
        .order_by(CommitContribution.position, CommitContribution.occurred_at)
    )
    found: dict[tuple[int, int], dict[int, RepositoryCommits]] = defaultdict(dict)
    for row, full_name in await session.execute(stmt):
        repositories = found[(row.user_id, row.year)]
        entry = repositories.get(row.repository_id)
        if entry is None:
            entry = repositories[row.repository_id] = RepositoryCommits(
                row.repository_id, full_name, row.total_count, []
            )
        entry.days.append(row)
    return {key: list(found[key].values()) for key in keys}


def page_of(items: Sequence[Any], page: PageArgs, total_count: int | None = None) -> Page[Any]:
    """One page of a list already in order (positions from 1), as the SQL pages are cut."""
    upper = len(items) + 1
    if page.before is not None:
        upper = min(upper, page.before)
    if page.first is not None:
        upper = min(upper, page.after + page.first + 1)
    lower = page.after + 1
    if page.last is not None:
        lower = max(lower, upper - page.last)
    window = [(item, position) for position, item in enumerate(items, 1) if lower <= position < upper]
    total = len(items) if total_count is None else total_count
    return Page(
        items=window,
        total_count=total,
        has_previous_page=bool(window) and window[0][1] > 1,
        has_next_page=bool(window) and window[-1][1] < len(items),
    )
