"""The SQL behind releases: pages of a repository's releases and each repository's latest release, each
batched over many repositories in one statement."""

from collections.abc import Hashable, Sequence
from enum import Enum
from functools import lru_cache
from typing import Any

from sqlalchemy import SQLColumnExpression, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.releases import Release
from graph.read.pagination import Page, PageArgs, collect, paginate
from graph.read.queries import PARENTS, STATEMENT_CACHE, Order, parents_parameter


class ReleaseOrderField(Enum):
    CREATED_AT = "CREATED_AT"
    NAME = "NAME"


# GitHub documents no default; since late 2022 it lists the newest first, as this does.
DEFAULT_RELEASE_ORDER = Order(ReleaseOrderField.CREATED_AT, descending=True)


def _latest_rank() -> Any:
    """GitHub's latest release: the newest (by created_at, the tagged commit's date) that is neither a
    prerelease nor a draft; ties go to the higher id."""
    return func.row_number().over(
        partition_by=Release.repository_id,
        order_by=[Release.is_draft, Release.is_prerelease, Release.created_at.desc(), Release.id.desc()],
    )


def release_order(order: Order) -> list[SQLColumnExpression[Any]]:
    if ReleaseOrderField(order.field.value) is ReleaseOrderField.NAME:
        column: Any = func.lower(func.coalesce(Release.name, Release.tag_name))
    else:
        column = Release.created_at
    direction = column.desc() if order.descending else column.asc()
    tie = Release.id.desc() if order.descending else Release.id.asc()
    return [direction, tie]


@lru_cache(maxsize=STATEMENT_CACHE)
def _release_pages_statement(order: Order, page: PageArgs) -> Any:
    base = select(Release).where(Release.repository_id.in_(parents_parameter()))
    is_latest = and_(_latest_rank() == 1, Release.is_draft.is_(False), Release.is_prerelease.is_(False))
    return paginate(
        Release,
        base,
        parent=Release.repository_id,
        order_by=release_order(order),
        page=page,
        extra=[is_latest.label("is_latest")],
    )


async def release_pages(
    session: AsyncSession, repository_ids: Sequence[int], order: Order, page: PageArgs
) -> dict[Hashable, Page[tuple[Release, bool]]]:
    """Pages of releases per repository id, each release with whether it is the repository's latest."""
    stmt = _release_pages_statement(order, page)
    pages = collect((await session.execute(stmt, {PARENTS: list(repository_ids)})).all(), page, n_extra=1)
    for found in pages.values():
        found.items = [((row, bool(latest)), position) for (row, latest), position in found.items]
    return pages


@lru_cache(maxsize=1)
def _latest_statement() -> Any:
    ranked = (
        select(Release.id.label("release_id"), _latest_rank().label("rank"))
        .where(
            Release.repository_id.in_(parents_parameter()),
            Release.is_draft.is_(False),
            Release.is_prerelease.is_(False),
        )
        .subquery("ranked")
    )
    return select(Release).join(ranked, ranked.c.release_id == Release.id).where(ranked.c.rank == 1)


async def latest_releases(session: AsyncSession, repository_ids: Sequence[int]) -> dict[int, Release]:
    rows = await session.scalars(_latest_statement(), {PARENTS: list(repository_ids)})
    return {row.repository_id: row for row in rows}
