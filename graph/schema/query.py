"""The Query root and the schema object."""

from __future__ import annotations

import asyncio
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import ExecutionContext, ExecutionResult, Info

from db.models import showcase_key
from graph.errors import ErrorCode, client_error
from graph.read import queries
from graph.read.pagination import Page, PageArgs
from graph.schema.context import Context
from graph.schema.mutations import Mutation
from graph.schema.nodes import resolve_node
from graph.schema.scalars import schema_config
from graph.schema.status import SyncStatus, sync_status
from graph.schema.types.blob import Blob
from graph.schema.types.connection import connection
from graph.schema.types.contributor import Contributor, ContributorConnection, ContributorEdge
from graph.schema.types.inputs import ContributorOrder, LanguageOrder, RepositoryOrder, descending, order_of
from graph.schema.types.language import Language, LanguageStatConnection, LanguageStatEdge
from graph.schema.types.node import Node
from graph.schema.types.owner import Organization, RepositoryOwner, User, owner_of
from graph.schema.types.repository import Repository, RepositoryConnection, repository_connection
from graph.schema.types.search import SearchResultItemConnection, search

MAX_NODE_IDS = 100  # as GitHub's nodes(ids:)


def not_found(message: str) -> GraphQLError:
    return client_error(message, ErrorCode.NOT_FOUND)


def node_not_found(node_id: str) -> GraphQLError:
    return not_found(f"Could not resolve to a node with the global id of '{node_id}'.")


async def _owner(info: Info[Context, None], login: str) -> Any:
    row = await info.context.loaders.account_by_login.load(login.lower())
    return row if row is not None and row.is_owner else None


