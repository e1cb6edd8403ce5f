"""The SQL behind User.repositoriesContributedTo and User.topRepositories: the synced lists, many users a
statement, light records included (they are reached through these lists only)."""

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, exists, false, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.contributed import ALL, TOP, ContributedRepository
from db.models import Repository
from graph.read.pagination import Page, PageArgs, collect, paginate
from graph.read.queries import PARENTS, STATEMENT_CACHE, Order, parents_parameter, repository_order, shown_repository


@dataclass(frozen=True)
class ContributedFilter:
    """repositoriesContributedTo's arguments; `types` None is GitHub's default set (the ALL list)."""

    include_hidden: bool = False
    types: tuple[str, ...] | None = None
    include_user_repositories: bool = False
    has_issues: bool | None = None
    nothing: bool = False  # private repositories or locked ones: the cache holds none


@lru_cache(maxsize=STATEMENT_CACHE)
def _contributed_statement(where: ContributedFilter, order: Order | None, page: PageArgs) -> Any:
    link = aliased(ContributedRepository)
    conditions: list[ColumnElement[bool]] = [
        link.user_id.in_(parents_parameter()),
        link.list == ALL,
        shown_repository(where.include_hidden),
    ]
    if where.types is not None:
        typed = aliased(ContributedRepository)
        conditions.append(
            exists().where(
                typed.user_id == link.user_id,
                typed.repository_id == link.repository_id,
                typed.list.in_(where.types),
            )
        )
    if not where.include_user_repositories:
        conditions.append(Repository.owner_id != link.user_id)
    if where.has_issues is not None:
        conditions.append(Repository.has_issues.is_(where.has_issues))
    if where.nothing:
        conditions.append(false())
    base = select(Repository).join(link, link.repository_id == Repository.id).where(*conditions)
    # Without orderBy, GitHub's order as the sync read it.
    order_by = repository_order(order) if order is not None else [link.position, Repository.id]
    return paginate(Repository, base, parent=link.user_id, order_by=order_by, page=page)


async def contributed_pages(
    session: AsyncSession, user_ids: Sequence[int], where: ContributedFilter, order: Order | None, page: PageArgs
) -> dict[Hashable, Page[Repository]]:
    stmt = _contributed_statement(where, order, page)
    return collect((await session.execute(stmt, {PARENTS: list(user_ids)})).all(), page)


@lru_cache(maxsize=STATEMENT_CACHE)
def _top_statement(include_hidden: bool, order: Order, page: PageArgs) -> Any:
    link = aliased(ContributedRepository)
    base = (
        select(Repository)
        .join(link, link.repository_id == Repository.id)
        .where(link.user_id.in_(parents_parameter()), link.list == TOP, shown_repository(include_hidden))
    )
    # The order asked for over GitHub's top repositories; GitHub's rank settles ties.
    order_by = [*repository_order(order)[:-2], link.position, Repository.id]
    return paginate(Repository, base, parent=link.user_id, order_by=order_by, page=page)


async def top_pages(
    session: AsyncSession, user_ids: Sequence[int], include_hidden: bool, order: Order, page: PageArgs
) -> dict[Hashable, Page[Repository]]:
    stmt = _top_statement(include_hidden, order, page)
    return collect((await session.execute(stmt, {PARENTS: list(user_ids)})).all(), page)
