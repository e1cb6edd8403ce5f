"""Relay connections: PageInfo and the one builder every connection is made with."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry

from graph.read.pagination import Page, encode_cursor


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
