"""The SQL behind pinnedItems: the owner's curated featured repositories when there are any, else GitHub's pins.

One statement pages many owners at once, whichever of the two lists each owner answers with.
"""

from collections.abc import Hashable, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import exists, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.models import Repository
from db.profiles import PinnedItem
from db.showcase import Showcase
from graph.read.pagination import Page, PageArgs, collect, paginate
from graph.read.queries import PARENTS, STATEMENT_CACHE, parents_parameter, visible_repository


def curated_exists(owner_id: Any) -> Any:
    """Whether the owner has curated any of its repositories as featured: then those are its pins."""
    repository, showcase = aliased(Repository), aliased(Showcase)
    return exists().where(
        repository.owner_id == owner_id, showcase.key == repository.full_name_key, showcase.featured.is_(True)
    )


@lru_cache(maxsize=STATEMENT_CACHE)
def _pinned_pages_statement(include_hidden: bool, page: PageArgs) -> Any:
    visible = visible_repository(include_hidden)
    curated = (
        select(
            Repository.owner_id.label("owner_id"),
            Repository.id.label("repository_id"),
            Showcase.position.label("position"),
        )
        .join(Showcase, Showcase.key == Repository.full_name_key)
        .where(Showcase.featured.is_(True), Repository.owner_id.in_(parents_parameter()), visible)
    )
    synced = (
        select(
            PinnedItem.owner_id.label("owner_id"),
            PinnedItem.repository_id.label("repository_id"),
            PinnedItem.position.label("position"),
        )
        .join(Repository, Repository.id == PinnedItem.repository_id)
        .where(PinnedItem.owner_id.in_(parents_parameter()), visible, ~curated_exists(PinnedItem.owner_id))
    )
    entries = union_all(curated, synced).subquery("pinned_entries")
    base = select(Repository).join(entries, entries.c.repository_id == Repository.id)
    # A curated entry without a position comes after the positioned ones; GitHub's pins always have one.
    order = [
        entries.c.position.is_(None),
        entries.c.position.asc(),
        Repository.full_name_key,
        Repository.id,
    ]
    return paginate(Repository, base, parent=entries.c.owner_id, order_by=order, page=page)


async def pinned_pages(
    session: AsyncSession, owner_ids: Sequence[int], include_hidden: bool, page: PageArgs
) -> dict[Hashable, Page[Repository]]:
    stmt = _pinned_pages_statement(include_hidden, page)
    return collect((await session.execute(stmt, {PARENTS: list(owner_ids)})).all(), page)
