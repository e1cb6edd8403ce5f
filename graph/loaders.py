"""DataLoaders built per request: each batch runs one statement in its own short session."""

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

from db.base import Base
from db.models import Contributor, Language, Repository
from db.showcase import Showcase
from graph import queries
from graph.pagination import Page

Fetch = Callable[..., Awaitable[dict[Hashable, Page[Any]]]]


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
    contributions_by_contributor_id: DataLoader[int, int]
    repositories_by_owner_id: DataLoader[tuple[Any, ...], Page[Repository]]
    pinned_by_owner_id: DataLoader[tuple[Any, ...], Page[Repository]]
    languages_by_repository_id: DataLoader[tuple[Any, ...], Page[tuple[Language, int]]]
    contributors_by_repository_id: DataLoader[tuple[Any, ...], Page[tuple[Contributor, int]]]
    repositories_by_contributor_id: DataLoader[tuple[Any, ...], Page[tuple[Repository, int]]]

    def clear(self) -> None:
        for field in fields(self):
            getattr(self, field.name).clear_all()


def create_loaders(sessionmaker: async_sessionmaker[AsyncSession], *, include_hidden: bool = False) -> Loaders:
    def by_column(model: type[Base], column: Any, *conditions: ColumnElement[bool]) -> DataLoader[Any, Any]:
        async def load(keys: Sequence[Any]) -> list[Any]:
            async with sessionmaker() as session:
                rows = (await session.scalars(select(model).where(column.in_(keys), *conditions))).all()
            found = {getattr(row, column.key): row for row in rows}
            return [found.get(key) for key in keys]

        return DataLoader(load_fn=load)

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

        return DataLoader(load_fn=load)

    async def contribution_totals(keys: Sequence[int]) -> list[int]:
        async with sessionmaker() as session:
            totals = await queries.contribution_totals(session, keys, include_hidden)
        return [totals.get(key, 0) for key in keys]

    visible = queries.visible_repository(include_hidden)
    return Loaders(
        account_by_id=by_column(Contributor, Contributor.id),
        account_by_login=by_column(Contributor, Contributor.login_key),
        account_by_node_id=by_column(Contributor, Contributor.node_id),
        repository_by_id=by_column(Repository, Repository.id, visible),
        repository_by_name=by_column(Repository, Repository.full_name_key, visible),
        repository_by_node_id=by_column(Repository, Repository.node_id, visible),
        language_by_id=by_column(Language, Language.id),
        language_by_name=by_column(Language, Language.name),
        showcase_by_key=by_column(Showcase, Showcase.key),
        contributions_by_contributor_id=DataLoader(load_fn=contribution_totals),
        repositories_by_owner_id=pages(queries.repository_pages),
        pinned_by_owner_id=pages(lambda s, ids, *a: queries.pinned_pages(s, ids, include_hidden, *a)),
        languages_by_repository_id=pages(queries.language_pages),
        contributors_by_repository_id=pages(queries.contributor_pages),
        repositories_by_contributor_id=pages(
            lambda s, ids, *a: queries.contributed_repository_pages(s, ids, include_hidden, *a)
        ),
    )
