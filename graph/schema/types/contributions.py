"""User.contributionsCollection: GitHub's contribution calendar, totals and commits by repository, from the cache.

The sync stores GitHub's default window (the year up to the sync) and every calendar year of contributionYears
(sync/contributions.py). Without `from`/`to` the stored default window answers, with GitHub's startedAt and
endedAt; a calendar year (`from: "2023-01-01T00:00:00Z", to: "2023-12-31T23:59:59Z"`) answers its stored
copy. Any other window answers its calendar from the stored days (a day the cache does not hold counts zero)
and names itself in an error for the totals and commits, which GitHub computes for the exact span only.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from db import models
from db.contributions import DEFAULT_WINDOW, ContributionWindow
from graph.errors import ErrorCode, client_error
from graph.read.contributions import DaysKey, RepositoryCommits, page_of
from graph.read.pagination import PageArgs
from graph.schema.context import Context
from graph.schema.scalars import URI, DateTime
from graph.schema.types.calendar import ContributionCalendar, day_of
from graph.schema.types.connection import PageInfo, connection
from graph.schema.types.enums import OrderDirection

if TYPE_CHECKING:
    from graph.schema.types.owner import User
    from graph.schema.types.repository import Repository

GITHUB = "https://github.com"
OWNER = strawberry.lazy("graph.schema.types.owner")
REPOSITORY = strawberry.lazy("graph.schema.types.repository")

SPAN_ERROR = "The total time spanned by 'from' and 'to' must not exceed 1 year"
ORDER_ERROR = "The 'from' time must be before the 'to' time"
CONTRIBUTIONS = (
    "The contributions this user made on GitHub, synced through GitHub's GraphQL API (needs "
    "REPOFOLIO_GITHUB_TOKEN). Without `from`/`to`: GitHub's default window as of the last sync. A calendar year "
    "and the default window answer GitHub's own numbers; any other span answers its calendar only (totals and "
    "commits by repository are an error naming the span). Only cached, visible repositories are listed; the "
    "totals' excludeFirst/excludePopular are accepted and not applied (the sync stores GitHub's plain totals)."
)


@strawberry.enum(description="Properties by which commit contributions can be ordered.")
class CommitContributionOrderField(Enum):
    COMMIT_COUNT = "COMMIT_COUNT"
    OCCURRED_AT = "OCCURRED_AT"


@strawberry.input(description="Ordering options for commit contribution connections.")
class CommitContributionOrder:
    direction: OrderDirection = strawberry.field(description="The ordering direction.")
    field: CommitContributionOrderField = strawberry.field(
        description="The field by which to order commit contributions."
    )


@strawberry.type(description="The commits a user made to one repository on one day.")
class CreatedCommitContribution:
    commit_count: int = strawberry.field(description="How many commits were made on this day to this repository.")
    is_restricted: bool = strawberry.field(description="Always false: the cache holds public contributions only.")
    occurred_at: DateTime = strawberry.field(description="When this contribution was made.")
    resource_path: URI = strawberry.field(description="The HTTP path for this contribution.")
    url: URI = strawberry.field(description="The HTTP URL for this contribution.")
    _repository_id: strawberry.Private[int]
    _user: strawberry.Private[models.Contributor]

    @strawberry.field(description="The repository the user made a commit in.")
    async def repository(self, info: Info[Context, None]) -> Annotated[Repository, REPOSITORY]:
        return await _repository(info, self._repository_id)

    @strawberry.field(description="The user who made this contribution.")
    def user(self) -> Annotated[User, OWNER]:
        from graph.schema.types.owner import User

        return User.of(self._user)


@strawberry.type(description="An edge in a connection of commit contributions.")
class CreatedCommitContributionEdge:
    cursor: str = strawberry.field(description="A cursor for use in pagination.")
    node: CreatedCommitContribution | None = strawberry.field(description="The item at the end of the edge.")


@strawberry.type(description="The connection type for CreatedCommitContribution.")
class CreatedCommitContributionConnection:
    edges: list[CreatedCommitContributionEdge | None] | None = strawberry.field(description="A list of edges.")
    nodes: list[CreatedCommitContribution | None] | None = strawberry.field(description="A list of nodes.")
    page_info: PageInfo = strawberry.field(description="Information to aid in pagination.")
    total_count: int = strawberry.field(description="How many days of commits GitHub counts for the repository.")


@strawberry.type(description="The commit contributions a user made to one repository.")
class CommitContributionsByRepository:
    resource_path: URI = strawberry.field(description="The HTTP path for the user's commits to the repository.")
    url: URI = strawberry.field(description="The HTTP URL for the user's commits to the repository.")
    _commits: strawberry.Private[RepositoryCommits]
    _user: strawberry.Private[models.Contributor]

    @strawberry.field(description="The repository in which the commits were made.")
    async def repository(self, info: Info[Context, None]) -> Annotated[Repository, REPOSITORY]:
        return await _repository(info, self._commits.repository_id)

    @strawberry.field(
        description="The days of commits to the repository: the sync keeps GitHub's latest 50 per repository, "
        "totalCount is GitHub's count of them all."
    )
    def contributions(
        self,
        after: str | None = None,
        before: str | None = None,
        first: int | None = None,
        last: int | None = None,
        order_by: CommitContributionOrder | None = None,
    ) -> CreatedCommitContributionConnection:
        page = PageArgs.parse("contributions", first, last, after, before)
        by_count = order_by is not None and order_by.field is CommitContributionOrderField.COMMIT_COUNT
        ascending = order_by is not None and order_by.direction is OrderDirection.ASC
        rows = sorted(
            self._commits.days,
            key=lambda row: (row.commit_count, row.occurred_at) if by_count else (row.occurred_at,),
            reverse=not ascending,
        )
        found = page_of(rows, page, self._commits.total_count)
        return CreatedCommitContributionConnection(
            **connection(
                found,
                lambda row, cursor: CreatedCommitContributionEdge(
                    cursor=cursor,
                    node=CreatedCommitContribution(
                        commit_count=row.commit_count,
                        is_restricted=False,
                        occurred_at=row.occurred_at,
                        resource_path=commits_path(self._commits, self._user, row.occurred_at, row.occurred_at),
                        url=GITHUB + commits_path(self._commits, self._user, row.occurred_at, row.occurred_at),
                        _repository_id=row.repository_id,
                        _user=self._user,
                    ),
                ),
            )
        )


def commits_path(commits: RepositoryCommits, user: models.Contributor, since: datetime, until: datetime) -> str:
    """GitHub's page of the user's commits to the repository over the days from `since` to `until`."""
    return f"/{commits.full_name}/commits?author={user.login}&since={since:%Y-%m-%d}&until={until:%Y-%m-%d}"


async def _repository(info: Info[Context, None], repository_id: int) -> Repository:
    from graph.schema.types.repository import Repository

    row = await info.context.loaders.repository_by_id.load(repository_id)
    if row is None:  # hidden or gone since the window was read: the commits' query filters both
        raise client_error(f"Could not resolve to a Repository with the id {repository_id}.", ErrorCode.NOT_FOUND)
    return Repository.of(row)


@strawberry.type(description="A contributions collection aggregates contributions such as opened issues and commits.")
class ContributionsCollection:
    ended_at: DateTime = strawberry.field(description="The ending date and time of this collection.")
    started_at: DateTime = strawberry.field(description="The beginning date and time of this collection.")
    _user: strawberry.Private[models.Contributor]
    _window: strawberry.Private[ContributionWindow | None]  # the stored window, None for another span
    _default: strawberry.Private[ContributionWindow]

    def _total(self, name: str) -> Any:
        if self._window is None:
            start, end = (f"{moment:%Y-%m-%dT%H:%M:%SZ}" for moment in (self.started_at, self.ended_at))
            raise client_error(
                f"repofolio caches {name} for GitHub's default window and calendar years only, not from {start} "
                f"to {end}; the contributionCalendar of any span is answered.",
                ErrorCode.NOT_FOUND,
            )
        return self._window.totals.get(name, 0)

    @strawberry.field(description="The years the user has contributed in, newest first.")
    def contribution_years(self) -> list[int]:
        return list(self._default.contribution_years or [])

    @strawberry.field(description="The user's contribution calendar over this collection's span.")
    async def contribution_calendar(self, info: Info[Context, None]) -> ContributionCalendar:
        return await self._calendar(info)

    async def _calendar(self, info: Info[Context, None]) -> ContributionCalendar:
        window = self._window
        if window is not None:
            key = DaysKey(self._user.id, window.year, date.min, date.max)
            rows = await info.context.loaders.contribution_days.load(key)
            return ContributionCalendar.of([day_of(row, row.day) for row in rows], window)
        first, last = self.started_at.date(), self.ended_at.date()
        rows = await info.context.loaders.contribution_days.load(DaysKey(self._user.id, None, first, last))
        stored = {row.day: row for row in rows}
        span = [date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1)]
        return ContributionCalendar.of([day_of(stored.get(when), when) for when in span], None)

    @strawberry.field(description="Commit contributions by cached repository, in GitHub's order (most commits first).")
    async def commit_contributions_by_repository(
        self, info: Info[Context, None], max_repositories: int | None = 25
    ) -> list[CommitContributionsByRepository]:
        self._total("commitContributionsByRepository")
        assert self._window is not None
        found = await info.context.loaders.commit_contributions_by_window.load((self._user.id, self._window.year))
        path = [commits_path(entry, self._user, self.started_at, self.ended_at) for entry in found]
        return [
            CommitContributionsByRepository(
                resource_path=path[index],
                url=GITHUB + path[index],
                _commits=entry,
                _user=self._user,
            )
            for index, entry in enumerate(found[: max(0, min(max_repositories or 25, 100))])
        ]

    @strawberry.field(description="Whether the user made any contributions in this collection's span.")
    async def has_any_contributions(self, info: Info[Context, None]) -> bool:
        if self._window is not None:
            return bool(self._window.totals.get("hasAnyContributions"))
        return (await self._calendar(info)).total_contributions > 0

    @strawberry.field(description="Whether the user had activity before this collection's span.")
    def has_activity_in_the_past(self) -> bool:
        return bool(self._total("hasActivityInThePast"))

    @strawberry.field(description="Whether the user made contributions in private repositories in this span.")
    def has_any_restricted_contributions(self) -> bool:
        return bool(self._total("hasAnyRestrictedContributions"))

    @strawberry.field(description="Whether the collection's span is one day.")
    def is_single_day(self) -> bool:
        return self.started_at.date() == self.ended_at.date()

    @strawberry.field(description="How many contributions were made in private repositories.")
    def restricted_contributions_count(self) -> int:
        return int(self._total("restrictedContributionsCount"))

    @strawberry.field(description="How many commits were made.")
    def total_commit_contributions(self) -> int:
        return int(self._total("totalCommitContributions"))

    @strawberry.field(description="How many issues were opened.")
    def total_issue_contributions(
        self, exclude_first: bool | None = False, exclude_popular: bool | None = False
    ) -> int:
        return int(self._total("totalIssueContributions"))

    @strawberry.field(description="How many pull requests were opened.")
    def total_pull_request_contributions(
        self, exclude_first: bool | None = False, exclude_popular: bool | None = False
    ) -> int:
        return int(self._total("totalPullRequestContributions"))

    @strawberry.field(description="How many pull request reviews were made.")
    def total_pull_request_review_contributions(self) -> int:
        return int(self._total("totalPullRequestReviewContributions"))

    @strawberry.field(description="How many different repositories the user committed to.")
    def total_repositories_with_contributed_commits(self) -> int:
        return int(self._total("totalRepositoriesWithContributedCommits"))

    @strawberry.field(description="How many different repositories the user opened issues in.")
    def total_repositories_with_contributed_issues(
        self, exclude_first: bool | None = False, exclude_popular: bool | None = False
    ) -> int:
        return int(self._total("totalRepositoriesWithContributedIssues"))

    @strawberry.field(description="How many different repositories the user left pull request reviews in.")
    def total_repositories_with_contributed_pull_request_reviews(self) -> int:
        return int(self._total("totalRepositoriesWithContributedPullRequestReviews"))

    @strawberry.field(description="How many different repositories the user opened pull requests in.")
    def total_repositories_with_contributed_pull_requests(
        self, exclude_first: bool | None = False, exclude_popular: bool | None = False
    ) -> int:
        return int(self._total("totalRepositoriesWithContributedPullRequests"))

    @strawberry.field(description="How many repositories the user created.")
    def total_repository_contributions(self, exclude_first: bool | None = False) -> int:
        return int(self._total("totalRepositoryContributions"))

    @strawberry.field(description="The user who made the contributions in this collection.")
    def user(self) -> Annotated[User, OWNER]:
        from graph.schema.types.owner import User

        return User.of(self._user)


def one_year_after(moment: datetime) -> datetime:
    return moment.replace(year=moment.year + 1, day=28 if (moment.month, moment.day) == (2, 29) else moment.day)


def one_year_before(moment: datetime) -> datetime:
    return moment.replace(year=moment.year - 1, day=28 if (moment.month, moment.day) == (2, 29) else moment.day)


async def contributions_collection(
    info: Info[Context, None],
    user: models.Contributor,
    start: datetime | None,
    end: datetime | None,
    organization_id: strawberry.ID | None,
) -> ContributionsCollection:
    """The collection for the arguments, judged against the stored default window, never the local clock."""
    if organization_id is not None:
        raise client_error(
            "repofolio does not cache contributions by organization: ask without organizationID.", ErrorCode.NOT_FOUND
        )
    windows = await info.context.loaders.contribution_windows_by_user_id.load(user.id)
    default = next((w for w in windows if w.year == DEFAULT_WINDOW), None)
    if default is None:
        raise client_error(
            f"No contributions are synced for {user.login}: the sync reads them from GitHub's GraphQL API, "
            "which needs REPOFOLIO_GITHUB_TOKEN.",
            ErrorCode.NOT_FOUND,
        )
    if start is None and end is None:
        start, end = default.started_at, default.ended_at
    elif start is None:
        assert end is not None
        start = one_year_before(end)
    elif end is None:
        end = min(one_year_after(start), default.ended_at)
    if end < start:
        raise client_error(ORDER_ERROR, ErrorCode.BAD_USER_INPUT)
    if end > one_year_after(start):
        raise client_error(SPAN_ERROR, ErrorCode.BAD_USER_INPUT)
    window = next((w for w in windows if (w.started_at, w.ended_at) == (start, end)), None)
    return ContributionsCollection(started_at=start, ended_at=end, _user=user, _window=window, _default=default)
