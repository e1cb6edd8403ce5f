"""Strawberry types for the contract: GitHub's names and shapes, built from rows of the cache."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import strawberry
from strawberry.types import Info

from db import models
from db.models import showcase_key
from db.showcase import Showcase as ShowcaseRow
from graph.read import queries
from graph.read.keys import contributor_page_key, language_page_key, prefetch_repositories, resolved
from graph.read.pagination import Page, PageArgs, encode_cursor
from graph.schema.context import Context
from graph.schema.ids import own_id
from graph.schema.scalars import URI, DateTime


@strawberry.enum(description="The direction of an ordering.")
class OrderDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


# strawberry.enum registers these in place; the names are the query layer's own enums.
strawberry.enum(queries.RepositoryOrderField, description="Fields repositories can be ordered by.")
strawberry.enum(queries.ContributorOrderField, description="Fields contributors can be ordered by.")
RepositoryOrderField = queries.RepositoryOrderField
ContributorOrderField = queries.ContributorOrderField


@strawberry.enum(description="Fields languages can be ordered by.")
class LanguageOrderField(Enum):
    SIZE = "SIZE"


@strawberry.enum(description="Fields stargazers can be ordered by (accepted for compatibility).")
class StarOrderField(Enum):
    STARRED_AT = "STARRED_AT"


@strawberry.enum(description="Repository privacy; the cache holds public repositories only.")
class RepositoryPrivacy(Enum):
    PRIVATE = "PRIVATE"
    PUBLIC = "PUBLIC"


@strawberry.enum(description="How a user relates to a repository; only ownership adds repositories here.")
class RepositoryAffiliation(Enum):
    COLLABORATOR = "COLLABORATOR"
    ORGANIZATION_MEMBER = "ORGANIZATION_MEMBER"
    OWNER = "OWNER"


@strawberry.enum(description="Repository visibility; the cache holds public repositories only.")
class RepositoryVisibility(Enum):
    INTERNAL = "INTERNAL"
    PRIVATE = "PRIVATE"
    PUBLIC = "PUBLIC"


@strawberry.enum(description="Kinds of items that can be pinned; repositories are the ones the cache pins.")
class PinnableItemType(Enum):
    GIST = "GIST"
    ISSUE = "ISSUE"
    ORGANIZATION = "ORGANIZATION"
    PROJECT = "PROJECT"
    PULL_REQUEST = "PULL_REQUEST"
    REPOSITORY = "REPOSITORY"
    TEAM = "TEAM"
    USER = "USER"


@strawberry.input(description="Ordering for repository connections.")
class RepositoryOrder:
    direction: OrderDirection = strawberry.field(description="Ascending or descending.")
    field: RepositoryOrderField = strawberry.field(description="The field to order by.")


@strawberry.input(description="Ordering for language connections.")
class LanguageOrder:
    direction: OrderDirection = strawberry.field(description="Ascending or descending.")
    field: LanguageOrderField = strawberry.field(description="The field to order by.")


@strawberry.input(description="Ordering for stargazer connections.")
class StarOrder:
    direction: OrderDirection = strawberry.field(description="Ascending or descending.")
    field: StarOrderField = strawberry.field(description="The field to order by.")


@strawberry.input(description="Ordering for contributor connections.")
class ContributorOrder:
    direction: OrderDirection = strawberry.field(description="Ascending or descending.")
    field: ContributorOrderField = strawberry.field(description="The field to order by.")


def _order(value: Any, default: queries.Order) -> queries.Order:
    if value is None:
        return default
    return queries.Order.of(value.field, value.direction.value, default)


def _descending(order: LanguageOrder | None) -> bool:
    return order is None or order.direction.value == "DESC"


# ---- interfaces -------------------------------------------------------------------------------


@strawberry.interface(description="An object with a globally unique, stable id.")
class Node:
    id: strawberry.ID = strawberry.field(description="The opaque global id; node(id) finds the object again.")


@strawberry.interface(description="An object with a path and a URL on GitHub.")
class UniformResourceLocatable:
    resource_path: URI = strawberry.field(description="The path of this object on GitHub.")
    url: URI = strawberry.field(description="The URL of this object on GitHub.")


@strawberry.type(description="Where a page of a connection starts and ends, and whether more exists.")
class PageInfo:
    end_cursor: str | None = strawberry.field(description="The cursor of the last item on this page.")
    has_next_page: bool = strawberry.field(description="Whether items follow this page.")
    has_previous_page: bool = strawberry.field(description="Whether items precede this page.")
    start_cursor: str | None = strawberry.field(description="The cursor of the first item on this page.")

    @classmethod
    def of(cls, page: Page[Any]) -> PageInfo:
        return cls(
            start_cursor=encode_cursor(page.items[0][1]) if page.items else None,
            end_cursor=encode_cursor(page.items[-1][1]) if page.items else None,
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
        )


def connection(page: Page[Any], edge: Callable[[Any, str], Any]) -> dict[str, Any]:
    """The fields every connection shares, from one page: edges made by `edge(item, cursor)`, nodes, paging."""
    edges = [edge(item, encode_cursor(position)) for item, position in page.items]
    return {
        "edges": edges,
        "nodes": [e.node for e in edges],
        "page_info": PageInfo.of(page),
        "total_count": page.total_count,
    }


def with_avatar_size(url: str, size: int | None) -> str:
    if size is None or not url:
        return url
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "s"]
    return urlunsplit(parts._replace(query=urlencode([("s", str(size)), *query])))


def _path(url: str) -> str:
    return urlsplit(url).path or "/"


def _web_base(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else "https://github.com"


async def _repository_connection(
    info: Info[Context, None],
    owner_id: int | None,
    where: queries.RepositoryFilter,
    order_by: RepositoryOrder | None,
    page: PageArgs,
) -> RepositoryConnection:
    order = _order(order_by, queries.DEFAULT_REPOSITORY_ORDER)
    if owner_id is None:
        async with info.context.reads() as session:
            found = (await queries.repository_pages(session, None, where, order, page)).get(0) or Page.empty()
    else:
        found = await info.context.loaders.repositories_by_owner_id.load((owner_id, where, order, page))
    await prefetch_repositories(info, [row for row, _ in found.items])
    return RepositoryConnection.of(found)


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
    def avatar_url(self, size: int | None = None) -> URI:
        return with_avatar_size(self._row.avatar_url, size)

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
    ) -> RepositoryConnection:
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
        return await _repository_connection(info, self._row.id, where, order_by, page)

    @strawberry.field(description="One of this account's repositories by name, or null.")
    async def repository(
        self, info: Info[Context, None], name: str, follow_renames: bool | None = True
    ) -> Repository | None:
        row = await info.context.loaders.repository_by_name.load(showcase_key(f"{self._row.login}/{name}"))
        return Repository.of(row) if row is not None else None

    @strawberry.field(description="The repositories this account features, in the curated order.")
    async def pinned_items(
        self,
        info: Info[Context, None],
        after: str | None = None,
        before: str | None = None,
        first: int | None = None,
        last: int | None = None,
        types: list[PinnableItemType] | None = None,
    ) -> PinnableItemConnection:
        page = PageArgs.parse("pinnedItems", first, last, after, before)
        if types is not None and PinnableItemType.REPOSITORY not in types:
            return PinnableItemConnection.of(Page.empty())
        found = await info.context.loaders.pinned_by_owner_id.load((self._row.id, page))
        await prefetch_repositories(info, [row for row, _ in found.items])
        return PinnableItemConnection.of(found)


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
class User(Node, RepositoryOwner, UniformResourceLocatable):
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


@strawberry.type(description="A GitHub organization that owns repositories in the cache.")
class Organization(Node, RepositoryOwner, UniformResourceLocatable):
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


def _language_or_none(row: models.Language | None) -> Language | None:
    return Language.of(row) if row is not None else None


def owner_of(row: models.Contributor) -> User | Organization:
    return Organization.of(row) if row.type == "Organization" else User.of(row)


@strawberry.type(description="A Git reference, such as a repository's default branch.")
class Ref:
    name: str = strawberry.field(description="The short name, e.g. main.")
    prefix: str = strawberry.field(description="The ref's prefix, e.g. refs/heads/.")


@strawberry.type(description="A repository's open source license.")
class License(Node):
    key: str = strawberry.field(description="The lowercase SPDX-like key, e.g. mit.")
    name: str = strawberry.field(description="The license's full name.")
    spdx_id: str | None = strawberry.field(description="The SPDX identifier, e.g. MIT.")
    url: URI | None = strawberry.field(description="Where the license text is described.")

    @classmethod
    def of(cls, data: dict[str, Any]) -> License:
        key = str(data.get("key") or "other")
        return cls(
            id=strawberry.ID(data.get("node_id") or own_id("License", key)),
            key=key,
            name=str(data.get("name") or key),
            spdx_id=data.get("spdx_id"),
            url=data.get("url"),
        )


@strawberry.type(description="A programming language, with GitHub Linguist's color.")
class Language(Node):
    color: str | None = strawberry.field(description="The color Linguist gives the language, e.g. #3572A5.")
    name: str = strawberry.field(description="The language's name.")

    @classmethod
    def of(cls, row: models.Language) -> Language:
        return _language(row.name, row.color)


@lru_cache(maxsize=4_096)  # a value: pages repeat the same few languages on every repository
def _language(name: str, color: str | None) -> Language:
    return Language(id=strawberry.ID(own_id("Language", name)), color=color, name=name)


@strawberry.type(description="A language's share of a repository.")
class LanguageEdge:
    cursor: str = strawberry.field(description="Where this edge sits in the connection.")
    node: Language = strawberry.field(description="The language.")
    size: int = strawberry.field(description="Bytes of this language in the repository.")


@strawberry.type(description="The languages of a repository, largest first by default.")
class LanguageConnection:
    edges: list[LanguageEdge | None] | None = strawberry.field(description="The languages with their sizes.")
    nodes: list[Language | None] | None = strawberry.field(description="The languages on this page.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total_count: int = strawberry.field(description="How many languages the repository has.")
    total_size: int = strawberry.field(description="Bytes of code across all the repository's languages.")

    @classmethod
    def of(cls, page: Page[tuple[models.Language, int]]) -> LanguageConnection:
        return cls(
            **connection(
                page, lambda item, cursor: LanguageEdge(cursor=cursor, node=Language.of(item[0]), size=item[1])
            ),
            total_size=page.total_size,
        )


@strawberry.type(description="A topic repositories are tagged with.")
class Topic(Node):
    name: str = strawberry.field(description="The topic's name, e.g. graphql.")


@lru_cache(maxsize=4_096)  # a value, like `_language`
def topic_named(name: str) -> Topic:
    return Topic(id=strawberry.ID(own_id("Topic", name)), name=name)


@strawberry.type(description="A topic as applied to one repository.")
class RepositoryTopic(Node, UniformResourceLocatable):
    topic: Topic = strawberry.field(description="The topic.")


def repository_topic(row: models.Repository, name: str) -> RepositoryTopic:
    """The topic `name` as applied to the repository of `row` (graph.schema.nodes finds it again by its id)."""
    return RepositoryTopic(
        id=strawberry.ID(own_id("RepositoryTopic", f"{row.id}:{name}")),
        resource_path=f"/topics/{name}",
        url=f"{_web_base(row.html_url)}/topics/{name}",
        topic=topic_named(name),
    )


@strawberry.type(description="An edge to a repository topic.")
class RepositoryTopicEdge:
    cursor: str = strawberry.field(description="Where this edge sits in the connection.")
    node: RepositoryTopic | None = strawberry.field(description="The repository topic.")


@strawberry.type(description="The topics of a repository, in GitHub's order.")
class RepositoryTopicConnection:
    edges: list[RepositoryTopicEdge | None] | None = strawberry.field(description="The topics with cursors.")
    nodes: list[RepositoryTopic | None] | None = strawberry.field(description="The topics on this page.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total_count: int = strawberry.field(description="How many topics the repository has.")


@strawberry.type(description="How many people starred a repository (the cache keeps counts, not people).")
class StargazerConnection:
    total_count: int = strawberry.field(description="The number of stargazers, equal to stargazerCount.")


@strawberry.type(description="Curated presentation data for a repository, edited by the site owner.")
class Showcase:
    demo_url: URI | None = strawberry.field(description="A live demo of the project.")
    featured: bool = strawberry.field(description="Whether the repository is featured (pinned).")
    hidden: bool = strawberry.field(description="Whether the repository is hidden from the public API.")
    image_url: URI | None = strawberry.field(description="A picture of the project.")
    position: int | None = strawberry.field(description="Order among featured repositories.")
    summary: str | None = strawberry.field(description="A short curated summary of the project.")
    video_url: URI | None = strawberry.field(description="A video of the project.")

    @classmethod
    def of(cls, row: ShowcaseRow | None) -> Showcase:
        if row is None:
            return cls(
                demo_url=None, featured=False, hidden=False, image_url=None, position=None, summary=None, video_url=None
            )
        return cls(
            demo_url=row.demo_url,
            featured=row.featured,
            hidden=row.hidden,
            image_url=row.image_url,
            position=row.position,
            summary=row.summary,
            video_url=row.video_url,
        )


@strawberry.type(description="A public repository from the cache, in GitHub's shape.")
class Repository(Node, UniformResourceLocatable):
    created_at: DateTime = strawberry.field(description="When the repository was created.")
    database_id: int | None = strawberry.field(description="GitHub's numeric id for the repository.")
    description: str | None = strawberry.field(description="The repository's description.")
    disk_usage: int | None = strawberry.field(description="The repository's size on disk, in kilobytes.")
    fork_count: int = strawberry.field(description="How many forks the repository has.")
    homepage_url: URI | None = strawberry.field(description="The project's homepage.")
    is_archived: bool = strawberry.field(description="Whether the repository is archived (read-only).")
    is_fork: bool = strawberry.field(description="Whether the repository is a fork.")
    is_private: bool = strawberry.field(description="Always false: the cache holds public repositories only.")
    is_template: bool = strawberry.field(description="Whether the repository is a template.")
    name: str = strawberry.field(description="The repository's name.")
    name_with_owner: str = strawberry.field(description="owner/name.")
    pushed_at: DateTime | None = strawberry.field(description="When a commit was last pushed.")
    stargazer_count: int = strawberry.field(description="How many users starred the repository.")
    synced_at: DateTime | None = strawberry.field(
        description="When repofolio last fetched this repository's languages and contributors."
    )
    updated_at: DateTime = strawberry.field(description="When the repository last changed.")
    visibility: RepositoryVisibility = strawberry.field(description="Always PUBLIC in the cache.")
    _row: strawberry.Private[models.Repository]

    @classmethod
    def of(cls, row: models.Repository) -> Repository:
        return cls(
            id=strawberry.ID(row.node_id),
            resource_path=_path(row.html_url),
            url=row.html_url,
            created_at=row.created_at,
            database_id=row.id,
            description=row.description,
            disk_usage=row.disk_usage,
            fork_count=row.forks_count,
            homepage_url=row.homepage or None,
            is_archived=row.is_archived,
            is_fork=row.is_fork,
            is_private=False,
            is_template=row.is_template,
            name=row.name,
            name_with_owner=row.full_name,
            pushed_at=row.pushed_at,
            stargazer_count=row.stargazers_count,
            synced_at=row.synced_at,
            updated_at=row.updated_at,
            visibility=RepositoryVisibility.PUBLIC,
            _row=row,
        )

    @strawberry.field(description="The default branch, or null for an empty repository.")
    def default_branch_ref(self) -> Ref | None:
        branch = self._row.default_branch
        return Ref(name=branch, prefix="refs/heads/") if branch else None

    @strawberry.field(description="The repository's license, or null.")
    def license_info(self) -> License | None:
        return License.of(self._row.license) if self._row.license else None

    # The resolvers below are plain functions: on a prefetched page (graph/engine/prefetch.py, when installed)
    # they answer at once, otherwise they return the DataLoader's awaitable, which graphql-core awaits.

    @strawberry.field(description="The account that owns the repository.")
    def owner(self, info: Info[Context, None]) -> RepositoryOwner:
        return resolved(info.context.loaders.account_by_id, self._row.owner_id, owner_of)  # type: ignore[no-any-return]

    @strawberry.field(description="The language with the most bytes in the repository.")
    def primary_language(self, info: Info[Context, None]) -> Language | None:
        if self._row.primary_language_id is None:
            return None
        return resolved(info.context.loaders.language_by_id, self._row.primary_language_id, _language_or_none)  # type: ignore[no-any-return]

    @strawberry.field(description="The repository's languages with their sizes in bytes.")
    def languages(
        self,
        info: Info[Context, None],
        after: str | None = None,
        before: str | None = None,
        first: int | None = None,
        last: int | None = None,
        order_by: LanguageOrder | None = None,
    ) -> LanguageConnection | None:
        direction = order_by.direction.value if order_by is not None else None
        key = language_page_key(self._row.id, first, last, after, before, direction)
        return resolved(info.context.loaders.languages_by_repository_id, key, LanguageConnection.of)  # type: ignore[no-any-return]

    @strawberry.field(description="The repository's topics.")
    def repository_topics(
        self,
        after: str | None = None,
        before: str | None = None,
        first: int | None = None,
        last: int | None = None,
    ) -> RepositoryTopicConnection:
        page = PageArgs.parse("repositoryTopics", first, last, after, before)
        topics = list(self._row.topics or [])
        # Topics travel inside the repository row (a JSON list of at most 20), so they page in memory.
        upper = min(page.before or len(topics) + 1, len(topics) + 1)
        if page.first is not None:
            upper = min(upper, page.after + page.first + 1)
        lower = page.after + 1
        if page.last is not None:
            lower = max(lower, upper - page.last)
        items = [
            (repository_topic(self._row, name), position)
            for position, name in enumerate(topics, start=1)
            if lower <= position < upper
        ]
        found: Page[RepositoryTopic] = Page(
            items=items,
            total_count=len(topics),
            has_previous_page=bool(items) and items[0][1] > 1,
            has_next_page=bool(items) and items[-1][1] < len(topics),
        )
        return RepositoryTopicConnection(
            **connection(found, lambda node, cursor: RepositoryTopicEdge(cursor=cursor, node=node))
        )

    @strawberry.field(description="The stargazer count as a connection (the cache keeps counts only).")
    def stargazers(
        self,
        after: str | None = None,
        before: str | None = None,
        first: int | None = None,
        last: int | None = None,
        order_by: StarOrder | None = None,
    ) -> StargazerConnection:
        PageArgs.parse("stargazers", first, last, after, before)
        return StargazerConnection(total_count=self._row.stargazers_count)

    def _showcase(self, info: Info[Context, None], then: Any) -> Any:
        return resolved(info.context.loaders.showcase_by_key, self._row.full_name_key, then)

    def _open_graph_image_url(self, row: ShowcaseRow | None) -> str:
        if row is not None and row.image_url:
            return row.image_url
        stamp = hashlib.sha256(f"{self._row.id}:{self._row.updated_at.isoformat()}".encode()).hexdigest()
        return f"https://opengraph.githubassets.com/{stamp[:64]}/{self._row.full_name}"

    @strawberry.field(description="The curated image when one is set, else GitHub's generated social card.")
    def open_graph_image_url(self, info: Info[Context, None]) -> URI:
        return self._showcase(info, self._open_graph_image_url)  # type: ignore[no-any-return]

    @strawberry.field(description="Whether openGraphImageUrl is a curated image.")
    def uses_custom_open_graph_image(self, info: Info[Context, None]) -> bool:
        return self._showcase(info, lambda row: bool(row is not None and row.image_url))  # type: ignore[no-any-return]

    @strawberry.field(description="Curated presentation data for this repository.")
    def showcase(self, info: Info[Context, None]) -> Showcase:
        return self._showcase(info, Showcase.of)  # type: ignore[no-any-return]

    @strawberry.field(description="Accounts that committed to the default branch, most commits first by default.")
    def contributors(
        self,
        info: Info[Context, None],
        after: str | None = None,
        before: str | None = None,
        first: int | None = None,
        last: int | None = None,
        order_by: ContributorOrder | None = None,
    ) -> RepositoryContributorConnection:
        field = order_by.field.value if order_by is not None else None
        direction = order_by.direction.value if order_by is not None else None
        key = contributor_page_key(self._row.id, first, last, after, before, field, direction)
        loader, nodes = info.context.loaders.contributors_by_repository_id, info.context.nodes
        return resolved(loader, key, lambda page: RepositoryContributorConnection.of(page, nodes))  # type: ignore[no-any-return]


@strawberry.type(description="An edge to a repository.")
class RepositoryEdge:
    cursor: str = strawberry.field(description="Where this edge sits in the connection.")
    node: Repository | None = strawberry.field(description="The repository.")


@strawberry.type(description="A page of repositories.")
class RepositoryConnection:
    edges: list[RepositoryEdge | None] | None = strawberry.field(description="The repositories with cursors.")
    nodes: list[Repository | None] | None = strawberry.field(description="The repositories on this page.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total_count: int = strawberry.field(description="How many repositories match, across all pages.")

    @classmethod
    def of(cls, page: Page[models.Repository]) -> RepositoryConnection:
        return cls(**connection(page, lambda row, cursor: RepositoryEdge(cursor=cursor, node=Repository.of(row))))


PinnableItem = Annotated[Repository, strawberry.union("PinnableItem", description="Something that can be pinned.")]


@strawberry.type(description="An edge to a pinned item.")
class PinnableItemEdge:
    cursor: str = strawberry.field(description="Where this edge sits in the connection.")
    node: PinnableItem | None = strawberry.field(description="The pinned item.")


@strawberry.type(description="The featured repositories of an account, in curated order.")
class PinnableItemConnection:
    edges: list[PinnableItemEdge | None] | None = strawberry.field(description="The pinned items with cursors.")
    nodes: list[PinnableItem | None] | None = strawberry.field(description="The pinned items on this page.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total_count: int = strawberry.field(description="How many items are pinned.")

    @classmethod
    def of(cls, page: Page[models.Repository]) -> PinnableItemConnection:
        return cls(**connection(page, lambda row, cursor: PinnableItemEdge(cursor=cursor, node=Repository.of(row))))


# ---- contributors (extension) -----------------------------------------------------------------


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
    def avatar_url(self, size: int | None = None) -> URI:
        return with_avatar_size(self._row.avatar_url, size)

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
        page = PageArgs.parse("repositories", first, last, after, before)
        key = (self._row.id, _order(order_by, queries.DEFAULT_REPOSITORY_ORDER), page)
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
    node: Repository = strawberry.field(description="The repository.")


@strawberry.type(description="The repositories a contributor committed to.")
class ContributedRepositoryConnection:
    edges: list[ContributedRepositoryEdge | None] | None = strawberry.field(description="Repositories with counts.")
    nodes: list[Repository | None] | None = strawberry.field(description="The repositories on this page.")
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


# ---- language totals (extension) -------------------------------------------------------------


@strawberry.type(description="A language's total across cached repositories.")
class LanguageStatEdge:
    cursor: str = strawberry.field(description="Where this edge sits in the connection.")
    node: Language = strawberry.field(description="The language.")
    repository_count: int = strawberry.field(description="How many repositories use the language.")
    size: float = strawberry.field(description="Bytes of the language across those repositories.")


@strawberry.type(description="Languages across cached repositories, by total bytes.")
class LanguageStatConnection:
    edges: list[LanguageStatEdge | None] | None = strawberry.field(description="Languages with their totals.")
    nodes: list[Language | None] | None = strawberry.field(description="The languages on this page.")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    total_count: int = strawberry.field(description="How many languages appear.")
    total_size: float = strawberry.field(description="Bytes across all languages (Float: sums outgrow Int).")