@strawberry.type(description="The root of every read: GitHub's lookups plus repofolio's listings.")
class Query:
    @strawberry.field(description="Any object by its global id.")
    async def node(self, info: Info[Context, None], id: strawberry.ID) -> Node | None:
        found = await resolve_node(info, id)
        if found is None:
            raise node_not_found(id)
        return found

    @strawberry.field(
        description="Objects by their global ids, at most 100, in order; null where one resolves to nothing."
    )
    async def nodes(self, info: Info[Context, None], ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > MAX_NODE_IDS:
            raise client_error(
                f"`nodes` takes at most {MAX_NODE_IDS} ids; this query gives {len(ids):,}.", ErrorCode.BAD_USER_INPUT
            )
        # Together, so each DataLoader answers all of them in one statement.
        found = await asyncio.gather(*(resolve_node(info, node_id) for node_id in ids))
        # An error in place of a value is reported at its index (graphql-core raises it there), which is
        # then null: GitHub's answer to an id that resolves to nothing.
        answers: list[Any] = [node_not_found(i) if node is None else node for node, i in zip(found, ids, strict=True)]
        return answers

    @strawberry.field(description="An organization by login.")
    async def organization(self, info: Info[Context, None], login: str) -> Organization | None:
        row = await _owner(info, login)
        if row is None or row.type != "Organization":
            raise not_found(f"Could not resolve to an Organization with the login of '{login}'.")
        return Organization.of(row)

    @strawberry.field(description="A repository by owner and name.")
    async def repository(
        self, info: Info[Context, None], name: str, owner: str, follow_renames: bool | None = True
    ) -> Repository | None:
        row = await info.context.loaders.repository_by_name.load(showcase_key(f"{owner}/{name}"))
        if row is None:
            raise not_found(f"Could not resolve to a Repository with the name '{owner}/{name}'.")
        return Repository.of(row)

    @strawberry.field(description="A user or organization by login.")
    async def repository_owner(self, info: Info[Context, None], login: str) -> RepositoryOwner | None:
        row = await _owner(info, login)
        if row is None:
            raise not_found(f"Could not resolve to a RepositoryOwner with the login of '{login}'.")
        return owner_of(row)

    @strawberry.field(description="A user by login.")
    async def user(self, info: Info[Context, None], login: str) -> User | None:
        row = await _owner(info, login)
        if row is None or row.type == "Organization":
            raise not_found(f"Could not resolve to a User with the login of '{login}'.")
        return User.of(row)

    @strawberry.field(description="The site owner: REPOFOLIO_VIEWER, else the first configured owner that is a user.")
    async def viewer(self, info: Info[Context, None]) -> User:
        services = info.context.services
        candidates = [services.settings.viewer] if services.settings.viewer else services.owners
        for login in candidates:
            row = await _owner(info, login)
            if row is not None and row.type != "Organization":
                return User.of(row)
        raise not_found("Could not resolve the viewer: set REPOFOLIO_VIEWER or configure a user among the owners.")

    @strawberry.field(description="Every cached repository across owners, with the filters a portfolio needs.")
    async def repositories(
        self,
        info: Info[Context, None],
        after: str | None = None,
        before: str | None = None,
        first: int | None = None,
        last: int | None = None,
        order_by: RepositoryOrder | None = None,
        owner: str | None = None,
        is_fork: bool | None = None,
        is_archived: bool | None = None,
        language: str | None = None,
        topic: str | None = None,
        featured: bool | None = None,
    ) -> RepositoryConnection:
        page = PageArgs.parse("repositories", first, last, after, before)
        where = queries.RepositoryFilter(
            include_hidden=info.context.include_hidden,
            owner_login=owner,
            is_fork=is_fork,
            is_archived=is_archived,
            language=language,
            topic=topic,
            featured=featured,
        )
        return await repository_connection(info, None, where, order_by, page)

    @strawberry.field(description="Languages across cached repositories (forks excluded unless includeForks).")
    async def languages(
        self,
        info: Info[Context, None],
        after: str | None = None,
        first: int | None = None,
        order_by: LanguageOrder | None = None,
        include_forks: bool | None = False,
    ) -> LanguageStatConnection:
        page = PageArgs.parse("languages", first, None, after, None)
        async with info.context.reads() as session:
            found = await queries.language_stats_page(
                session, bool(include_forks), info.context.include_hidden, descending(order_by), page
            )
        return LanguageStatConnection(
            **connection(
                found,
                lambda item, cursor: LanguageStatEdge(
                    cursor=cursor, node=Language.of(item[0]), size=float(item[1]), repository_count=item[2]
                ),
            ),
            total_size=float(found.total_size),
        )

    @strawberry.field(description="An account that contributed to cached repositories, by login.")
    async def contributor(self, info: Info[Context, None], login: str) -> Contributor | None:
        loaders = info.context.loaders
        row = await loaders.account_by_login.load(login.lower())
        total = await loaders.contributions_by_contributor_id.load(row.id) if row is not None else 0
        if row is None or not total:
            raise not_found(f"Could not resolve to a Contributor with the login of '{login}'.")
        return Contributor.of(row, total)

    @strawberry.field(description="Accounts that contributed to cached repositories, most commits first by default.")
    async def contributors(
        self,
        info: Info[Context, None],
        after: str | None = None,
        before: str | None = None,
        first: int | None = None,
        last: int | None = None,
        order_by: ContributorOrder | None = None,
    ) -> ContributorConnection:
        page = PageArgs.parse("contributors", first, last, after, before)
        async with info.context.reads() as session:
            found: Page[Any] = await queries.all_contributors_page(
                session, info.context.include_hidden, order_of(order_by, queries.DEFAULT_CONTRIBUTOR_ORDER), page
            )
        return ContributorConnection(
            **connection(
                found, lambda item, cursor: ContributorEdge(cursor=cursor, node=Contributor.of(item[0], int(item[1])))
            )
        )

    search: SearchResultItemConnection = strawberry.field(
        resolver=search,
        description="Repositories matching GitHub's search syntax (type: REPOSITORY), answered from the cache.",
    )

    @strawberry.field(description="The state of the cache and its sync.")
    async def sync_status(self, info: Info[Context, None]) -> SyncStatus:
        return await sync_status(info)


class SnapshotExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, telling the request's context what operation it executes: a query
    reads one snapshot (graph.context.Context.begin)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if isinstance(self.context_value, Context):
            self.context_value.begin(self.operation.operation)


class Schema(strawberry.Schema):
    async def execute(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        try:
            return await super().execute(*args, **kwargs)
        finally:
            context = kwargs.get("context_value")
            if isinstance(context, Context):
                await context.release()

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        # Client errors (NOT_FOUND, validation, limits) are the client's business; unexpected ones are logged
        # once, with their error id, by graph.errors.MaskUnexpectedErrors.
        return None


def create_schema(extensions: list[Any] | None = None) -> strawberry.Schema:
    """The schema, answering field by field through Strawberry; graph.engine.install adds the planned path."""
    return Schema(
        query=Query,
        mutation=Mutation,
        types=[Blob],  # reached only through the GitObject interface
        extensions=extensions or [],
        config=schema_config(),
        execution_context_class=SnapshotExecutionContext,
    )
