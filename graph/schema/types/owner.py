"""Repository owners: the RepositoryOwner interface, User and Organization; connections of users."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from db import models
from db.models import showcase_key
from graph.read import queries
from graph.read.pagination import Page, PageArgs
from graph.schema import images
from graph.schema.context import Context
from graph.schema.ids import own_id
from graph.schema.scalars import URI, DateTime
from graph.schema.types import contributed, profile_fields
from graph.schema.types.connection import PageInfo
from graph.schema.types.contributions import CONTRIBUTIONS, ContributionsCollection, contributions_collection
from graph.schema.types.enums import (
    PinnableItemType,
    RepositoryAffiliation,
    RepositoryContributionType,
    RepositoryPrivacy,
    RepositoryVisibility,
)
from graph.schema.types.inputs import OrganizationOrder, RepositoryOrder
from graph.schema.types.node import Node, UniformResourceLocatable
from graph.schema.types.profile import PINNED_ITEMS, ProfileOwner, pinned_connection
from graph.schema.types.profile_fields import (
    FollowerConnection,
    FollowingConnection,
    OrganizationConnection,
    OrganizationMemberConnection,
    UserStatus,
)

if TYPE_CHECKING:
    from graph.schema.types.repository import PinnableItemConnection, Repository, RepositoryConnection

# graph.schema.types.repository imports this module; the types it defines are named lazily here.
REPOSITORY = strawberry.lazy("graph.schema.types.repository")


OWNER_AFFILIATIONS_DEFAULT: list[RepositoryAffiliation | None] = [
    RepositoryAffiliation.OWNER,
    RepositoryAffiliation.COLLABORATOR,
]


@strawberry.interface(description="An account that owns repositories: a user or an organization.")
class RepositoryOwner:
    id: strawberry.ID = strawberry.field(description="GitHub's global node id for this account.")
    login: str = strawberry.field(description="The account's username.")
    resource_path: URI = strawberry.field(description="The path of this account on GitHub.")
    url: URI = strawberry.field(description="The URL of this account on GitHub.")
    _row: strawberry.Private[models.Contributor]

    @strawberry.field(description="The account's avatar, optionally resized to `size` pixels.")
    def avatar_url(self, info: Info[Context, None], size: int | None = None) -> URI:
        return images.avatar_url(info, self._row.id, self._row.avatar_url, size)

    @strawberry.field(description="Public repositories this account owns, from the cache.")
    async def repositories(
        self,
        info: Info[Context, None],
        affiliations: list[RepositoryAffiliation | None] | None = None,
        after: str | None = None,
        before: str | None = None,
        first: int | None = None,
        has_issues_enabled: bool | None = None,
        is_archived: bool | None = None,
        is_fork: bool | None = None,
        is_locked: bool | None = None,
        last: int | None = None,
        order_by: RepositoryOrder | None = None,
        owner_affiliations: list[RepositoryAffiliation | None] | None = OWNER_AFFILIATIONS_DEFAULT,  # noqa: B006
        privacy: RepositoryPrivacy | None = None,
        visibility: RepositoryVisibility | None = None,
    ) -> Annotated[RepositoryConnection, REPOSITORY]:
        from graph.schema.types.repository import repository_connection

        page = PageArgs.parse("repositories", first, last, after, before)
        where = queries.RepositoryFilter(
            include_hidden=info.context.include_hidden,
            # The cache holds no private, internal or locked repositories.
            nothing=privacy is RepositoryPrivacy.PRIVATE
            or visibility in (RepositoryVisibility.PRIVATE, RepositoryVisibility.INTERNAL)
            or is_locked is True,
            is_fork=is_fork,
            is_archived=is_archived,
            has_issues=has_issues_enabled,
        )
        return await repository_connection(info, self._row.id, where, order_by, page)

    @strawberry.field(description="One of this account's repositories by name, or null.")
    async def repository(
        self, info: Info[Context, None], name: str, follow_renames: bool | None = True
    ) -> Annotated[Repository, REPOSITORY] | None:
        from graph.schema.types.repository import Repository

        row = await info.context.loaders.repository_by_name.load(showcase_key(f"{self._row.login}/{name}"))
        return Repository.of(row) if row is not None else None

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


def _profile_fields(row: models.Contributor) -> dict[str, Any]:
    created = row.created_at or datetime.fromtimestamp(0).astimezone()
    return {
        "id": strawberry.ID(row.node_id or own_id("Contributor", row.id)),
        "login": row.login,
        "resource_path": f"/{row.login}",
        "url": row.html_url,
        "name": row.name,
        "location": row.location,
        "twitter_username": row.twitter_username,
        "website_url": row.blog or None,
        "created_at": created,
        "updated_at": row.updated_at or created,
        "_row": row,
    }


@strawberry.type(description="A GitHub user who owns repositories in the cache.")
class User(Node, RepositoryOwner, ProfileOwner, UniformResourceLocatable):
    bio: str | None = strawberry.field(description="The user's public profile bio.")
    company: str | None = strawberry.field(description="The user's public company.")
    created_at: DateTime = strawberry.field(description="When the account was created.")
    email: str = strawberry.field(description="The public email, or an empty string when none is shown.")
    location: str | None = strawberry.field(description="The user's public location.")
    name: str | None = strawberry.field(description="The user's public display name.")
    twitter_username: str | None = strawberry.field(description="The user's Twitter username.")
    updated_at: DateTime = strawberry.field(description="When the profile last changed.")
    website_url: URI | None = strawberry.field(description="The user's website.")

    @classmethod
    def of(cls, row: models.Contributor) -> User:
        return cls(bio=row.bio, company=row.company, email=row.email or "", **_profile_fields(row))

    @strawberry.field(description=contributed.CONTRIBUTED_TO)
    async def repositories_contributed_to(
        self,
        info: Info[Context, None],
        after: str | None = None,
        before: str | None = None,
        contribution_types: list[RepositoryContributionType | None] | None = None,
        first: int | None = None,
        has_issues: bool | None = None,
        include_user_repositories: bool | None = None,
        is_locked: bool | None = None,
        last: int | None = None,
        order_by: RepositoryOrder | None = None,
        privacy: RepositoryPrivacy | None = None,
    ) -> Annotated[RepositoryConnection, REPOSITORY]:
        page = PageArgs.parse("repositoriesContributedTo", first, last, after, before)
        return await contributed.contributed_connection(
            info,
            self._row,
            page,
            contribution_types,
            include_user_repositories,
            has_issues,
            is_locked,
            privacy,
            order_by,
        )

    @strawberry.field(description=contributed.TOP_REPOSITORIES)
    async def top_repositories(
        self,
        info: Info[Context, None],
        order_by: RepositoryOrder,
        after: str | None = None,
        before: str | None = None,
        first: int | None = None,
        last: int | None = None,
        since: DateTime | None = None,
    ) -> Annotated[RepositoryConnection, REPOSITORY]:
        page = PageArgs.parse("topRepositories", first, last, after, before)
        return await contributed.top_connection(info, self._row, page, order_by)

    @strawberry.field(description=profile_fields.FOLLOWERS)
    def followers(
        self, after: str | None = None, before: str | None = None, first: int | None = None, last: int | None = None
    ) -> FollowerConnection:
        return profile_fields.followers(self._row, first, last, after, before)

    @strawberry.field(description=profile_fields.FOLLOWING)
    def following(
        self, after: str | None = None, before: str | None = None, first: int | None = None, last: int | None = None
    ) -> FollowingConnection:
        return profile_fields.following(self._row, first, last, after, before)

    @strawberry.field(description=profile_fields.ORGANIZATIONS)
    async def organizations(
        self,
        info: Info[Context, None],
        after: str | None = None,
        before: str | None = None,
        first: int | None = None,
        last: int | None = None,
        order_by: OrganizationOrder | None = None,
    ) -> OrganizationConnection:
        return await profile_fields.organizations(info, self._row, first, last, after, before, order_by)

    @strawberry.field(description=profile_fields.STATUS)
    async def status(self, info: Info[Context, None]) -> UserStatus | None:
        return await profile_fields.status(info, self._row)

    @strawberry.field(description=CONTRIBUTIONS)
    async def contributions_collection(
        self,
        info: Info[Context, None],
        from_: Annotated[DateTime | None, strawberry.argument(name="from")] = None,
        to: DateTime | None = None,
        organization_id: Annotated[strawberry.ID | None, strawberry.argument(name="organizationID")] = None,
    ) -> ContributionsCollection:
        return await contributions_collection(info, self._row, from_, to, organization_id)


@strawberry.type(description="A GitHub organization that owns repositories in the cache.")
class Organization(Node, RepositoryOwner, ProfileOwner, UniformResourceLocatable):
    created_at: DateTime = strawberry.field(description="When the organization was created.")
    description: str | None = strawberry.field(description="The organization's public description.")
    email: str | None = strawberry.field(description="The organization's public email.")
    location: str | None = strawberry.field(description="The organization's public location.")
    name: str | None = strawberry.field(description="The organization's display name.")
    twitter_username: str | None = strawberry.field(description="The organization's Twitter username.")
    updated_at: DateTime = strawberry.field(description="When the profile last changed.")
    website_url: URI | None = strawberry.field(description="The organization's website.")

    @classmethod
    def of(cls, row: models.Contributor) -> Organization:
        return cls(description=row.description, email=row.email or None, **_profile_fields(row))

    @strawberry.field(description=profile_fields.MEMBERS)
    def members_with_role(
        self, after: str | None = None, before: str | None = None, first: int | None = None, last: int | None = None
    ) -> OrganizationMemberConnection:
        return profile_fields.members(self._row, first, last, after, before)


def owner_of(row: models.Contributor) -> User | Organization:
    return Organization.of(row) if row.type == "Organization" else User.of(row)


@strawberry.type(description="An edge to a user.")
class UserEdge:
    cursor: str = strawberry.field(description="Where this edge sits in the connection.")
    node: User | None = strawberry.field(description="The user.")


@strawberry.type(description="A page of users.")
class UserConnection:
    edges: list[UserEdge | None] | None = strawberry.field(description="The users with cursors.")
    nodes: list[User | None] | None = strawberry.field(description="The users on this page.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total_count: int = strawberry.field(description="How many users there are, across all pages.")

    @classmethod
    def count_only(cls, total_count: int) -> UserConnection:
        """The count of people the cache does not list (e.g. watchers): no edges or nodes, no further page."""
        return cls(edges=[], nodes=[], page_info=PageInfo.of(Page.empty()), total_count=total_count)
