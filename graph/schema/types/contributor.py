"""Contributors: accounts that committed to cached repositories, and their connections."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from db import models
from graph.read import queries
from graph.read.keys import prefetch_repositories
from graph.read.pagination import Page, PageArgs
from graph.schema import images
from graph.schema.context import Context
from graph.schema.ids import own_id
from graph.schema.scalars import URI
from graph.schema.types.connection import PageInfo, connection
from graph.schema.types.inputs import RepositoryOrder, order_of
from graph.schema.types.node import Node, UniformResourceLocatable

if TYPE_CHECKING:
    from graph.schema.types.repository import Repository

# graph.schema.types.repository imports this module; the types it defines are named lazily here.
REPOSITORY = strawberry.lazy("graph.schema.types.repository")


@strawberry.type(description="A GitHub account that contributed commits to cached repositories.")
class Contributor(Node, UniformResourceLocatable):
    database_id: int | None = strawberry.field(description="GitHub's numeric id for the account.")
    is_bot: bool = strawberry.field(description="Whether the account is a bot.")
    login: str = strawberry.field(description="The account's username.")
    _row: strawberry.Private[models.Contributor]
    _total: strawberry.Private[int | None] = None

    @classmethod
    def of(cls, row: models.Contributor, total: int | None = None) -> Contributor:
        return cls(
            id=strawberry.ID(own_id("Contributor", row.id)),
            resource_path=f"/{row.login}",
            url=row.html_url or f"https://github.com/{row.login}",
            database_id=row.id,
            is_bot=row.type == "Bot" or row.login.endswith("[bot]"),
            login=row.login,
            _row=row,
            _total=total,
        )

    @strawberry.field(description="The account's avatar, optionally resized to `size` pixels.")
    def avatar_url(self, info: Info[Context, None], size: int | None = None) -> URI:
        return images.avatar_url(info, self._row.id, self._row.avatar_url, size)

    @strawberry.field(description="Commits by this account across all cached repositories.")
    async def total_contributions(self, info: Info[Context, None]) -> int:
        if self._total is not None:
            return self._total
        return await info.context.loaders.contributions_by_contributor_id.load(self._row.id)

    @strawberry.field(description="Cached repositories this account contributed to.")
    async def repositories(
        self,
        info: Info[Context, None],
        after: str | None = None,
        before: str | None = None,
        first: int | None = None,
        last: int | None = None,
        order_by: RepositoryOrder | None = None,
    ) -> ContributedRepositoryConnection:
        from graph.schema.types.repository import Repository

        page = PageArgs.parse("repositories", first, last, after, before)
        key = (self._row.id, order_of(order_by, queries.DEFAULT_REPOSITORY_ORDER), page)
        found = await info.context.loaders.repositories_by_contributor_id.load(key)
        await prefetch_repositories(info, [row for (row, _), _ in found.items])
        return ContributedRepositoryConnection(
            **connection(
                found,
                lambda item, cursor: ContributedRepositoryEdge(
                    cursor=cursor, node=Repository.of(item[0]), contributions=item[1]
                ),
            )
        )


@strawberry.type(description="A contributor's commits to one repository.")
class RepositoryContributorEdge:
    contributions: int = strawberry.field(description="Commits to the default branch, as GitHub counts them.")
    cursor: str = strawberry.field(description="Where this edge sits in the connection.")
    node: Contributor = strawberry.field(description="The contributor.")


@strawberry.type(description="The contributors of a repository.")
class RepositoryContributorConnection:
    edges: list[RepositoryContributorEdge | None] | None = strawberry.field(description="Contributors with counts.")
    nodes: list[Contributor | None] | None = strawberry.field(description="The contributors on this page.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total_contributions: int = strawberry.field(description="Commits by all contributors together.")
    total_count: int = strawberry.field(description="How many contributors the repository has.")

    @classmethod
    def of(cls, page: Page[tuple[models.Contributor, int]], nodes: dict[Any, Any]) -> RepositoryContributorConnection:
        """`nodes`: the request's Contributor objects by id, for the people who appear on many pages."""

        def node(row: models.Contributor) -> Contributor:
            found = nodes.get((Contributor, row.id))
            if found is None:
                found = nodes[(Contributor, row.id)] = Contributor.of(row)
            return found

        return cls(
            **connection(
                page,
                lambda item, cursor: RepositoryContributorEdge(
                    cursor=cursor, node=node(item[0]), contributions=item[1]
                ),
            ),
            total_contributions=page.total_size,
        )


@strawberry.type(description="A repository a contributor committed to.")
class ContributedRepositoryEdge:
    contributions: int = strawberry.field(description="The contributor's commits to this repository.")
    cursor: str = strawberry.field(description="Where this edge sits in the connection.")
    node: Annotated[Repository, REPOSITORY] = strawberry.field(description="The repository.")


@strawberry.type(description="The repositories a contributor committed to.")
class ContributedRepositoryConnection:
    edges: list[ContributedRepositoryEdge | None] | None = strawberry.field(description="Repositories with counts.")
    nodes: list[Annotated[Repository, REPOSITORY] | None] | None = strawberry.field(
        description="The repositories on this page."
    )
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total_count: int = strawberry.field(description="How many cached repositories the account contributed to.")


@strawberry.type(description="An edge to a contributor.")
class ContributorEdge:
    cursor: str = strawberry.field(description="Where this edge sits in the connection.")
    node: Contributor = strawberry.field(description="The contributor.")


@strawberry.type(description="A page of contributors across all cached repositories.")
class ContributorConnection:
    edges: list[ContributorEdge | None] | None = strawberry.field(description="The contributors with cursors.")
    nodes: list[Contributor | None] | None = strawberry.field(description="The contributors on this page.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total_count: int = strawberry.field(description="How many accounts contributed to cached repositories.")
