"""Mutations: admin-only writes of curated data and refresh requests."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError
from sqlalchemy import select
from strawberry.types import Info

from db.bookkeeping import SyncRun as SyncRunRow
from db.models import showcase_key
from graph.errors import ErrorCode
from graph.schema.auth import require_admin
from graph.schema.context import Context
from graph.schema.scalars import URI
from graph.schema.showcase import ShowcaseError, update_showcase
from graph.schema.status import SyncRun
from graph.schema.types.repository import Repository


@strawberry.type(description="The outcome of requestRefresh.")
class RequestRefreshPayload:
    run: SyncRun = strawberry.field(description="The run that was started, or the one already in progress.")
    started: bool = strawberry.field(description="False when a run was already in progress (run is that one).")


@strawberry.input(
    description="Changes to a repository's curated data: an omitted field keeps its value, null clears it."
)
class UpdateShowcaseInput:
    client_mutation_id: str | None = strawberry.field(default=None, description="Echoed back in the payload.")
    owner: str = strawberry.field(description="The repository's owner login.")
    name: str = strawberry.field(description="The repository's name.")
    demo_url: URI | None = strawberry.field(default=strawberry.UNSET, description="A live demo (http/https).")
    featured: bool | None = strawberry.field(default=strawberry.UNSET, description="Feature it in pinnedItems.")
    hidden: bool | None = strawberry.field(default=strawberry.UNSET, description="Hide it from the public API.")
    image_url: URI | None = strawberry.field(default=strawberry.UNSET, description="A picture (http/https).")
    position: int | None = strawberry.field(default=strawberry.UNSET, description="Order among featured ones.")
    summary: str | None = strawberry.field(default=strawberry.UNSET, description="A short curated summary.")
    video_url: URI | None = strawberry.field(default=strawberry.UNSET, description="A video (http/https).")


SHOWCASE_FIELDS = ("demo_url", "featured", "hidden", "image_url", "position", "summary", "video_url")


@strawberry.type(description="The outcome of updateShowcase.")
class UpdateShowcasePayload:
    client_mutation_id: str | None = strawberry.field(description="The clientMutationId of the input.")
    repository: Repository | None = strawberry.field(
        description="The repository, or null when it is not in the cache (the data is kept for when it is)."
    )


@strawberry.type(description="Writes; each needs `Authorization: Bearer <REPOFOLIO_ADMIN_TOKEN>`.")
class Mutation:
    @strawberry.mutation(description="Start a sync now, unless one is already running.")
    async def request_refresh(self, info: Info[Context, None]) -> RequestRefreshPayload:
        require_admin(info.context.access)
        runner = info.context.services.runner
        if runner is None:
            raise GraphQLError("Syncing is off in this process.", extensions={"code": ErrorCode.SYNC_DISABLED})
        run_id, started = await runner.request("MUTATION")
        async with info.context.services.sessionmaker() as session:
            row = await session.scalar(select(SyncRunRow).where(SyncRunRow.id == run_id))
        assert row is not None
        return RequestRefreshPayload(run=SyncRun.of(row), started=started)

    @strawberry.mutation(description="Edit a repository's curated showcase data.")
    async def update_showcase(self, info: Info[Context, None], input: UpdateShowcaseInput) -> UpdateShowcasePayload:
        require_admin(info.context.access)
        changes = {
            name: getattr(input, name) for name in SHOWCASE_FIELDS if getattr(input, name) is not strawberry.UNSET
        }
        async with info.context.services.sessionmaker() as session, session.begin():
            try:
                await update_showcase(session, input.owner, input.name, changes)
            except ShowcaseError as error:
                raise GraphQLError(str(error), extensions={"code": ErrorCode.BAD_USER_INPUT}) from error
        row = await info.context.loaders.repository_by_name.load(showcase_key(f"{input.owner}/{input.name}"))
        return UpdateShowcasePayload(
            client_mutation_id=input.client_mutation_id, repository=Repository.of(row) if row is not None else None
        )
