"""Repository.issues and Repository.pullRequests: counts by state in GitHub's connection shape (issue 13).

The cache keeps how many issues and pull requests a repository has in each state (sync/counts.py), not the
issues themselves: the connections answer `totalCount` and an empty page. A count the cache does not know
(closed and merged ones on a deployment without a token; any before its first sync) is a clear error
rather than a wrong number, as is an argument that filters on what the cache does not keep (labels, ...).
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry

from db import models
from graph.errors import ErrorCode, client_error
from graph.read.pagination import Page, PageArgs
from graph.schema.scalars import DateTime
from graph.schema.types.connection import PageInfo
from graph.schema.types.enums import OrderDirection

EMPTY = "The cache keeps counts only: nodes are always empty."
ISSUES = "The repository's issues in the states asked for (every state by default), as a count: nodes are empty."
PULL_REQUESTS = (
    "The repository's pull requests in the states asked for (every state by default), as a count: nodes are empty."
)


@strawberry.enum(description="The possible states of an issue.")
class IssueState(Enum):
    CLOSED = strawberry.enum_value("CLOSED", description="An issue that has been closed.")
    OPEN = strawberry.enum_value("OPEN", description="An issue that is still open.")


@strawberry.enum(description="The possible states of a pull request.")
class PullRequestState(Enum):
    CLOSED = strawberry.enum_value("CLOSED", description="A pull request that has been closed without being merged.")
    MERGED = strawberry.enum_value("MERGED", description="A pull request that has been closed by being merged.")
    OPEN = strawberry.enum_value("OPEN", description="A pull request that is still open.")


@strawberry.enum(description="Properties by which issue connections can be ordered (accepted; counts have no order).")
class IssueOrderField(Enum):
    COMMENTS = strawberry.enum_value("COMMENTS", description="Order issues by comment count.")
    CREATED_AT = strawberry.enum_value("CREATED_AT", description="Order issues by creation time.")
    UPDATED_AT = strawberry.enum_value("UPDATED_AT", description="Order issues by update time.")


@strawberry.input(description="Ordering for issue and pull-request connections (accepted; counts have no order).")
class IssueOrder:
    direction: OrderDirection = strawberry.field(description="Ascending or descending.")
    field: IssueOrderField = strawberry.field(description="The field to order by.")


@strawberry.input(description="Filters for issues: only `states` is honoured; any other filter is an error.")
class IssueFilters:
    assignee: str | None = strawberry.field(default=None, description="Issues assigned to this login.")
    created_by: str | None = strawberry.field(default=None, description="Issues opened by this login.")
    labels: list[str] | None = strawberry.field(default=None, description="Issues with all these labels.")
    mentioned: str | None = strawberry.field(default=None, description="Issues mentioning this login.")
    milestone: str | None = strawberry.field(default=None, description="Issues in this milestone (database id).")
    milestone_number: str | None = strawberry.field(default=None, description="Issues in this milestone (number).")
    since: DateTime | None = strawberry.field(default=None, description="Issues updated at or after this time.")
    states: list[IssueState] | None = strawberry.field(default=None, description="Issues in these states.")
    viewer_subscribed: bool | None = strawberry.field(default=False, description="Issues the viewer subscribes to.")


# Without an id: no node of these types is ever issued (node(id:) would have nothing to answer).
@strawberry.type(description="An issue. The cache keeps none: connections of issues hold counts only.")
class Issue:
    number: int = strawberry.field(description="The issue's number in its repository.")


@strawberry.type(description="A pull request. The cache keeps none: connections of pull requests hold counts only.")
class PullRequest:
    number: int = strawberry.field(description="The pull request's number in its repository.")


@strawberry.type(description="Issues of a repository, as a count. " + EMPTY)
class IssueConnection:
    nodes: list[Issue | None] | None = strawberry.field(description="Always empty (the cache keeps counts only).")
    page_info: PageInfo = strawberry.field(description="An empty page: no cursors, no further page.")
    total_count: int = strawberry.field(description="How many issues are in the states asked for (all by default).")


@strawberry.type(description="Pull requests of a repository, as a count. " + EMPTY)
class PullRequestConnection:
    nodes: list[PullRequest | None] | None = strawberry.field(description="Always empty (the cache keeps counts only).")
    page_info: PageInfo = strawberry.field(description="An empty page: no cursors, no further page.")
    total_count: int = strawberry.field(
        description="How many pull requests are in the states asked for (all by default)."
    )


ISSUE_COLUMNS = {IssueState.OPEN: "open_issues", IssueState.CLOSED: "closed_issues"}
PULL_COLUMNS = {
    PullRequestState.OPEN: "open_pull_requests",
    PullRequestState.CLOSED: "closed_pull_requests",
    PullRequestState.MERGED: "merged_pull_requests",
}
UNKNOWN = (
    "{what} of {repository} are not in the cache: closed issues and closed or merged pull requests are synced "
    "with a token (REPOFOLIO_GITHUB_TOKEN), open ones by any sync since the upgrade."
)


def total(row: models.Repository, columns: dict[Any, str], wanted: set[Any], what: str) -> int:
    """The sum of the stored counts of the `wanted` states."""
    found = [getattr(row, column) for state, column in columns.items() if state in wanted]
    if any(count is None for count in found):
        raise client_error(UNKNOWN.format(what=what, repository=row.full_name), ErrorCode.NOT_SYNCED)
    return sum(found)


def refuse(name: str, **filters: Any) -> None:
    """A filter on what the cache does not keep is an error: a count ignoring it would be wrong."""
    given = sorted(key for key, value in filters.items() if value not in (None, [], False))
    if given:
        message = f"{name} can only be filtered by states here (the cache keeps counts by state), not by {given[0]}."
        raise client_error(message, ErrorCode.BAD_USER_INPUT)


def issues(
    self: Any,
    after: str | None = None,
    before: str | None = None,
    filter_by: IssueFilters | None = None,
    first: int | None = None,
    labels: list[str] | None = None,
    last: int | None = None,
    order_by: IssueOrder | None = None,
    states: list[IssueState] | None = None,
) -> IssueConnection:
    PageArgs.parse("issues", first, last, after, before)
    refuse("issues", labels=labels)
    if filter_by is not None:
        refuse(
            "issues",
            assignee=filter_by.assignee,
            createdBy=filter_by.created_by,
            labels=filter_by.labels,
            mentioned=filter_by.mentioned,
            milestone=filter_by.milestone,
            milestoneNumber=filter_by.milestone_number,
            since=filter_by.since,
            viewerSubscribed=filter_by.viewer_subscribed,
        )
    wanted = set(states or ISSUE_COLUMNS)  # no states (or none listed): every state
    if filter_by is not None and filter_by.states:  # both given: an issue must be in both lists
        wanted &= set(filter_by.states)
    count = total(self._row, ISSUE_COLUMNS, wanted, "Issue counts")
    return IssueConnection(nodes=[], page_info=PageInfo.of(Page.empty()), total_count=count)


def pull_requests(
    self: Any,
    after: str | None = None,
    base_ref_name: str | None = None,
    before: str | None = None,
    first: int | None = None,
    head_ref_name: str | None = None,
    labels: list[str] | None = None,
    last: int | None = None,
    order_by: IssueOrder | None = None,
    states: list[PullRequestState] | None = None,
) -> PullRequestConnection:
    PageArgs.parse("pullRequests", first, last, after, before)
    refuse("pullRequests", labels=labels, baseRefName=base_ref_name, headRefName=head_ref_name)
    count = total(self._row, PULL_COLUMNS, set(states or PULL_COLUMNS), "Pull-request counts")
    return PullRequestConnection(nodes=[], page_info=PageInfo.of(Page.empty()), total_count=count)
