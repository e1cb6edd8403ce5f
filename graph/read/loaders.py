"""DataLoaders built per request: each batch runs its statements in its own short session, from the request's
`reads` (graph.schema.context.Context.reads: on a query, every session of one read snapshot)."""

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field, fields
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader
from strawberry.exceptions import WrongNumberOfResultsReturned

from db.base import Base
from db.contributions import ContributionDay, ContributionWindow
from db.models import Contributor, Language, Repository, RepositoryReadme
from db.profiles import OwnerStatus
from db.releases import Release
from db.showcase import Showcase
from graph.read import contributed, contributions, organizations, pins, queries, releases
from graph.read.pagination import Page

Fetch = Callable[..., Awaitable[dict[Hashable, Page[Any]]]]
Reads = Callable[[], AbstractAsyncContextManager[AsyncSession]]
Batch = Callable[[Sequence[Any]], Awaitable[list[Any]]]


class Primer:
    """Fills DataLoaders in one batch per loader per tick, as their own `load` calls would be batched.

    Every key a caller asks for that its loader does not hold gets its cache entry at once (so a `load` of it
    meanwhile waits for the same value); the keys asked for while the event loop runs one round of callbacks
    go through each loader's batch function together, and each caller waits on one future of its own. Unlike
    `load_many`, no future per key is awaited and gathered. The entries end as `load` would leave them: a
    value, or the error the batch function returned for that key or raised for all of them.

    All the entries and callers of a batch are settled at once, so the callers resume together and their own
    children load together again, whatever each found in the cache: a caller with nothing to load joins the
    batch being gathered (or, when a key it needs is still loading, the last batch started).
    """

    def __init__(self) -> None:
        self._gathering: _Batch | None = None
        self._loading: list[_Batch] = []

    def prime(self, wanted: Iterable[tuple[DataLoader[Any, Any], Iterable[Any]]]) -> Awaitable[None] | None:
        """Load the keys of every (loader, keys) the loaders do not hold: an awaitable done when they are
        loaded (with values or errors), or None when there is nothing to wait for."""
        loop = asyncio.get_running_loop()
        batch = self._gathering
        added = waits = False
        for loader, keys in wanted:
            cache = loader.cache_map
            pending: tuple[list[Any], list[asyncio.Future[Any]]] | None = None
            for key in keys:
                held = cache.get(key)
                if held is not None and not held.cancelled():
                    waits = waits or not held.done()
                    continue
                if batch is None:
                    batch = self._gathering = _Batch()
                    loop.call_soon(self._start, batch)  # as a DataLoader: the callbacks due this round run first
                if pending is None:
                    pending = batch.keys.setdefault(loader, ([], []))
                future = loop.create_future()
                cache.set(key, future)
                pending[0].append(key)
                pending[1].append(future)
                added = True
        if not added and batch is None and waits and self._loading:
            batch = self._loading[-1]
        if batch is None:
            return None
        waiter: asyncio.Future[None] = loop.create_future()
        waiter.add_done_callback(batch.left)
        batch.waiters.append(waiter)
        return waiter

    def _start(self, batch: "_Batch") -> None:
        asyncio.get_running_loop().create_task(self._load(batch))

    async def _load(self, batch: "_Batch") -> None:
        if self._gathering is batch:
            self._gathering = None  # keys asked for from now on go to the next batch
        self._loading.append(batch)
        batch.task = asyncio.current_task()  # cancellable from here on: `settle` runs whatever happens
        results: list[list[Any]] = []
        try:
            if not all(waiter.cancelled() for waiter in batch.waiters):
                results = await asyncio.gather(*(_values(loader, keys) for loader, (keys, _) in batch.keys.items()))
        finally:
            self._loading.remove(batch)
            batch.settle(results)


