"""DataLoader keys and already-loaded values that resolvers and the engine's prefetch share, and the prefetch hook.

A connection's resolver calls `prefetch_repositories` with its rows. When the planned engine is installed on
the schema (graph.engine.install), that loads what the nodes select up front, and the fields find their values
in the DataLoaders (`resolved`); without it, each field loads through its DataLoader when it is resolved.
"""

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from strawberry.dataloader import DataLoader
from strawberry.types import Info

from db import models
from graph.read import queries, releases
from graph.read.pagination import PageArgs

PREFETCH = "repofolio_prefetch"  # the schema attribute holding the installed `Prefetch`, if any


class Prefetch(Protocol):
    def __call__(self, info: Info[Any, Any], rows: Sequence[models.Repository], /) -> Awaitable[None]: ...


async def prefetch_repositories(info: Info[Any, Any], rows: Sequence[models.Repository]) -> None:
    """Load what the current connection's nodes select, for all of `rows`, if a prefetch is installed."""
    prefetch: Prefetch | None = getattr(info.schema, PREFETCH, None)
    if prefetch is not None:
        await prefetch(info, rows)


def resolved(loader: DataLoader[Any, Any], key: Any, then: Callable[[Any], Any]) -> Any:
    """`then(value)` right away when the loader already holds `key`'s value, else an awaitable of it."""
    future = loader.cache_map.get(key)
    if future is not None and future.done() and not future.cancelled() and future.exception() is None:
        return then(future.result())
    return _after(loader.load(key), then)


async def _after(pending: Awaitable[Any], then: Callable[[Any], Any]) -> Any:
    return then(await pending)


# GraphQL's argument values as DataLoader keys.


def language_page_key(
    repository_id: int, first: Any, last: Any, after: Any, before: Any, direction: str | None
) -> tuple[Any, ...]:
    return (repository_id, direction != "ASC", PageArgs.parse("languages", first, last, after, before))


def contributor_page_key(
    repository_id: int, first: Any, last: Any, after: Any, before: Any, field: str | None, direction: str | None
) -> tuple[Any, ...]:
    order = queries.Order.of(field, direction, queries.DEFAULT_CONTRIBUTOR_ORDER)
    return (repository_id, order, PageArgs.parse("contributors", first, last, after, before))


def release_page_key(
    repository_id: int, first: Any, last: Any, after: Any, before: Any, field: str | None, direction: str | None
) -> tuple[Any, ...]:
    order = queries.Order.of(field, direction, releases.DEFAULT_RELEASE_ORDER)
    return (repository_id, order, PageArgs.parse("releases", first, last, after, before))
