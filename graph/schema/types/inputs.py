"""The schema's ordering inputs (`orderBy:`) and how they become the read layer's orders."""

from __future__ import annotations

from typing import Any

import strawberry

from graph.read import queries
from graph.schema.types.enums import (
    ContributorOrderField,
    LanguageOrderField,
    OrderDirection,
    OrganizationOrderField,
    RepositoryOrderField,
    StarOrderField,
)


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


@strawberry.input(description="Ordering for organization connections.")
class OrganizationOrder:
    direction: OrderDirection = strawberry.field(description="Ascending or descending.")
    field: OrganizationOrderField = strawberry.field(description="The field to order by.")


def order_of(value: Any, default: queries.Order) -> queries.Order:
    if value is None:
        return default
    return queries.Order.of(value.field, value.direction.value, default)


def descending(order: LanguageOrder | None) -> bool:
    return order is None or order.direction.value == "DESC"
