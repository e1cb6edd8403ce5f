"""The SQL behind User.organizations: each user's organizations, in GitHub's order or by `orderBy`, in one
statement for many users."""

from collections.abc import Hashable, Sequence
from enum import Enum
from functools import lru_cache
from typing import Any

from sqlalchemy import SQLColumnExpression, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Contributor
from db.profiles import OrganizationMembership
from graph.read.pagination import Page, PageArgs, collect, paginate
from graph.read.queries import PARENTS, STATEMENT_CACHE, Order, parents_parameter


class OrganizationOrderField(Enum):
    CREATED_AT = "CREATED_AT"
    LOGIN = "LOGIN"


DEFAULT_ORGANIZATION_ORDER = Order(OrganizationOrderField.LOGIN, descending=False)  # the type Order.of needs


def organization_order(order: Order | None) -> list[SQLColumnExpression[Any]]:
    """GitHub's order (as synced) without `orderBy`; else the field, nulls last, ties by login then id."""
    if order is None:
        return [OrganizationMembership.position.asc()]
    column = Contributor.created_at if order.field is OrganizationOrderField.CREATED_AT else Contributor.login_key
    directed = column.desc() if order.descending else column.asc()
    return [column.is_(None), directed, Contributor.login_key, Contributor.id]


@lru_cache(maxsize=STATEMENT_CACHE)
def _organization_pages_statement(order: Order | None, page: PageArgs) -> Any:
    base = (
        select(Contributor)
        .join(OrganizationMembership, OrganizationMembership.organization_id == Contributor.id)
        .where(OrganizationMembership.user_id.in_(parents_parameter()))
    )
    return paginate(
        Contributor, base, parent=OrganizationMembership.user_id, order_by=organization_order(order), page=page
    )


async def organization_pages(
    session: AsyncSession, user_ids: Sequence[int], order: Order | None, page: PageArgs
) -> dict[Hashable, Page[Contributor]]:
    stmt = _organization_pages_statement(order, page)
    return collect((await session.execute(stmt, {PARENTS: list(user_ids)})).all(), page)
