"""The Repository type, its parts (license, ref, showcase, stargazers, HTML descriptions) and its connections."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from db import models
from db.showcase import Showcase as ShowcaseRow
from graph.errors import ErrorCode, client_error
from graph.read import queries
from graph.read.keys import contributor_page_key, language_page_key, prefetch_repositories, resolved
from graph.read.pagination import Page, PageArgs
from graph.schema import images
from graph.schema.context import Context
from graph.schema.description_html import description_html, short_description_html
from graph.schema.scalars import HTML, URI, DateTime, GitObjectID
from graph.schema.types import issues as issue_counts
from graph.schema.types.blob import Blob, GitObject, readme_at
from graph.schema.types.connection import PageInfo, connection
from graph.schema.types.contributor import RepositoryContributorConnection
from graph.schema.types.enums import RepositoryAffiliation, RepositoryPrivacy, RepositoryVisibility
from graph.schema.types.inputs import ContributorOrder, LanguageOrder, RepositoryOrder, StarOrder, order_of
from graph.schema.types.issues import IssueConnection, PullRequestConnection
from graph.schema.types.language import Language, LanguageConnection, language_or_none
from graph.schema.types.license import License
from graph.schema.types.node import Node, UniformResourceLocatable, path_of
from graph.schema.types.owner import OWNER_AFFILIATIONS_DEFAULT, RepositoryOwner, UserConnection, owner_of
from graph.schema.types.release import Release, ReleaseConnection, latest_release, releases
from graph.schema.types.topic import RepositoryTopic, RepositoryTopicConnection, RepositoryTopicEdge, repository_topic


@strawberry.type(description="A Git reference, such as a repository's default branch.")
class Ref:
    name: str = strawberry.field(description="The short name, e.g. main.")
    prefix: str = strawberry.field(description="The ref's prefix, e.g. refs/heads/.")


@strawberry.type(description="How many people starred a repository (the cache keeps counts, not people).")
class StargazerConnection:
    total_count: int = strawberry.field(description="The number of stargazers, equal to stargazerCount.")


def picture_url(self: Showcase, info: Info[Context, None]) -> URI | None:
    """The curated picture, on our origin when the image proxy is on and its host is allowed."""
    links = images.links_of(info)
    if self._image_url is None or self._key is None or links is None:
        return self._image_url
    return links.link(images.ImageKind.PICTURE, self._key, self._image_url)


@strawberry.type(description="Curated presentation data for a repository, edited by the site owner.")
class Showcase:
    demo_url: URI | None = strawberry.field(description="A live demo of the project.")
    featured: bool = strawberry.field(description="Whether the repository is featured (pinned).")
    hidden: bool = strawberry.field(description="Whether the repository is hidden from the public API.")
    image_url: URI | None = strawberry.field(resolver=picture_url, description="A picture of the project.")
    position: int | None = strawberry.field(description="Order among featured repositories.")
    summary: str | None = strawberry.field(description="A short curated summary of the project.")
    video_url: URI | None = strawberry.field(description="A video of the project.")
    _image_url: strawberry.Private[str | None] = None
    _key: strawberry.Private[str | None] = None

    @classmethod
    def of(cls, row: ShowcaseRow | None) -> Showcase:
        if row is None:
            return cls(demo_url=None, featured=False, hidden=False, position=None, summary=None, video_url=None)
        return cls(
            demo_url=row.demo_url,
            featured=row.featured,
            hidden=row.hidden,
            position=row.position,
            summary=row.summary,
            video_url=row.video_url,
            _image_url=row.image_url,
            _key=row.key,
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
    latest_release: Release | None = strawberry.field(
        resolver=latest_release, description="The newest release that is neither a prerelease nor a draft, or null."
    )
    releases: ReleaseConnection = strawberry.field(
        resolver=releases, description="The repository's releases, newest first (by createdAt) without orderBy."
    )
    issues: IssueConnection = strawberry.field(resolver=issue_counts.issues, description=issue_counts.ISSUES)
    pull_requests: PullRequestConnection = strawberry.field(
        resolver=issue_counts.pull_requests, description=issue_counts.PULL_REQUESTS
    )
    _row: strawberry.Private[models.Repository]

    @classmethod
    def of(cls, row: models.Repository) -> Repository:
        return cls(
            id=strawberry.ID(row.node_id),
            resource_path=path_of(row.html_url),
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

    @strawberry.field(
        name="descriptionHTML",
        description="The description rendered to HTML as GitHub renders it: escaped, emoji shortcodes and emoji as "
        "<g-emoji> elements, in a <div> (<div></div> without a description).",
    )
    def description_html(self) -> HTML:
        return description_html(self._row.description)

    @strawberry.field(
        name="shortDescriptionHTML",
        description="The description rendered to HTML without a wrapper or links, cut to `limit` characters "
        "with a closing …; an empty string without a description.",
    )
    def short_description_html(
        self, limit: Annotated[int | None, strawberry.argument(description="How many characters to return.")] = 200
    ) -> HTML:
        if limit is None or limit < 1:
            raise client_error("shortDescriptionHTML's limit must be a positive number.", ErrorCode.BAD_USER_INPUT)
        return short_description_html(self._row.description, limit)

    @strawberry.field(description="The fork count as a connection: nodes are empty (the cache keeps counts only).")
    def forks(
        self,
        affiliations: list[RepositoryAffiliation | None] | None = None,
        after: str | None = None,
        before: str | None = None,
        first: int | None = None,
        has_issues_enabled: bool | None = None,
        is_locked: bool | None = None,
        last: int | None = None,
        order_by: RepositoryOrder | None = None,
        owner_affiliations: list[RepositoryAffiliation | None] | None = OWNER_AFFILIATIONS_DEFAULT,
        privacy: RepositoryPrivacy | None = None,
        visibility: RepositoryVisibility | None = None,
    ) -> RepositoryConnection:
        PageArgs.parse("forks", first, last, after, before)
        return RepositoryConnection(
            edges=[], nodes=[], page_info=PageInfo.of(Page.empty()), total_count=self._row.forks_count
        )

    @strawberry.field(
        description="Accounts watching the repository (GitHub's subscribers, not its stargazers), as a count: "
        "nodes are empty. 0 until a sync has read it."
    )
    def watchers(
        self,
        after: str | None = None,
        before: str | None = None,
        first: int | None = None,
        last: int | None = None,
    ) -> UserConnection:
        PageArgs.parse("watchers", first, last, after, before)
        return UserConnection.count_only(self._row.subscribers_count or 0)

    @strawberry.field(
        description="A Git object by expression (`HEAD:README.md`, `main:README.md`) or oid: the README the "
        "cache holds when the expression names its path exactly (case-sensitive, as git); null otherwise."
    )
    def object(
        self,
        info: Info[Context, None],
        expression: Annotated[
            str | None, strawberry.argument(description="A Git revision expression, e.g. HEAD:README.md.")
        ] = None,
        oid: Annotated[GitObjectID | None, strawberry.argument(description="The Git object id.")] = None,
    ) -> GitObject | None:
        def then(readme: Any) -> Blob | None:
            found = readme_at(readme, self._row.default_branch, expression, oid)
            return Blob.of(found, self, self._row.html_url) if found is not None else None

        return resolved(info.context.loaders.readme_by_repository_id, self._row.id, then)  # type: ignore[no-any-return]

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
        return resolved(info.context.loaders.language_by_id, self._row.primary_language_id, language_or_none)  # type: ignore[no-any-return]

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

    def _open_graph_image_url(self, row: ShowcaseRow | None, links: images.ImageLinks | None) -> str:
        if row is not None and row.image_url:
            return links.link(images.ImageKind.PICTURE, row.key, row.image_url) if links else row.image_url
        card = images.card_url(self._row.id, self._row.updated_at, self._row.full_name)
        return links.link(images.ImageKind.CARD, self._row.id, card) if links else card

    @strawberry.field(description="The curated image when one is set, else GitHub's generated social card.")
    def open_graph_image_url(self, info: Info[Context, None]) -> URI:
        links = images.links_of(info)
        return self._showcase(info, lambda row: self._open_graph_image_url(row, links))  # type: ignore[no-any-return]

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


async def repository_connection(
    info: Info[Context, None],
    owner_id: int | None,
    where: queries.RepositoryFilter,
    order_by: RepositoryOrder | None,
    page: PageArgs,
) -> RepositoryConnection:
    order = order_of(order_by, queries.DEFAULT_REPOSITORY_ORDER)
    if owner_id is None:
        async with info.context.reads() as session:
            found = (await queries.repository_pages(session, None, where, order, page)).get(0) or Page.empty()
    else:
        found = await info.context.loaders.repositories_by_owner_id.load((owner_id, where, order, page))
    await prefetch_repositories(info, [row for row, _ in found.items])
    return RepositoryConnection.of(found)
