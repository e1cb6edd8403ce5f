"""The fake GitHub's contributionsCollection keeps GitHub's rules: its window, its one-year limit, Sunday weeks,
months counting the weeks that start in them, quartile levels and GitHub's colors."""

from datetime import UTC, date, datetime
from typing import Any

import httpx

from tests.fakes.contributions import COLORS, NONE_COLOR, SPAN_ERROR
from tests.fakes.github import GITHUB_API, FakeGitHub

NOW = datetime(2026, 6, 17, 9, 0, tzinfo=UTC)  # a Wednesday
QUERY = """query($from: DateTime, $to: DateTime) { user(login: "octocat") { contributionsCollection(from: $from,
  to: $to) { startedAt endedAt contributionYears totalCommitContributions
  contributionCalendar { totalContributions colors months { name year firstDay totalWeeks }
    weeks { firstDay contributionDays { date weekday contributionCount contributionLevel color } } } } } }"""


def ask(fake: FakeGitHub, **variables: Any) -> dict[str, Any]:
    request = httpx.Request(
        "POST",
        f"{GITHUB_API}/graphql",
        headers={"Authorization": "Bearer t"},
        json={"query": QUERY, "variables": variables},
    )
    body: dict[str, Any] = httpx.Response(200, content=fake.handle(request).content).json()
    return body


def make() -> FakeGitHub:
    fake = FakeGitHub(clock=NOW.timestamp)
    fake.add_user("octocat")
    fake.add_repo("octocat", "hello")
    fake.graphql.set_contributions(
        "octocat",
        {date(2026, 6, 1): 8, date(2026, 6, 2): 2, date(2026, 6, 16): 5, date(2023, 3, 3): 1},
        commits_by_repo={"octocat/hello": {date(2026, 6, 1): 3}},
    )
    return fake


def test_without_arguments_the_window_is_the_year_up_to_now_in_sunday_weeks() -> None:
    collection = ask(make())["data"]["user"]["contributionsCollection"]
    assert (collection["startedAt"], collection["endedAt"]) == ("2025-06-17T09:00:00Z", "2026-06-17T09:00:00Z")
    assert collection["contributionYears"] == [2026, 2025, 2024, 2023]
    weeks = collection["contributionCalendar"]["weeks"]
    # 2025-06-17 is a Tuesday: the first week starts there; every later one on a Sunday.
    assert weeks[0]["firstDay"] == "2025-06-17" and len(weeks[0]["contributionDays"]) == 5
    assert all(week["contributionDays"][0]["weekday"] == 0 for week in weeks[1:])
    assert weeks[-1]["contributionDays"][-1]["date"] == "2026-06-17"
    months = collection["contributionCalendar"]["months"]
    assert months[0] == {"name": "Jun", "year": 2025, "firstDay": "2025-06-17", "totalWeeks": 3}
    assert sum(month["totalWeeks"] for month in months) == len(weeks)
    days = {day["date"]: day for week in weeks for day in week["contributionDays"]}
    assert len(days) == 366
    assert (days["2026-06-01"]["contributionLevel"], days["2026-06-01"]["color"]) == ("FOURTH_QUARTILE", COLORS[3])
    assert (days["2026-06-02"]["contributionLevel"], days["2026-06-02"]["color"]) == ("FIRST_QUARTILE", COLORS[0])
    assert (days["2026-06-16"]["contributionLevel"], days["2026-06-03"]["color"]) == ("THIRD_QUARTILE", NONE_COLOR)
    assert collection["contributionCalendar"]["totalContributions"] == 15
    assert collection["totalCommitContributions"] == 3


def test_from_and_to_are_honoured_and_a_span_over_a_year_is_githubs_error() -> None:
    fake = make()
    year = ask(fake, **{"from": "2023-01-01T00:00:00Z", "to": "2023-12-31T23:59:59Z"})
    calendar = year["data"]["user"]["contributionsCollection"]["contributionCalendar"]
    assert calendar["totalContributions"] == 1 and calendar["weeks"][0]["firstDay"] == "2023-01-01"
    alone = ask(fake, **{"from": "2026-06-01T00:00:00Z"})["data"]["user"]["contributionsCollection"]
    assert alone["endedAt"] == "2026-06-17T09:00:00Z"  # a year on, but not past now
    too_long = ask(fake, **{"from": "2023-01-01T00:00:00Z", "to": "2024-01-01T00:00:01Z"})
    assert too_long["errors"][0]["message"] == SPAN_ERROR and too_long["data"] == {"user": None}