class _Batch:
    """The keys asked for in one tick, and who waits for them."""

    __slots__ = ("keys", "task", "waiters")

    def __init__(self) -> None:
        self.keys: dict[DataLoader[Any, Any], tuple[list[Any], list[asyncio.Future[Any]]]] = {}
        self.waiters: list[asyncio.Future[None]] = []
        self.task: asyncio.Task[None] | None = None

    def settle(self, results: list[list[Any]]) -> None:
        """Every entry gets its value or error (cancelled without results: a later `load` asks again), then
        every caller is released, in one go."""
        for index, (_, futures) in enumerate(self.keys.values()):
            values = results[index] if index < len(results) else None
            for position, future in enumerate(futures):
                if future.done():
                    continue
                if values is None:
                    future.cancel()
                    continue
                value = values[position]
                if isinstance(value, BaseException):
                    future.set_exception(value)
                    future.exception()  # seen: a key no field reads (its parent failed) is not logged unretrieved
                else:
                    future.set_result(value)
        for waiter in self.waiters:
            if not waiter.done():
                waiter.set_result(None)

    def left(self, waiter: asyncio.Future[None]) -> None:
        # Nobody waits any more (the request was cancelled): stop the statements, as a DataLoader does, and
        # leave no entry pending, so a later `load` of a key asks again.
        if not waiter.cancelled() or not all(w.cancelled() for w in self.waiters):
            return
        for _, futures in self.keys.values():
            for future in futures:
                future.cancel()
        if self.task is not None:
            self.task.cancel()


async def _values(loader: DataLoader[Any, Any], keys: list[Any]) -> list[Any]:
    """The batch function's values for `keys`, or the error it raised for each of them, as DataLoader does."""
    try:
        values = list(await loader.load_fn(keys))
        if len(values) != len(keys):
            raise WrongNumberOfResultsReturned(expected=len(keys), received=len(values))  # noqa: TRY301
    except Exception as error:  # noqa: BLE001 - each key's field reports it
        return [error] * len(keys)
    return values


@dataclass
class Loaders:
    account_by_id: DataLoader[int, Contributor | None]
    account_by_login: DataLoader[str, Contributor | None]
    account_by_node_id: DataLoader[str, Contributor | None]
    repository_by_id: DataLoader[int, Repository | None]
    repository_by_name: DataLoader[str, Repository | None]
    repository_by_node_id: DataLoader[str, Repository | None]
    language_by_id: DataLoader[int, Language | None]
    language_by_name: DataLoader[str, Language | None]
    showcase_by_key: DataLoader[str, Showcase | None]
    readme_by_repository_id: DataLoader[int, RepositoryReadme | None]
    status_by_owner_id: DataLoader[int, OwnerStatus | None]
    contributions_by_contributor_id: DataLoader[int, int]
    repositories_by_owner_id: DataLoader[tuple[Any, ...], Page[Repository]]
    pinned_by_owner_id: DataLoader[tuple[Any, ...], Page[Repository]]
    organizations_by_user_id: DataLoader[tuple[Any, ...], Page[Contributor]]
    languages_by_repository_id: DataLoader[tuple[Any, ...], Page[tuple[Language, int]]]
    contributors_by_repository_id: DataLoader[tuple[Any, ...], Page[tuple[Contributor, int]]]
    repositories_by_contributor_id: DataLoader[tuple[Any, ...], Page[tuple[Repository, int]]]
    contributed_by_user_id: DataLoader[tuple[Any, ...], Page[Repository]]
    top_by_user_id: DataLoader[tuple[Any, ...], Page[Repository]]
    releases_by_repository_id: DataLoader[tuple[Any, ...], Page[tuple[Release, bool]]]
    latest_release_by_repository_id: DataLoader[int, Release | None]
    release_by_node_id: DataLoader[str, Release | None]
    contribution_windows_by_user_id: DataLoader[int, list[ContributionWindow]]
    contribution_days: DataLoader[contributions.DaysKey, list[ContributionDay]]
    commit_contributions_by_window: DataLoader[tuple[int, int], list[contributions.RepositoryCommits]]
    primer: Primer = field(default_factory=Primer)

    def clear(self) -> None:
        for each in fields(self):
            loader = getattr(self, each.name)
            if isinstance(loader, DataLoader):
                loader.clear_all()


def to_the_end(load: Batch) -> Batch:
    """A batch function whose statements, once started, run to their end even when every caller gives up
    (the Primer then cancels the batch): on PostgreSQL a statement cancelled midway aborts the request's read
    transaction, which the fields still loading share. Its values are then dropped; the request's snapshot
    closes once the statement is done."""

    async def run(keys: Sequence[Any]) -> list[Any]:
        task = asyncio.ensure_future(load(keys))
        task.add_done_callback(_retrieved)
        return await asyncio.shield(task)

    return run


