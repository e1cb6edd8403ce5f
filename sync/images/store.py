"""Reading and writing the stored copies (db.images.StoredImage), for the /images route and the revalidation."""

from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.images import StoredImage
from db.upsert import upsert
from sync.images.fetch import FetchedImage


async def stored_image(sessionmaker: async_sessionmaker[AsyncSession], key: str, size: int) -> StoredImage | None:
    async with sessionmaker() as session:
        return await session.get(StoredImage, (key, size))


async def save_image(
    sessionmaker: async_sessionmaker[AsyncSession], key: str, size: int, source_url: str, image: FetchedImage
) -> None:
    """Store a fresh copy of `source_url` under (key, size), replacing what was there."""
    now = datetime.now(UTC)
    row = {
        "key": key,
        "size": size,
        "source_url": source_url,
        "content_type": image.content_type,
        "body": image.body,
        "digest": image.digest,
        "upstream_etag": image.upstream_etag,
        "fetched_at": now,
        "checked_at": now,
    }
    async with sessionmaker.begin() as session:
        await upsert(session, StoredImage, [row], conflict=("key", "size"))


async def mark_checked(sessionmaker: async_sessionmaker[AsyncSession], key: str, size: int) -> None:
    async with sessionmaker.begin() as session:
        await session.execute(
            update(StoredImage)
            .where(StoredImage.key == key, StoredImage.size == size)
            .values(checked_at=datetime.now(UTC))
        )


async def stored_sources(sessionmaker: async_sessionmaker[AsyncSession]) -> list[tuple[str, int, str, str | None]]:
    """(key, size, source URL, upstream ETag) of every stored copy."""
    async with sessionmaker() as session:
        statement = select(StoredImage.key, StoredImage.size, StoredImage.source_url, StoredImage.upstream_etag)
        return [(row[0], row[1], row[2], row[3]) for row in await session.execute(statement)]
