"""The statements /images asks: the URL an image id stands for, as the API's answers spell it now."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Contributor, Repository
from db.showcase import Showcase


async def avatar_source(session: AsyncSession, account_id: int) -> str | None:
    url = await session.scalar(select(Contributor.avatar_url).where(Contributor.id == account_id))
    return url or None


async def card_source(session: AsyncSession, repository_id: int) -> tuple[int, datetime, str] | None:
    """(id, updated_at, full_name) of a repository the public sees (hidden ones have no public card)."""
    statement = (
        select(Repository.id, Repository.updated_at, Repository.full_name)
        .outerjoin(Showcase, Showcase.key == Repository.full_name_key)
        .where(Repository.id == repository_id, Showcase.hidden.is_not(True))
    )
    row = (await session.execute(statement)).first()
    return (row[0], row[1], row[2]) if row is not None else None


async def picture_source(session: AsyncSession, key: str) -> str | None:
    statement = select(Showcase.image_url).where(Showcase.key == key, Showcase.hidden.is_not(True))
    return await session.scalar(statement)
