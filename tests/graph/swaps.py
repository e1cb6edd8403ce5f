"""A write that changes which repositories exist and, with them, their languages and contributors: what a
sync commits when a repository is deleted on GitHub and another one appears."""

from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.data_version import bump_data_version
from db.models import Repository, RepositoryContributor, RepositoryLanguage

NEW_SUFFIX = "-next"


async def swap(sessionmaker: async_sessionmaker[AsyncSession], repository_id: int, new_id: int) -> None:
    """One transaction: the repository `repository_id` goes; `new_id` comes, named `<name>-next` (or back to
    `<name>` if it was the one so named), with the same languages and contributors."""
    async with sessionmaker.begin() as session:
        table = Repository.__table__
        row = dict((await session.execute(select(table).where(table.c.id == repository_id))).one()._mapping)
        name = row["name"].removesuffix(NEW_SUFFIX) if row["name"].endswith(NEW_SUFFIX) else row["name"] + NEW_SUFFIX
        owner = row["full_name"].split("/")[0]
        new = {
            **row,
            "id": new_id,
            "node_id": f"R_swap_{new_id}",
            "name": name,
            "full_name": f"{owner}/{name}",
            "full_name_key": f"{owner}/{name}".lower(),
        }
        await session.execute(insert(table), [new])
        for link in (RepositoryLanguage, RepositoryContributor):
            links = link.__table__
            rows = [
                dict(r._mapping)
                for r in await session.execute(select(links).where(links.c.repository_id == repository_id))
            ]
            if rows:
                await session.execute(insert(links), [{**r, "repository_id": new_id} for r in rows])
        await session.execute(delete(table).where(table.c.id == repository_id))  # its links go with it
        await bump_data_version(session)


def names(data: Any) -> list[str]:
    return [node["name"] for node in data["user"]["repositories"]["nodes"]]
