"""The fake GitHub's contributionsCollection: a deterministic calendar per login, computed as GitHub shows it.

    fake.graphql.set_contributions("octocat", {date(2026, 3, 2): 4}, commits_by_repo={"octocat/hello": {...}})

The window is GitHub's: without `from`/`to` the year up to the fake's clock; `from` alone runs a year on,
`to` alone a year back; a span over one year is GitHub's error. The calendar runs from the window's first
day to its last, in weeks that start on Sunday (the first and last may be partial), months counting the
weeks that start in them; a day's level is its count's quartile of the window's busiest day (the fake's
rule: GitHub does not publish its own), colored with GitHub's default palette.
"""

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tests.fakes.state import FakeRepo

COLORS = ["#9be9a8", "#40c463", "#30a14e", "#216e39"]  # GitHub's light theme, lightest first
NONE_COLOR = "#ebedf0"
LEVELS = ["NONE", "FIRST_QUARTILE", "SECOND_QUARTILE", "THIRD_QUARTILE", "FOURTH_QUARTILE"]
SPAN_ERROR = "The total time spanned by 'from' and 'to' must not exceed 1 year"
ORDER_ERROR = "The 'from' time must be before the 'to' time"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass
class FakeCalendar:
    """One login's contributions: calendar counts by day, and commits by repository ("owner/name") and day."""

    days: dict[date, int] = field(default_factory=dict)
    commits_by_repo: dict[str, dict[date, int]] = field(default_factory=dict)
    issues: dict[date, int] = field(default_factory=dict)
    pull_requests: dict[date, int] = field(default_factory=dict)
    reviews: dict[date, int] = field(default_factory=dict)
    repositories: dict[date, int] = field(default_factory=dict)


def one_year_after(moment: datetime) -> datetime:
    return moment.replace(year=moment.year + 1, day=28 if (moment.month, moment.day) == (2, 29) else moment.day)


def one_year_before(moment: datetime) -> datetime:
    return moment.replace(year=moment.year - 1, day=28 if (moment.month, moment.day) == (2, 29) else moment.day)


def window(now: datetime, start: str | None, end: str | None) -> tuple[datetime, datetime]:
    """GitHub's window for the arguments, or its error."""
    started = _parse(start) if start else None
    ended = _parse(end) if end else None
    if started is None and ended is None:
        ended = now.replace(microsecond=0)
    if started is None:
        assert ended is not None
        started = one_year_before(ended)
    if ended is None:
        ended = min(one_year_after(started), now.replace(microsecond=0))
    if ended < started:
        raise ValueError(ORDER_ERROR)
    if ended > one_year_after(started):
        raise ValueError(SPAN_ERROR)
    return started, ended


def calendar(days: Mapping[date, int], first: date, last: date) -> dict[str, Any]:
    """contributionCalendar over the days from `first` to `last`, as GitHub shapes it."""
    span = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    busiest = max((days.get(d, 0) for d in span), default=0)
    weeks: list[dict[str, Any]] = []
    for d in span:
        weekday = d.isoweekday() % 7  # GitHub's: 0 is Sunday
        if not weeks or weekday == 0:
            weeks.append({"firstDay": d.isoformat(), "contributionDays": []})
        count = days.get(d, 0)
        level = math.ceil(4 * count / busiest) if count and busiest else 0
        weeks[-1]["contributionDays"].append(
            {
                "date": d.isoformat(),
                "weekday": weekday,
                "contributionCount": count,
                "contributionLevel": LEVELS[level],
                "color": COLORS[level - 1] if level else NONE_COLOR,
            }
        )
    months: list[dict[str, Any]] = []
    for week in weeks:
        start = date.fromisoformat(week["firstDay"])
        if months and (months[-1]["year"], months[-1]["month"]) == (start.year, start.month):
            months[-1]["totalWeeks"] += 1
        else:
            months.append({"name": MONTHS[start.month - 1], "year": start.year, "month": start.month,
                           "firstDay": start.isoformat(), "totalWeeks": 1})  # fmt: skip
    return {
        "totalContributions": sum(days.get(d, 0) for d in span),
        "colors": COLORS,
        "isHalloween": False,
        "weeks": weeks,
        "months": [{k: v for k, v in month.items() if k != "month"} for month in months],
    }


