"""Releases: a repository's published releases and its latest one, in GitHub's shape."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from db import releases as rows
from graph.read import releases as reads
from graph.read.keys import release_page_key, resolved
from graph.read.pagination import Page
from graph.schema.context import Context
from graph.schema.scalars import HTML, DateTime
from graph.schema.types.connection import PageInfo, connection
from graph.schema.types.enums import OrderDirection
from graph.schema.types.node import Node, UniformResourceLocatable, path_of

if TYPE_CHECKING:
    from graph.schema.types.repository import Repository

# graph.schema.types.repository imports this module; its Repository is named lazily here.
REPOSITORY = strawberry.lazy("graph.schema.types.repository")

strawberry.enum(reads.ReleaseOrderField, description="Fields releases can be ordered by: NAME falls back on the tag.")
ReleaseOrderField = reads.ReleaseOrderField


@strawberry.input(description="Ordering for release connections.")
class ReleaseOrder:
    direction: OrderDirection = strawberry.field(description="Ascending or descending.")
    field: ReleaseOrderField = strawberry.field(description="The field to order by.")


@strawberry.type(description="A published release of a repository (drafts are never cached).")
class Release(Node, UniformResourceLocatable):
    created_at: DateTime = strawberry.field(
        description="When the release was created: GitHub's date of the tagged commit, which picks the latest."
    )
    database_id: int | None = strawberry.field(description="GitHub's numeric id for the release.")
    description: str | None = strawberry.field(description="The release notes, as Markdown.")
    description_html: HTML | None = strawberry.field(
        name="descriptionHTML", description="The release notes rendered to HTML, as GitHub renders them."
    )
    is_draft: bool = strawberry.field(description="Always false: drafts are never cached.")
    is_latest: bool = strawberry.field(
        description="Whether this is the repository's latest release: the newest non-prerelease, non-draft one."
    )
    is_prerelease: bool = strawberry.field(description="Whether the release is marked as a prerelease.")
    name: str | None = strawberry.field(description="The release's title.")
    published_at: DateTime | None = strawberry.field(description="When the release was published.")
    repository: Annotated[Repository, REPOSITORY] = strawberry.field(description="The repository it belongs to.")
    tag_name: str = strawberry.field(description="The name of the release's Git tag.")
    updated_at: DateTime = strawberry.field(description="When the release last changed.")

    @classmethod
    def of(cls, row: rows.Release, repository: Repository, is_latest: bool) -> Release:
        return cls(
            id=strawberry.ID(row.node_id),
            resource_path=path_of(row.html_url),
            url=row.html_url,
            created_at=row.created_at,
            database_id=row.id,
            description=row.description,
            description_html=row.description_html,
            is_draft=row.is_draft,
            is_latest=is_latest,
            is_prerelease=row.is_prerelease,
            name=row.name,
            published_at=row.published_at,
            repository=repository,
            tag_name=row.tag_name,
            updated_at=row.updated_at or row.published_at or row.created_at,
        )


@strawberry.type(description="An edge to a release.")
class ReleaseEdge:
    cursor: str = strawberry.field(description="Where this edge sits in the connection.")
    node: Release | None = strawberry.field(description="The release.")


@strawberry.type(description="A page of a repository's releases.")
class ReleaseConnection:
    edges: list[ReleaseEdge | None] | None = strawberry.field(description="The releases with cursors.")
    nodes: list[Release | None] | None = strawberry.field(description="The releases on this page.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total_count: int = strawberry.field(description="How many releases the repository has.")

    @classmethod
    def of(cls, page: Page[tuple[rows.Release, bool]], repository: Repository) -> ReleaseConnection:
        return cls(
            **connection(
                page, lambda item, cursor: ReleaseEdge(cursor=cursor, node=Release.of(item[0], repository, item[1]))
            )
        )


# Resolvers of Repository's fields (graph/schema/types/repository.py names them), `self` a Repository.


def latest_release(self: Any, info: Info[Context, None]) -> Release | None:
    def then(row: rows.Release | None) -> Release | None:
        return Release.of(row, self, True) if row is not None else None

    return resolved(info.context.loaders.latest_release_by_repository_id, self.database_id, then)  # type: ignore[no-any-return]


def releases(
    self: Any,
    info: Info[Context, None],
    after: str | None = None,
    before: str | None = None,
    first: int | None = None,
    last: int | None = None,
    order_by: Annotated[ReleaseOrder | None, strawberry.argument(description="Order for connection.")] = None,
) -> ReleaseConnection:
    field = order_by.field.value if order_by is not None else None
    direction = order_by.direction.value if order_by is not None else None
    key = release_page_key(self.database_id, first, last, after, before, field, direction)
    loader = info.context.loaders.releases_by_repository_id
    return resolved(loader, key, lambda page: ReleaseConnection.of(page, self))  # type: ignore[no-any-return]
