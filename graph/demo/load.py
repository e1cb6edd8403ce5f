"""Writing the demo data set (graph/demo/generator.py) into a database, in one transaction."""

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.base import Base
from db.contributed import ContributedRepository, OutsideRepository
from db.data_version import bump_data_version
from db.models import (
    Contributor,
    Language,
    Repository,
    RepositoryContributor,
    RepositoryLanguage,
    RepositoryReadme,
)
from db.profiles import OrganizationMembership, OwnerStatus, PinnedItem
from db.releases import Release, ReleaseCheck
from db.showcase import Showcase
from db.upsert import upsert
from graph.demo.contributed import ContributedRows
from graph.demo.generator import DemoData, Row, generate


async def load_rows(sessionmaker: async_sessionmaker[AsyncSession], data: DemoData) -> None:
    """Write `data` in one transaction and bump the data version. The target must not hold these ids."""
    async with sessionmaker.begin() as session:
        await _write(session, data)


async def load_demo(sessionmaker: async_sessionmaker[AsyncSession]) -> bool:
    """Load the demo data set when the database holds no repositories (True); otherwise do nothing (False)."""
    async with sessionmaker.begin() as session:
        if await session.scalar(select(Repository.id).limit(1)) is not None:
            return False
        await _write(session, generate())
    return True


async def _write(session: AsyncSession, data: DemoData) -> None:
    # Languages are keyed by name and may already exist with other ids: upsert, then translate our ids.
    await upsert(
        session,
        Language,
        [{"name": r["name"], "color": r["color"]} for r in data.languages],
        conflict=["name"],
        update=["color"],
    )
    names = [row["name"] for row in data.languages]
    query = select(Language.name, Language.id).where(Language.name.in_(names))
    stored = {name: language_id for name, language_id in (await session.execute(query)).all()}
    language_ids = {row["id"]: stored[row["name"]] for row in data.languages}
    repositories = [
        {**row, "primary_language_id": language_ids.get(row["primary_language_id"])} for row in data.repositories
    ]
    repository_languages = [
        {**row, "language_id": language_ids[row["language_id"]]} for row in data.repository_languages
    ]
    await _insert(session, Contributor, data.contributors)
    await _insert(session, Repository, repositories)
    await _insert(session, RepositoryLanguage, repository_languages)
    await _insert(session, RepositoryContributor, data.repository_contributors)
    await _insert(session, PinnedItem, data.pinned_items)
    await _insert(session, RepositoryReadme, data.repository_readmes)
    await _write_contributed(session, data.contributed, language_ids)
    await _insert(session, OrganizationMembership, data.organization_memberships)
    await _insert(session, OwnerStatus, data.owner_statuses)
    await _insert(session, Release, data.releases[0])
    await _insert(session, ReleaseCheck, data.releases[1])
    for model, rows in data.contributions:
        await _insert(session, model, rows)
    # Curation written by hand before the demo was loaded wins over the demo's own.
    await upsert(session, Showcase, data.showcases, conflict=["key"], update=[])
    await bump_data_version(session)


async def _write_contributed(session: AsyncSession, rows: ContributedRows, language_ids: dict[int, int]) -> None:
    await _insert(session, Contributor, rows.accounts)
    light = [{**row, "primary_language_id": language_ids.get(row["primary_language_id"])} for row in rows.repositories]
    await _insert(session, Repository, light)
    await _insert(session, OutsideRepository, rows.outside_repositories)
    await _insert(session, ContributedRepository, rows.contributed_repositories)


async def _insert(session: AsyncSession, model: type[Base], rows: list[Row]) -> None:
    # A Core insert of the table, not the ORM bulk path: that splits rows into groups by which columns are
    # None (hundreds of statements for 3,000 repositories); this is one executemany, bound row by row, so
    # SQLite's 32766-parameter limit never applies.
    if rows:
        await session.execute(insert(Base.metadata.tables[model.__tablename__]), rows)
