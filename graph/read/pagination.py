"""Cursor pagination done in SQL: one statement pages many parents at once.

Cursors are opaque positions in the connection's total order (ROW_NUMBER over the order the contract fixes).
"""

import base64
import binascii
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Generic, TypeVar

from graphql import GraphQLError
from sqlalchemy import ColumnElement, Select, SQLColumnExpression, and_, case, func, inspect, literal, select
from sqlalchemy.sql.elements import KeyedColumnElement

from graph.errors import ErrorCode, client_error

T = TypeVar("T")
MIN_PAGE = 1
MAX_PAGE = 100
_CURSOR_PREFIX = "cursor:v1:"


@lru_cache(maxsize=1_024)  # positions repeat on every page of every connection
def encode_cursor(position: int) -> str:
    return base64.b64encode(f"{_CURSOR_PREFIX}{position}".encode()).decode()


def _decode_cursor(cursor: str) -> int:
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
        if text.startswith(_CURSOR_PREFIX):
            position = int(text.removeprefix(_CURSOR_PREFIX))
            if position >= 0:
                return position
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise client_error(f"`{cursor}` does not appear to be a valid cursor.", ErrorCode.INVALID_CURSOR_ARGUMENTS)


def page_size_error(connection: str, argument: str, value: int, node: Any = None) -> GraphQLError | None:
    """GitHub's error for a `first`/`last` outside 1..100 (its words where it has them), else None."""
    if value > MAX_PAGE:
        message = (
            f"Requesting {value} records on the `{connection}` connection exceeds the `{argument}` limit of "
            f"{MAX_PAGE} records."
        )
        return client_error(message, ErrorCode.EXCESSIVE_PAGINATION, node)
    if value < 0:
        message = f"`{argument}` on the connection cannot be less than zero."  # GitHub's words, as GitHub says them
        return client_error(message, ErrorCode.INVALID_PAGINATION, node)
    if value < MIN_PAGE:  # GitHub answers 0 with an empty page; the contract asks for 1 to 100
        message = f"`{argument}` on the `{connection}` connection cannot be less than {MIN_PAGE}."
        return client_error(message, ErrorCode.INVALID_PAGINATION, node)
    return None


def check_page_size(connection: str, argument: str, value: int) -> None:
    error = page_size_error(connection, argument, value)
    if error is not None:
        raise error


@dataclass(frozen=True)
class PageArgs:
    """Validated first/last/after/before, as positions: rows with after < rn < before."""

    first: int | None = None
    last: int | None = None
    after: int = 0
    before: int | None = None

    @classmethod
    @lru_cache(maxsize=1_024)  # every repository of a page parses the same arguments; errors are not cached
    def parse(
        cls,
        connection: str,
        first: int | None = None,
        last: int | None = None,
        after: str | None = None,
        before: str | None = None,
    ) -> "PageArgs":
        for argument, value in (("first", first), ("last", last)):
            if value is not None:
                check_page_size(connection, argument, value)
        if first is None and last is None:
            first = MAX_PAGE
        return cls(
            first=first,
            last=last,
            after=_decode_cursor(after) if after is not None else 0,
            before=_decode_cursor(before) if before is not None else None,
        )


@dataclass
class Page(Generic[T]):
    items: list[tuple[T, int]]  # (row, position)
    total_count: int
    total_size: int = 0
    has_previous_page: bool = False
    has_next_page: bool = False

    @classmethod
    def empty(cls) -> "Page[T]":
        return cls(items=[], total_count=0)


def paginate(
    entity: Any,
    base: Select[Any],
    *,
    parent: SQLColumnExpression[Any] | None,
    order_by: Sequence[SQLColumnExpression[Any]],
    page: PageArgs,
    size: SQLColumnExpression[Any] | None = None,
    extra: Sequence[KeyedColumnElement[Any]] = (),
    keys_only: bool = False,
) -> Select[Any]:
    """Build one statement that pages `base` (which selects `entity`) per `parent` value.

    Rows come back as (parent key, count, size total, entity | None, *extra, position), ordered by
    parent and position; a parent with rows but none on this page yields one row with entity None,
    so totals are right for every page. Parents with no rows at all yield nothing. With `keys_only`, the
    entity's primary key stands in its place (for entities that repeat across parents: load each once).
    """
    key = (parent if parent is not None else literal(0)).label("parent_key")
    (identity,) = inspect(entity).primary_key
    # The window sorts narrow rows (the entity's key, not its columns); the entity joins the page outside it.
    ranked = (
        base.with_only_columns(
            identity.label("entity_id"),
            key,
            func.row_number().over(partition_by=key if parent is not None else None, order_by=order_by).label("rn"),
            *extra,
            maintain_column_froms=True,
        )
        .order_by(None)
        .subquery("ranked")
    )
    totals = (
        base.with_only_columns(
            key,
            func.count().label("cnt"),
            func.coalesce(func.sum(size), 0).label("size") if size is not None else literal(0).label("size"),
            maintain_column_froms=True,
        )
        .order_by(None)
        .group_by(key)
        .subquery("totals")
    )
    rn, cnt = ranked.c.rn, totals.c.cnt
    upper: ColumnElement[Any] = cnt + 1
    if page.before is not None:
        upper = case((literal(page.before) < cnt + 1, literal(page.before)), else_=cnt + 1)
    if page.first is not None:
        upper = case((literal(page.after + page.first + 1) < upper, literal(page.after + page.first + 1)), else_=upper)
    window = [rn > page.after, rn < upper]
    if page.last is not None:
        window.append(rn >= upper - page.last)
    paged = totals.outerjoin(ranked, and_(ranked.c.parent_key == totals.c.parent_key, *window))
    if not keys_only:
        paged = paged.outerjoin(entity, identity == ranked.c.entity_id)
    row = ranked.c.entity_id if keys_only else entity
    return (
        select(totals.c.parent_key, cnt, totals.c.size, row, *(ranked.c[c.key] for c in extra), rn)
        .select_from(paged)
        .order_by(totals.c.parent_key, rn)
    )


def collect(rows: Sequence[Any], page: PageArgs, n_extra: int = 0) -> dict[Hashable, Page[Any]]:
    """Group the rows of a `paginate` statement into one Page per parent key."""
    pages: dict[Hashable, Page[Any]] = {}
    for row in rows:
        parent_key, count, size, entity = row[0], row[1], row[2], row[3]
        result = pages.get(parent_key)
        if result is None:
            result = pages[parent_key] = Page(items=[], total_count=count, total_size=int(size or 0))
        if entity is not None:
            value = (entity, *row[4 : 4 + n_extra]) if n_extra else entity
            result.items.append((value, row[-1]))
    for result in pages.values():
        _set_page_info(result, page)
    return pages


def _set_page_info(result: Page[Any], page: PageArgs) -> None:
    if result.items:
        result.has_previous_page = result.items[0][1] > 1
        result.has_next_page = result.items[-1][1] < result.total_count
    else:
        result.has_previous_page = page.after > 0
        result.has_next_page = page.before is not None and page.before <= result.total_count
