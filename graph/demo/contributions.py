"""The demo viewer's contributions: a deterministic year of GitHub's calendar, its years and commits by repository.

Rows for db.contributions' tables, as the sync would store them: GitHub's default window (the year up to the
demo's ANCHOR) and the calendar years since the viewer's first, each with its own levels (a day's quartile of
the window's busiest day) and GitHub's default colors. No clock and no randomness beyond the seed.
"""

import math
import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from db.base import Base
from db.contributions import DEFAULT_WINDOW, CommitContribution, ContributionDay, ContributionWindow

Row = dict[str, Any]
COLORS = ["#9be9a8", "#40c463", "#30a14e", "#216e39"]
NONE_COLOR = "#ebedf0"
LEVELS = ["NONE", "FIRST_QUARTILE", "SECOND_QUARTILE", "THIRD_QUARTILE", "FOURTH_QUARTILE"]
YEARS = 3  # calendar years synced: the anchor's and the two before
REPOSITORIES = 5  # repositories with commits in each window


def _counts(first: date, last: date, seed: int) -> dict[date, int]:
    """A working person's calendar: busier on weekdays, quiet weekends, a few days off in a row now and then."""
    rng = random.Random(seed)
    counts: dict[date, int] = {}
    day, off = first, 0
    while day <= last:
        if off == 0 and rng.random() < 0.02:
            off = rng.randint(3, 10)
        if off:
            counts[day], off = 0, off - 1
        elif day.isoweekday() >= 6:
            counts[day] = rng.choice((0, 0, 0, 1, 2))
        else:
            counts[day] = rng.choice((0, 1, 2, 3, 3, 4, 5, 6, 8, 12))
        day += timedelta(days=1)
    return counts


def _window(
    user_id: int, year: int, started: datetime, ended: datetime, counts: dict[date, int], repositories: Sequence[Row]
) -> tuple[Row, list[Row], list[Row]]:
    span = [d for d in sorted(counts) if started.date() <= d <= ended.date()]
    busiest = max((counts[d] for d in span), default=0)
    days = []
    for d in span:
        level = math.ceil(4 * counts[d] / busiest) if counts[d] and busiest else 0
        days.append({"user_id": user_id, "year": year, "day": d, "contribution_count": counts[d],
                     "level": LEVELS[level], "color": COLORS[level - 1] if level else NONE_COLOR})  # fmt: skip
    # Commits: about two thirds of each day's contributions, spread over the repositories pushed to most.
    by_repository: dict[int, dict[date, int]] = {}
    for d in span:
        commits = counts[d] * 2 // 3
        if commits:
            repository = repositories[d.toordinal() % len(repositories)]["id"] if repositories else None
            if repository is not None:
                by_repository.setdefault(repository, {})[d] = commits
    ranked = sorted(by_repository.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    commits_rows = [
        {
            "user_id": user_id,
            "year": year,
            "repository_id": repository_id,
            "occurred_at": datetime(d.year, d.month, d.day, 7, tzinfo=UTC),
            "commit_count": n,
            "position": position,
            "total_count": len(per_day),
        }  # fmt: skip
        for position, (repository_id, per_day) in enumerate(ranked)
        for d, n in sorted(per_day.items(), reverse=True)[:50]
    ]
    total = sum(counts[d] for d in span)
    commits_total = sum(sum(per_day.values()) for per_day in by_repository.values())
    issues, reviews = total // 9, total // 7
    pull_requests = total - commits_total - issues - reviews
    window = {
        "user_id": user_id,
        "year": year,
        "started_at": started,
        "ended_at": ended,
        "fetched_at": ended,
        "totals": {
            "totalCommitContributions": commits_total,
            "totalIssueContributions": issues,
            "totalPullRequestContributions": max(0, pull_requests),
            "totalPullRequestReviewContributions": reviews,
            "totalRepositoryContributions": 2,
            "totalRepositoriesWithContributedCommits": len(by_repository),
            "totalRepositoriesWithContributedIssues": min(len(repositories), 4),
            "totalRepositoriesWithContributedPullRequests": min(len(repositories), 3),
            "totalRepositoriesWithContributedPullRequestReviews": min(len(repositories), 3),
            "restrictedContributionsCount": 0,
            "hasAnyContributions": total > 0,
            "hasAnyRestrictedContributions": False,
            "hasActivityInThePast": True,
        },
        "colors": COLORS,
        "is_halloween": False,
        "total_contributions": total,
        "contribution_years": None,
    }
    return window, days, commits_rows


def demo_contributions(
    viewer: Row, repositories: Sequence[Row], anchor: datetime
) -> list[tuple[type[Base], list[Row]]]:
    """The viewer's windows, days and commits, per model, for the demo loader to insert."""
    own = sorted((r for r in repositories if r["owner_id"] == viewer["id"]), key=lambda r: r["pushed_at"], reverse=True)
    top = own[:REPOSITORIES]
    first_year = anchor.year - YEARS + 1
    counts = _counts(date(first_year - 1, 12, 1), anchor.date(), seed=viewer["id"])
    default_start = anchor.replace(year=anchor.year - 1)
    spans = [(DEFAULT_WINDOW, default_start, anchor)] + [
        (year, datetime(year, 1, 1, tzinfo=UTC), datetime(year, 12, 31, 23, 59, 59, tzinfo=UTC))
        for year in range(anchor.year, first_year - 1, -1)
    ]
    windows, days, commits = [], [], []
    for year, started, ended in spans:
        window, window_days, window_commits = _window(viewer["id"], year, started, min(ended, anchor), counts, top)
        window["ended_at"] = ended  # a year's window ends on Dec 31 even when the demo's "now" is before it
        if year == anchor.year:  # its days after the anchor are zero, as GitHub shows them
            window_days += [
                {
                    "user_id": viewer["id"],
                    "year": year,
                    "day": anchor.date() + timedelta(days=n),
                    "contribution_count": 0,
                    "level": "NONE",
                    "color": NONE_COLOR,
                }  # fmt: skip
                for n in range(1, (ended.date() - anchor.date()).days + 1)
            ]
        if year == DEFAULT_WINDOW:
            window["contribution_years"] = list(range(anchor.year, viewer["created_at"].year - 1, -1))
        windows.append(window)
        days += window_days
        commits += window_commits
    return [(ContributionWindow, windows), (ContributionDay, days), (CommitContribution, commits)]
