"""What a portfolio shows beside the repositories: the user's status, followers/following and organizations,
an organization's members — GitHub's types for them, and the resolvers User and Organization share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from db import models
from db.profiles import OwnerStatus
from graph.read.organizations import DEFAULT_ORGANIZATION_ORDER
from graph.read.pagination import Page, PageArgs
from graph.read.queries import Order
from graph.schema.context import Context
from graph.schema.scalars import HTML, DateTime
from graph.schema.types.connection import PageInfo, connection
from graph.schema.types.inputs import OrganizationOrder

if TYPE_CHECKING:
    from graph.schema.types.owner import Organization, User, UserEdge

# graph.schema.types.owner imports this module: its types are named lazily here.
OWNER = strawberry.lazy("graph.schema.types.owner")

FOLLOWERS = (
    "The users following this user. totalCount is GitHub's count, from the REST profile (no token needed; 0 "
    "until a sync has read it); the cache keeps no list of them, so edges and nodes are empty."
)
FOLLOWING = (
    "The users this user follows. totalCount is GitHub's count, from the REST profile (no token needed; 0 until "
    "a sync has read it); the cache keeps no list of them, so edges and nodes are empty."
)
ORGANIZATIONS = (
    "The organizations the user belongs to, as GitHub's GraphQL API answers them to the sync's token (its "
    "first 100), in GitHub's order unless `orderBy` says otherwise; empty without REPOFOLIO_GITHUB_TOKEN. "
    "Only public memberships: the sync keeps those GitHub's REST API lists for the user (GraphQL answers a "
    "token's owner its private ones too). "
    "Organizations that are not configured owners answer their login, name, description, avatar and URL; "
    "their repositories, pins and members are not in the cache."
)
MEMBERS = (
    "The organization's members. totalCount is GitHub's count for a configured organization, synced through "
    "GitHub's GraphQL API (REPOFOLIO_GITHUB_TOKEN; 0 without it, and for organizations that are not "
    "configured owners); the cache keeps no list of them, so edges and nodes are empty."
)
STATUS = (
    "The user's status as GitHub shows it publicly, synced through GitHub's GraphQL API (needs "
    "REPOFOLIO_GITHUB_TOKEN; null without it or when none is set). A status visible only to an organization's "
    "members is not kept."
)


@strawberry.type(description="The users following a user.")
class FollowerConnection:
    edges: list[Annotated[UserEdge, OWNER] | None] | None = strawberry.field(description="Always empty.")
    nodes: list[Annotated[User, OWNER] | None] | None = strawberry.field(description="Always empty.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total_count: int = strawberry.field(description="How many users follow this user.")


@strawberry.type(description="The users a user follows.")
class FollowingConnection:
    edges: list[Annotated[UserEdge, OWNER] | None] | None = strawberry.field(description="Always empty.")
    nodes: list[Annotated[User, OWNER] | None] | None = strawberry.field(description="Always empty.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total_count: int = strawberry.field(description="How many users this user follows.")


@strawberry.type(description="An edge to an organization member.")
class OrganizationMemberEdge:
    cursor: str = strawberry.field(description="Where this edge sits in the connection.")
    node: Annotated[User, OWNER] | None = strawberry.field(description="The member.")


@strawberry.type(description="An organization's members.")
class OrganizationMemberConnection:
    edges: list[OrganizationMemberEdge | None] | None = strawberry.field(description="Always empty.")
    nodes: list[Annotated[User, OWNER] | None] | None = strawberry.field(description="Always empty.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total_count: int = strawberry.field(description="How many members the organization has.")


@strawberry.type(description="An edge to an organization.")
class OrganizationEdge:
    cursor: str = strawberry.field(description="Where this edge sits in the connection.")
    node: Annotated[Organization, OWNER] | None = strawberry.field(description="The organization.")


@strawberry.type(description="A page of organizations.")
class OrganizationConnection:
    edges: list[OrganizationEdge | None] | None = strawberry.field(description="The organizations with cursors.")
    nodes: list[Annotated[Organization, OWNER] | None] | None = strawberry.field(
        description="The organizations on this page."
    )
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total_count: int = strawberry.field(description="How many organizations there are, across all pages.")

    @classmethod
    def of(cls, page: Page[models.Contributor]) -> OrganizationConnection:
        from graph.schema.types.owner import Organization

        return cls(**connection(page, lambda row, cursor: OrganizationEdge(cursor=cursor, node=Organization.of(row))))


@strawberry.type(description="A user's status: an emoji and a message, as GitHub shows them.")
class UserStatus:
    created_at: DateTime = strawberry.field(description="When the status was set.")
    emoji: str | None = strawberry.field(description="The emoji's shortcode, e.g. `:dart:`.")
    emoji_html: HTML | None = strawberry.field(name="emojiHTML", description="The emoji as GitHub renders it.")
    expires_at: DateTime | None = strawberry.field(description="When the status expires, if it does.")
    indicates_limited_availability: bool = strawberry.field(description="Whether the user says they are busy.")
    message: str | None = strawberry.field(description="The status message.")
    updated_at: DateTime = strawberry.field(description="When the status last changed.")
    _owner: strawberry.Private[models.Contributor]

    @strawberry.field(description="The user whose status this is.")
    def user(self) -> Annotated[User, OWNER]:
        from graph.schema.types.owner import User

        return User.of(self._owner)

    @strawberry.field(
        description="The organization whose members alone may see this status: always null, as only public "
        "statuses are kept."
    )
    def organization(self) -> Annotated[Organization, OWNER] | None:
        return None

    @classmethod
    def of(cls, row: OwnerStatus, owner: models.Contributor) -> UserStatus:
        return cls(
            created_at=row.created_at,
            emoji=row.emoji,
            emoji_html=row.emoji_html,
            expires_at=row.expires_at,
            indicates_limited_availability=row.indicates_limited_availability,
            message=row.message,
            updated_at=row.updated_at,
            _owner=owner,
        )


def followers(
    row: models.Contributor, first: int | None, last: int | None, after: str | None, before: str | None
) -> FollowerConnection:
    PageArgs.parse("followers", first, last, after, before)
    return FollowerConnection(
        edges=[], nodes=[], page_info=PageInfo.of(Page.empty()), total_count=row.followers_count or 0
    )


def following(
    row: models.Contributor, first: int | None, last: int | None, after: str | None, before: str | None
) -> FollowingConnection:
    PageArgs.parse("following", first, last, after, before)
    return FollowingConnection(
        edges=[], nodes=[], page_info=PageInfo.of(Page.empty()), total_count=row.following_count or 0
    )


def members(
    row: models.Contributor, first: int | None, last: int | None, after: str | None, before: str | None
) -> OrganizationMemberConnection:
    PageArgs.parse("membersWithRole", first, last, after, before)
    return OrganizationMemberConnection(
        edges=[], nodes=[], page_info=PageInfo.of(Page.empty()), total_count=row.members_count or 0
    )


async def organizations(
    info: Info[Context, None],
    row: models.Contributor,
    first: int | None,
    last: int | None,
    after: str | None,
    before: str | None,
    order_by: OrganizationOrder | None,
) -> OrganizationConnection:
    page = PageArgs.parse("organizations", first, last, after, before)
    order = None
    if order_by is not None:
        order = Order.of(order_by.field, order_by.direction.value, DEFAULT_ORGANIZATION_ORDER)
    found = await info.context.loaders.organizations_by_user_id.load((row.id, order, page))
    return OrganizationConnection.of(found)


async def status(info: Info[Context, None], row: models.Contributor) -> UserStatus | None:
    found = await info.context.loaders.status_by_owner_id.load(row.id)
    return UserStatus.of(found, row) if found is not None else None