def _retrieved(task: asyncio.Future[Any]) -> None:
    # A batch nobody waits for any more: its error is nobody's to report.
    if not task.cancelled():
        task.exception()


def create_loaders(sessionmaker: Reads, *, include_hidden: bool = False) -> Loaders:
    def by_column(model: type[Base], column: Any, *conditions: ColumnElement[bool]) -> DataLoader[Any, Any]:
        async def load(keys: Sequence[Any]) -> list[Any]:
            async with sessionmaker() as session:
                rows = (await session.scalars(select(model).where(column.in_(keys), *conditions))).all()
            found = {getattr(row, column.key): row for row in rows}
            return [found.get(key) for key in keys]

        return DataLoader(load_fn=to_the_end(load))

    def pages(fetch: Fetch) -> DataLoader[tuple[Any, ...], Page[Any]]:
        """Keys are (parent id, *arguments); parents sharing arguments are paged in one statement."""

        async def load(keys: Sequence[tuple[Any, ...]]) -> list[Page[Any]]:
            groups: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
            for key in keys:
                groups[key[1:]].append(key[0])
            results: dict[tuple[Any, ...], Page[Any]] = {}
            async with sessionmaker() as session:
                for arguments, parent_ids in groups.items():
                    found = await fetch(session, parent_ids, *arguments)
                    for parent_id in parent_ids:
                        results[(parent_id, *arguments)] = found.get(parent_id) or Page.empty()
            return [results[key] for key in keys]

        return DataLoader(load_fn=to_the_end(load))

    async def contribution_totals(keys: Sequence[int]) -> list[int]:
        async with sessionmaker() as session:
            totals = await queries.contribution_totals(session, keys, include_hidden)
        return [totals.get(key, 0) for key in keys]

    def keyed(
        fetch: Callable[[AsyncSession, Sequence[Any]], Awaitable[dict[Any, Any]]], empty: Any
    ) -> DataLoader[Any, Any]:
        async def load(keys: Sequence[Any]) -> list[Any]:
            async with sessionmaker() as session:
                found = await fetch(session, keys)
            return [found.get(key, empty) for key in keys]

        return DataLoader(load_fn=to_the_end(load))

    visible = queries.visible_repository(include_hidden)
    return Loaders(
        contribution_windows_by_user_id=keyed(contributions.windows_by_user, []),
        contribution_days=keyed(contributions.days_of, []),
        commit_contributions_by_window=keyed(lambda s, keys: contributions.commits_of(s, keys, include_hidden), []),
        account_by_id=by_column(Contributor, Contributor.id),
        account_by_login=by_column(Contributor, Contributor.login_key),
        account_by_node_id=by_column(Contributor, Contributor.node_id),
        repository_by_id=by_column(Repository, Repository.id, visible),
        repository_by_name=by_column(Repository, Repository.full_name_key, visible),
        repository_by_node_id=by_column(Repository, Repository.node_id, visible),
        language_by_id=by_column(Language, Language.id),
        language_by_name=by_column(Language, Language.name),
        showcase_by_key=by_column(Showcase, Showcase.key),
        readme_by_repository_id=by_column(RepositoryReadme, RepositoryReadme.repository_id),
        status_by_owner_id=by_column(OwnerStatus, OwnerStatus.owner_id),
        contributions_by_contributor_id=DataLoader(load_fn=to_the_end(contribution_totals)),
        repositories_by_owner_id=pages(queries.repository_pages),
        pinned_by_owner_id=pages(lambda s, ids, *a: pins.pinned_pages(s, ids, include_hidden, *a)),
        organizations_by_user_id=pages(organizations.organization_pages),
        languages_by_repository_id=pages(queries.language_pages),
        contributors_by_repository_id=pages(queries.contributor_pages),
        repositories_by_contributor_id=pages(
            lambda s, ids, *a: queries.contributed_repository_pages(s, ids, include_hidden, *a)
        ),
        contributed_by_user_id=pages(contributed.contributed_pages),
        top_by_user_id=pages(lambda s, ids, *a: contributed.top_pages(s, ids, include_hidden, *a)),
        releases_by_repository_id=pages(releases.release_pages),
        latest_release_by_repository_id=keyed(releases.latest_releases, None),
        release_by_node_id=by_column(
            Release, Release.node_id, Release.repository_id.in_(select(Repository.id).where(visible))
        ),
    )
