"""The sync's revalidation of stored images: an avatar keeps its URL when it changes, so each copy is asked
again with If-None-Match, and replaced when the upstream answers new bytes."""

import logging
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from sync.errors import ImageRefused
from sync.images.fetch import ImageFetcher, create_image_client
from sync.images.store import mark_checked, save_image, stored_sources
from sync.settings import SyncSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Revalidation:
    unchanged: int = 0
    changed: int = 0
    failed: int = 0  # kept as they were: the previous copy is served until a revalidation succeeds


async def revalidate_images(sessionmaker: async_sessionmaker[AsyncSession], fetcher: ImageFetcher) -> Revalidation:
    unchanged = changed = failed = 0
    for key, size, source_url, etag in await stored_sources(sessionmaker):
        try:
            image = await fetcher.fetch(source_url, etag)
        except ImageRefused as exc:
            log.warning("kept the stored copy: %s", exc)
            failed += 1
            continue
        if image is None:
            await mark_checked(sessionmaker, key, size)
            unchanged += 1
        else:
            await save_image(sessionmaker, key, size, source_url, image)
            changed += 1
    return Revalidation(unchanged, changed, failed)


async def revalidate_after_sync(sessionmaker: async_sessionmaker[AsyncSession], settings: SyncSettings) -> None:
    """What a sync run does for images once its data is applied: nothing unless REPOFOLIO_IMAGE_PROXY is on."""
    if not settings.image_proxy:
        return
    async with create_image_client() as http:
        result = await revalidate_images(sessionmaker, ImageFetcher(http, settings.image_hosts))
    log.info("images revalidated: %d unchanged, %d changed, %d kept after a failure", *_counts(result))


def _counts(result: Revalidation) -> tuple[int, int, int]:
    return result.unchanged, result.changed, result.failed
