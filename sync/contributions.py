"""The contributions stage of a sync: each configured user's contributionsCollection from GitHub's GraphQL API.

GitHub's default window (no `from`/`to`: the year up to now, with GitHub's own startedAt/endedAt) for every
user, USERS to a document, and each calendar year of contributionYears, WINDOWS to a document: the current
year every run, a past year once, and again when its copy was taken before the year ended or is REFRESH old.
The current year and the years already known ride in the default window's document, so a sync with nothing
new sends one document per USERS users. Organizations have no contributionsCollection. Without a token the
stage is skipped with one line; any fault fails the run before anything is applied: the cache stays whole.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.contributions import DEFAULT_WINDOW, CommitContribution, ContributionDay, ContributionWindow
from db.models import Repository
from db.upsert import upsert
from sync.errors import GitHubError, OwnerNotFound
from sync.github.graphql import NOT_FOUND, GraphQLClient
from sync.records import Owner, parse_time

log = logging.getLogger(__name__)

STAGE = "GitHub GraphQL stage (contributions)"
NO_TOKEN = f"{STAGE} skipped: no token (set REPOFOLIO_GITHUB_TOKEN; GitHub's GraphQL API has no anonymous access)"
# A window asks for up to REPOSITORIES × DAYS commit nodes (5,000); USERS or WINDOWS of them keep a document
# at 50,000, a tenth of GitHub's node limit, and its answer (a calendar is ~370 squares) at a few hundred kB.
REPOSITORIES = 100
DAYS = 50
USERS = 10
WINDOWS = 10
REFRESH = timedelta(days=30)
TOTALS = (
    "totalCommitContributions",
    "totalIssueContributions",
    "totalPullRequestContributions",
    "totalPullRequestReviewContributions",
    "totalRepositoryContributions",
    "totalRepositoriesWithContributedCommits",
    "totalRepositoriesWithContributedIssues",
    "totalRepositoriesWithContributedPullRequests",
    "totalRepositoriesWithContributedPullRequestReviews",
    "restrictedContributionsCount",
    "hasAnyContributions",
    "hasAnyRestrictedContributions",
    "hasActivityInThePast",
)

WINDOW_FRAGMENT = f"""
fragment window on ContributionsCollection {{
  startedAt
  endedAt
  {" ".join(TOTALS)}
  contributionCalendar {{
    totalContributions colors isHalloween
    weeks {{ contributionDays {{ date contributionCount contributionLevel color }} }}
  }}
  commitContributionsByRepository(maxRepositories: {REPOSITORIES}) {{
    repository {{ databaseId }}
    contributions(first: {DAYS}) {{ totalCount nodes {{ commitCount occurredAt }} }}
  }}
}}
"""


@dataclass(frozen=True, slots=True)
class Day:
    day: date
    count: int
    level: str
    color: str


@dataclass(frozen=True, slots=True)
class Commits:
    repository_id: int  # GitHub's databaseId
    total_count: int
    days: tuple[tuple[datetime, int], ...]  # (occurredAt, commitCount), as GitHub listed them


@dataclass(frozen=True, slots=True)
class Window:
    user_id: int
    year: int  # DEFAULT_WINDOW or the calendar year
    started_at: datetime
    ended_at: datetime
    totals: dict[str, Any]
    colors: list[str]
    is_halloween: bool
    total_contributions: int
    days: tuple[Day, ...]
    commits: tuple[Commits, ...]  # in GitHub's order
    contribution_years: list[int] | None = None


@dataclass(slots=True)
class Contributions:
    """What the stage read: `windows` is None when the stage did not run; `users` the users it covered."""

    windows: list[Window] | None = None
    users: set[int] = field(default_factory=set)
    fetched_at: datetime | None = None
    skipped: list[str] = field(default_factory=list)


def year_bounds(year: int) -> tuple[str, str]:
    """The `from` and `to` a site sends for one calendar year, and the sync too."""
    return f"{year}-01-01T00:00:00Z", f"{year}-12-31T23:59:59Z"


def due(year: int, fetched_at: datetime | None, now: datetime) -> bool:
    """Whether a calendar year is fetched this run: the current year always, a past year when it has no copy,
    its copy was taken before the year ended, or its copy is REFRESH old."""
    if year >= now.year or fetched_at is None:
        return True
    ended = datetime(year + 1, 1, 1, tzinfo=now.tzinfo)
    return fetched_at < ended or now - fetched_at >= REFRESH


async def load_fetched(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[tuple[int, int], datetime]:
    """(user id, year) -> when the stored copy of that window was fetched."""
    async with sessionmaker() as session:
        rows = await session.execute(
            select(ContributionWindow.user_id, ContributionWindow.year, ContributionWindow.fetched_at)
        )
        return {(user_id, year): fetched_at for user_id, year, fetched_at in rows}


def _years_selection(years: Iterable[int]) -> str:
    parts = []
    for year in years:
        start, end = year_bounds(year)
        parts.append(f'y{year}: contributionsCollection(from: "{start}", to: "{end}") {{ ...window }}')
    return " ".join(parts)


def default_document(count: int, known_years: list[list[int]]) -> str:
    variables = ", ".join(f"$u{i}: String!" for i in range(count))
    users = "\n".join(
        f"  u{i}: user(login: $u{i}) {{ contributionsCollection {{ contributionYears ...window }} "
        f"{_years_selection(known_years[i])} }}"
        for i in range(count)
    )
    return f"query Contributions({variables}) {{\n{users}\n}}\n{WINDOW_FRAGMENT}"


def years_document(wanted: list[tuple[int, int]]) -> str:
    """Calendar years of users: `wanted` holds (index of the user's variable, year)."""
    users = sorted({index for index, _ in wanted})
    variables = ", ".join(f"$u{i}: String!" for i in users)
    fields = "\n".join(
        f"  u{i}: user(login: $u{i}) {{ {_years_selection([y for j, y in wanted if j == i])} }}" for i in users
    )
    return f"query ContributionYears({variables}) {{\n{fields}\n}}\n{WINDOW_FRAGMENT}"


async def collect_contributions(
    client: GraphQLClient, owners: list[Owner], fetched: dict[tuple[int, int], datetime], now: datetime
) -> Contributions:
    """Every configured user's default window and the calendar years due (see `due`)."""
    if not client.has_token:
        log.info(NO_TOKEN)
        return Contributions(skipped=[NO_TOKEN])
    users = [owner for owner in owners if not owner.is_organization]
    windows: list[Window] = []
    for start in range(0, len(users), USERS):
        batch = users[start : start + USERS]
        known = [
            sorted(
                {now.year}
                | {
                    year
                    for (user_id, year) in fetched
                    if user_id == owner.account.id
                    and year != DEFAULT_WINDOW
                    and due(year, fetched[(user_id, year)], now)
                }
            )
            for owner in batch
        ]
        variables = {f"u{i}": owner.account.login for i, owner in enumerate(batch)}
        answer = await client.query(default_document(len(batch), known), variables, tolerate=frozenset({NOT_FOUND}))
        later: list[tuple[int, int]] = []
        for i, owner in enumerate(batch):
            found = _user(answer.data, f"u{i}", owner)
            default = _window(found.get("contributionsCollection"), owner, DEFAULT_WINDOW)
            windows.append(default)
            for year in known[i]:
                windows.append(_window(found.get(f"y{year}"), owner, year))
            for year in default.contribution_years or []:
                if year not in known[i] and due(year, fetched.get((owner.account.id, year)), now):
                    later.append((i, year))
        for chunk in range(0, len(later), WINDOWS):
            wanted = later[chunk : chunk + WINDOWS]
            asked = {f"u{i}": variables[f"u{i}"] for i, _ in wanted}
            answer = await client.query(years_document(wanted), asked, tolerate=frozenset({NOT_FOUND}))
            for i, year in wanted:
                found = _user(answer.data, f"u{i}", batch[i])
                windows.append(_window(found.get(f"y{year}"), batch[i], year))
    return Contributions(windows=windows, users={owner.account.id for owner in users}, fetched_at=now)


def _user(data: dict[str, Any], alias: str, owner: Owner) -> dict[str, Any]:
    found = data.get(alias)
    if not isinstance(found, dict):  # gone since its REST profile was read a moment ago
        raise OwnerNotFound(owner.account.login)
    return found


def _window(value: Any, owner: Owner, year: int) -> Window:
    try:
        calendar = value["contributionCalendar"]
        days = tuple(
            Day(
                date.fromisoformat(d["date"]), int(d["contributionCount"]), str(d["contributionLevel"]), str(d["color"])
            )
            for week in calendar["weeks"]
            for d in week["contributionDays"]
        )
        commits = tuple(
            Commits(
                int(entry["repository"]["databaseId"]),
                int(entry["contributions"]["totalCount"]),
                tuple(
                    (_time(node["occurredAt"]), int(node["commitCount"])) for node in entry["contributions"]["nodes"]
                ),
            )
            for entry in value["commitContributionsByRepository"]
        )
        years = value.get("contributionYears")
        return Window(
            user_id=owner.account.id,
            year=year,
            started_at=_time(value["startedAt"]),
            ended_at=_time(value["endedAt"]),
            totals={name: value[name] for name in TOTALS},
            colors=[str(color) for color in calendar["colors"]],
            is_halloween=bool(calendar["isHalloween"]),
            total_contributions=int(calendar["totalContributions"]),
            days=days,
            commits=commits,
            contribution_years=[int(y) for y in years] if years is not None else None,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise GitHubError(f"GitHub's GraphQL API sent unreadable contributions for {owner.account.login}") from exc


def _time(value: Any) -> datetime:
    parsed = parse_time(value)
    if parsed is None:
        raise ValueError("a timestamp is missing")
    return parsed


async def apply_contributions(session: AsyncSession, contributions: Contributions) -> bool:
    """Write the windows read inside the run's transaction, after the repositories; whether anything a query
    answers changed. Commits to repositories the cache does not hold are skipped; the windows of users no
    longer configured go. When the stage did not run (no token) nothing is kept, as for pins: contributions
    no sync follows any more would go stale silently."""
    stored = await _stored(session)
    if contributions.windows is None:
        if not stored:
            return False
        await session.execute(delete(ContributionWindow))
        return True
    wanted = {c.repository_id for w in contributions.windows for c in w.commits}
    held = set(await session.scalars(select(Repository.id).where(Repository.id.in_(wanted)))) if wanted else set()
    changed = False
    gone = [key for key in stored if key[0] not in contributions.users]
    for user_id, year in gone:
        await session.execute(
            delete(ContributionWindow).where(ContributionWindow.user_id == user_id, ContributionWindow.year == year)
        )
        changed = True
    assert contributions.fetched_at is not None
    for window in contributions.windows:
        rows = _rows(window, held)
        key = (window.user_id, window.year)
        if _same(stored.get(key), rows):
            # GitHub's default window ends "now", so its bounds move every run: while nothing in it changed the
            # stored copy (a true answer of GitHub's, bounds included) stays, and the data version with it.
            await session.execute(
                update(ContributionWindow)
                .where(ContributionWindow.user_id == window.user_id, ContributionWindow.year == window.year)
                .values(fetched_at=contributions.fetched_at)
            )
            continue
        changed = True
        where = (ContributionDay.user_id == window.user_id, ContributionDay.year == window.year)
        await session.execute(delete(ContributionDay).where(*where))
        await session.execute(
            delete(CommitContribution).where(
                CommitContribution.user_id == window.user_id, CommitContribution.year == window.year
            )
        )
        head, days, commits = rows
        await upsert(
            session, ContributionWindow, [{**head, "fetched_at": contributions.fetched_at}], conflict=WINDOW_KEY
        )
        owned = {"user_id": window.user_id, "year": window.year}
        await upsert(session, ContributionDay, [{**owned, **d} for d in days], conflict=[*WINDOW_KEY, "day"])
        await upsert(
            session,
            CommitContribution,
            [{**owned, **c} for c in commits],
            conflict=[*WINDOW_KEY, "repository_id", "occurred_at"],
        )
    return changed


WINDOW_KEY = ["user_id", "year"]
Rows = tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]


def _rows(window: Window, held: set[int]) -> Rows:
    """A window as its rows (the window's columns but fetched_at, its days, its commits), comparable with
    what `_stored` reads."""
    head = {
        "user_id": window.user_id,
        "year": window.year,
        "started_at": window.started_at,
        "ended_at": window.ended_at,
        "totals": window.totals,
        "colors": window.colors,
        "is_halloween": window.is_halloween,
        "total_contributions": window.total_contributions,
        "contribution_years": window.contribution_years,
    }
    days = [{"day": d.day, "contribution_count": d.count, "level": d.level, "color": d.color} for d in window.days]
    kept = [c for c in window.commits if c.repository_id in held]
    commits = []
    for position, c in enumerate(kept):
        per_moment: dict[datetime, int] = {}
        for occurred_at, count in c.days:  # one node a day; summed should two ever share a moment (the key)
            per_moment[occurred_at] = per_moment.get(occurred_at, 0) + count
        commits += [
            {
                "repository_id": c.repository_id,
                "occurred_at": occurred_at,
                "commit_count": count,
                "position": position,
                "total_count": c.total_count,
            }
            for occurred_at, count in per_moment.items()
        ]
    return head, sorted(days, key=lambda d: d["day"]), sorted(commits, key=_commit_order)


def _same(stored: Rows | None, rows: Rows) -> bool:
    if stored is None:
        return False
    bounds = ("started_at", "ended_at")
    heads = ({k: v for k, v in head.items() if k not in bounds} for head in (stored[0], rows[0]))
    return next(heads) == next(heads) and stored[1:] == rows[1:]


def _commit_order(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row["position"], row["occurred_at"])


async def _stored(session: AsyncSession) -> dict[tuple[int, int], Rows]:
    heads = {
        (w.user_id, w.year): {name: getattr(w, name) for name in HEAD_COLUMNS}
        for w in await session.scalars(select(ContributionWindow))
    }
    days: dict[tuple[int, int], list[dict[str, Any]]] = {key: [] for key in heads}
    for d in await session.scalars(select(ContributionDay).order_by(ContributionDay.day)):
        days[(d.user_id, d.year)].append(
            {"day": d.day, "contribution_count": d.contribution_count, "level": d.level, "color": d.color}
        )
    commits: dict[tuple[int, int], list[dict[str, Any]]] = {key: [] for key in heads}
    for c in await session.scalars(select(CommitContribution)):
        commits[(c.user_id, c.year)].append({name: getattr(c, name) for name in COMMIT_COLUMNS})
    return {key: (head, days[key], sorted(commits[key], key=_commit_order)) for key, head in heads.items()}


HEAD_COLUMNS = (
    "user_id",
    "year",
    "started_at",
    "ended_at",
    "totals",
    "colors",
    "is_halloween",
    "total_contributions",
    "contribution_years",
)
COMMIT_COLUMNS = ("repository_id", "occurred_at", "commit_count", "position", "total_count")
