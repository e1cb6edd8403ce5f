"""GitHub's contribution calendar: weeks of days from Sunday, the months they start in, each day's level and color.

Built from stored squares (db.contributions.ContributionDay) in date order; a day the cache does not hold is
a square with no contributions.
"""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry

from db.contributions import ContributionDay, ContributionWindow

COLORS = ["#9be9a8", "#40c463", "#30a14e", "#216e39"]  # GitHub's default palette, for windows never synced
NONE_COLOR = "#ebedf0"
Day = date  # the field named `date` below shadows the class in its own body
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@strawberry.enum(description="How many contributions a day holds, relative to the calendar's other days.")
class ContributionLevel(Enum):
    FIRST_QUARTILE = "FIRST_QUARTILE"
    FOURTH_QUARTILE = "FOURTH_QUARTILE"
    NONE = "NONE"
    SECOND_QUARTILE = "SECOND_QUARTILE"
    THIRD_QUARTILE = "THIRD_QUARTILE"


@strawberry.type(description="A single day of contributions on GitHub by a user.")
class ContributionCalendarDay:
    color: str = strawberry.field(description="The hex color of this day's square, relative to the calendar's others.")
    contribution_count: int = strawberry.field(description="How many contributions the user made on this day.")
    contribution_level: ContributionLevel = strawberry.field(description="This day's level, relative to others.")
    date: Day = strawberry.field(description="The day this square represents.")
    weekday: int = strawberry.field(description="The day of the week, 0 for Sunday, 1 for Monday, ….")


@strawberry.type(description="A week of contributions in a user's contribution graph.")
class ContributionCalendarWeek:
    contribution_days: list[ContributionCalendarDay] = strawberry.field(description="The days of this week.")
    first_day: Day = strawberry.field(description="The date of the earliest square in this week.")


@strawberry.type(description="A month of contributions in a user's contribution graph.")
class ContributionCalendarMonth:
    first_day: Day = strawberry.field(description="The date of the first day of this month in the calendar.")
    name: str = strawberry.field(description="The name of the month.")
    total_weeks: int = strawberry.field(description="How many weeks started in this month.")
    year: int = strawberry.field(description="The year the month occurred in.")


@strawberry.type(description="A calendar of contributions made on GitHub by a user.")
class ContributionCalendar:
    colors: list[str] = strawberry.field(description="The hex colors of the calendar's levels, lightest first.")
    is_halloween: bool = strawberry.field(description="Whether GitHub chose Halloween's colors for this calendar.")
    months: list[ContributionCalendarMonth] = strawberry.field(description="The months of this calendar.")
    total_contributions: int = strawberry.field(description="The count of total contributions in the calendar.")
    weeks: list[ContributionCalendarWeek] = strawberry.field(description="The weeks of this calendar.")

    @classmethod
    def of(cls, days: list[ContributionCalendarDay], window: ContributionWindow | None) -> ContributionCalendar:
        weeks: list[ContributionCalendarWeek] = []
        for day in days:
            if not weeks or day.weekday == 0:
                weeks.append(ContributionCalendarWeek(contribution_days=[], first_day=day.date))
            weeks[-1].contribution_days.append(day)
        months: list[ContributionCalendarMonth] = []
        for week in weeks:
            start = week.first_day
            if months and (months[-1].year, MONTHS.index(months[-1].name) + 1) == (start.year, start.month):
                months[-1].total_weeks += 1
            else:
                months.append(
                    ContributionCalendarMonth(
                        first_day=start, name=MONTHS[start.month - 1], total_weeks=1, year=start.year
                    )
                )
        return cls(
            colors=list(window.colors) if window else COLORS,
            is_halloween=window.is_halloween if window else False,
            months=months,
            total_contributions=window.total_contributions if window else sum(d.contribution_count for d in days),
            weeks=weeks,
        )


def day_of(row: ContributionDay | None, when: date) -> ContributionCalendarDay:
    weekday = when.isoweekday() % 7
    if row is None:
        return ContributionCalendarDay(
            color=NONE_COLOR,
            contribution_count=0,
            contribution_level=ContributionLevel.NONE,
            date=when,
            weekday=weekday,
        )
    return ContributionCalendarDay(
        color=row.color,
        contribution_count=row.contribution_count,
        contribution_level=ContributionLevel(row.level),
        date=when,
        weekday=weekday,
    )
