"""GitHub's ProfileOwner interface (User, Organization) and pinnedItems, which it and RepositoryOwner share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from db import models
from graph.read.keys import prefetch_repositories
from graph.read.pagination import Page, PageArgs
from graph.schema.context import Context
from graph.schema.scalars import URI
from graph.schema.types.enums import PinnableItemType

if TYPE_CHECKING:
    from graph.schema.types.repository import PinnableItemConnection

# graph.schema.types.repository imports the owner types, which import this module: named lazily here.
REPOSITORY = strawberry.lazy("graph.schema.types.repository")

PINNED_ITEMS = (
    "The owner's pinned items. When the owner has curated repositories as featured in repofolio's showcase, "
    "those win, in the curated order; otherwise the repositories the owner pinned on GitHub, in GitHub's "
    "order (synced through GitHub's GraphQL API, which needs REPOFOLIO_GITHUB_TOKEN). Pins the cache does not "
    "hold (gists, repositories of owners not configured) and hidden repositories are left out."
)


async def pinned_connection(
    info: Info[Context, None],
    owner: models.Contributor,
    after: str | None,
    before: str | None,
    first: int | None,
    last: int | None,
    types: list[PinnableItemType] | None,
) -> PinnableItemConnection:
    from graph.schema.types.repository import PinnableItemConnection

    page = PageArgs.parse("pinnedItems", first, last, after, before)
    if types is not None and PinnableItemType.REPOSITORY not in types:
        return PinnableItemConnection.of(Page.empty())
    found = await info.context.loaders.pinned_by_owner_id.load((owner.id, page))
    await prefetch_repositories(info, [row for row, _ in found.items])
    return PinnableItemConnection.of(found)


@strawberry.interface(description="An account with a public profile on GitHub: a user or an organization.")
class ProfileOwner:
    id: strawberry.ID = strawberry.field(description="GitHub's global node id for this account.")
    login: str = strawberry.field(description="The account's username.")
    email: str | None = strawberry.field(description="The account's public email.")
    location: str | None = strawberry.field(description="The account's public location.")
    name: str | None = strawberry.field(description="The account's public display name.")
    website_url: URI | None = strawberry.field(description="The account's website.")
    _row: strawberry.Private[models.Contributor]

    @strawberry.field(description=PINNED_ITEMS)
    async def pinned_items(
        self,
        info: Info[Context, None],
        after: str | None = None,
        before: str | None = None,
        first: int | None = None,
        last: int | None = None,
        types: list[PinnableItemType] | None = None,
    ) -> Annotated[PinnableItemConnection, REPOSITORY]:
        return await pinned_connection(info, self._row, after, before, first, last, types)
