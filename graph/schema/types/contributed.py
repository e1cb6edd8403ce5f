"""User.repositoriesContributedTo and User.topRepositories, answered from the lists the sync read from GitHub."""

from __future__ import annotations

from typing import TYPE_CHECKING

from strawberry.types import Info

from db import models
from graph.read import queries
from graph.read.contributed import ContributedFilter
from graph.read.keys import prefetch_repositories
from graph.read.pagination import PageArgs
from graph.schema.context import Context
from graph.schema.types.enums import RepositoryContributionType, RepositoryPrivacy
from graph.schema.types.inputs import RepositoryOrder

if TYPE_CHECKING:
    from graph.schema.types.repository import RepositoryConnection

CONTRIBUTED_TO = (
    "Public repositories the user contributed to, as GitHub's GraphQL API last answered (synced with "
    "REPOFOLIO_GITHUB_TOKEN; empty without one): GitHub's order unless `orderBy` is given, its first 100 per "
    "contribution type. Repositories of owners repofolio does not sync are light records: GitHub's "
    "non-null fields and a few more (no languages, contributors or README), found through these lists only, "
    "never in listings, search, stats or `node`. Hidden repositories are left out."
)
TOP_REPOSITORIES = (
    "GitHub's top repositories of the user (repositories contributed to, ranked by GitHub, plus ones the user "
    "created), as its GraphQL API last answered (synced with REPOFOLIO_GITHUB_TOKEN; empty without one), "
    "ordered by `orderBy` with GitHub's rank settling ties. `since` is not applied: the cache holds GitHub's "
    "answer for its default window. Outside repositories are light records, as in repositoriesContributedTo; "
    "hidden repositories are left out."
)


async def contributed_connection(
    info: Info[Context, None],
    user: models.Contributor,
    page: PageArgs,
    contribution_types: list[RepositoryContributionType | None] | None,
    include_user_repositories: bool | None,
    has_issues: bool | None,
    is_locked: bool | None,
    privacy: RepositoryPrivacy | None,
    order_by: RepositoryOrder | None,
) -> RepositoryConnection:
    from graph.schema.types.repository import RepositoryConnection

    types = None
    if contribution_types is not None:
        types = tuple(sorted({kind.value for kind in contribution_types if kind is not None}))
    where = ContributedFilter(
        include_hidden=info.context.include_hidden,
        types=types,
        include_user_repositories=bool(include_user_repositories),
        has_issues=has_issues,
        nothing=privacy is RepositoryPrivacy.PRIVATE or is_locked is True,
    )
    order = (
        queries.Order.of(order_by.field, order_by.direction.value, queries.DEFAULT_REPOSITORY_ORDER)
        if order_by
        else None
    )
    found = await info.context.loaders.contributed_by_user_id.load((user.id, where, order, page))
    await prefetch_repositories(info, [row for row, _ in found.items])
    return RepositoryConnection.of(found)


async def top_connection(
    info: Info[Context, None], user: models.Contributor, page: PageArgs, order_by: RepositoryOrder
) -> RepositoryConnection:
    from graph.schema.types.repository import RepositoryConnection

    order = queries.Order.of(order_by.field, order_by.direction.value, queries.DEFAULT_REPOSITORY_ORDER)
    found = await info.context.loaders.top_by_user_id.load((user.id, order, page))
    await prefetch_repositories(info, [row for row, _ in found.items])
    return RepositoryConnection.of(found)