def collection(
    state: FakeCalendar | None,
    now: datetime,
    find: Callable[[str], FakeRepo | None],
    repository: Callable[[FakeRepo], dict[str, Any]],
    connection: Callable[..., dict[str, Any]],
    start: str | None,
    end: str | None,
) -> dict[str, Any]:
    """The ContributionsCollection of one user for one window."""
    calendar_state = state or FakeCalendar()
    started, ended = window(now, start, end)
    first, last = started.date(), ended.date()

    def inside(counts: Mapping[date, int]) -> dict[date, int]:
        return {d: n for d, n in counts.items() if first <= d <= last and n}

    commits = {name: inside(by_day) for name, by_day in calendar_state.commits_by_repo.items()}
    commits = {name: by_day for name, by_day in commits.items() if by_day and find(name) is not None}
    kinds = [inside(k) for k in (calendar_state.issues, calendar_state.pull_requests, calendar_state.reviews)]
    shown = calendar(calendar_state.days, first, last)
    years = {d.year for d, n in calendar_state.days.items() if n}

    def by_repository(info: Any, maxRepositories: int = 25) -> list[dict[str, Any]]:  # noqa: N803 (GitHub's)
        ranked = sorted(commits.items(), key=lambda item: (-sum(item[1].values()), item[0]))
        return [_commits_of(find(name), by_day, repository, connection) for name, by_day in ranked[:maxRepositories]]

    total_commits = sum(sum(by_day.values()) for by_day in commits.values())
    return {
        "startedAt": _stamp(started),
        "endedAt": _stamp(ended),
        "contributionCalendar": shown,
        "contributionYears": sorted(range(min(years), now.year + 1), reverse=True) if years else [now.year],
        "totalCommitContributions": total_commits,
        "totalIssueContributions": lambda info, **_: sum(kinds[0].values()),
        "totalPullRequestContributions": lambda info, **_: sum(kinds[1].values()),
        "totalPullRequestReviewContributions": sum(kinds[2].values()),
        "totalRepositoryContributions": lambda info, **_: sum(inside(calendar_state.repositories).values()),
        "totalRepositoriesWithContributedCommits": len(commits),
        "totalRepositoriesWithContributedIssues": lambda info, **_: int(bool(kinds[0])),
        "totalRepositoriesWithContributedPullRequests": lambda info, **_: int(bool(kinds[1])),
        "totalRepositoriesWithContributedPullRequestReviews": int(bool(kinds[2])),
        "restrictedContributionsCount": 0,
        "hasAnyContributions": shown["totalContributions"] > 0,
        "hasAnyRestrictedContributions": False,
        "hasActivityInThePast": any(n for d, n in calendar_state.days.items() if d < first),
        "commitContributionsByRepository": by_repository,
    }


def _commits_of(
    repo: FakeRepo | None,
    by_day: dict[date, int],
    repository: Callable[[FakeRepo], dict[str, Any]],
    connection: Callable[..., dict[str, Any]],
) -> dict[str, Any]:
    assert repo is not None

    def contributions(info: Any, orderBy: dict[str, Any] | None = None, **page: Any) -> dict[str, Any]:  # noqa: N803
        order = orderBy or {"field": "OCCURRED_AT", "direction": "DESC"}
        nodes = [
            {
                "commitCount": n,
                "occurredAt": _stamp(datetime(d.year, d.month, d.day, tzinfo=UTC)),
                "isRestricted": False,
            }
            for d, n in by_day.items()
        ]
        by = "commitCount" if order["field"] == "COMMIT_COUNT" else "occurredAt"
        nodes.sort(key=lambda node: (node[by], node["occurredAt"]), reverse=order["direction"] == "DESC")
        return connection("contributions", nodes, **page)

    return {
        "repository": repository(repo),
        "contributions": contributions,
        "url": f"https://github.com/{repo.full_name}",
        "resourcePath": f"/{repo.full_name}",
    }


def _parse(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
