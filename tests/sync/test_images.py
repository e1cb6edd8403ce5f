"""The image fetcher's checks (types from the bytes, the time bound) and the sync run's revalidation."""

import asyncio
import struct
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from sync.errors import ImageRefused
from sync.github.transport import create_http_client
from sync.images.fetch import FetchedImage, ImageFetcher
from sync.images.sniff import sniff
from sync.images.store import save_image, stored_image
from sync.runner import SyncRunner
from sync.settings import SyncSettings
from tests.fakes.github import FakeGitHub
from tests.fakes.images import OTHER_PNG, PNG, SVG, Answer, ImageHost
from tests.fakes.server import serve


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    brands = major + b"\x00\x00\x00\x00" + b"".join(compatible)
    return struct.pack(">I", 8 + len(brands)) + b"ftyp" + brands + b"\x00" * 16


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
        (b"GIF89a\x01\x00\x01\x00", "image/gif"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
        (ftyp(b"avif", b"mif1", b"miaf"), "image/avif"),
        (ftyp(b"mif1", b"avif"), "image/avif"),
        (ftyp(b"isom", b"mp41"), None),  # an MP4 video
        (SVG, None),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', None),
        (b"<!doctype html>", None),
        (b"", None),
    ],
    ids=["png", "jpeg", "gif", "webp", "avif", "avif-compatible", "mp4", "svg", "svg-xml", "html", "empty"],
)
def test_the_type_is_read_from_the_bytes(data: bytes, kind: str | None) -> None:
    assert sniff(data) == kind


async def test_an_upstream_that_never_answers_is_refused_within_the_time_bound() -> None:
    """Never a hang: the whole fetch, redirects and all, has a deadline."""
    never = asyncio.Event()

    async def silent(request: httpx.Request) -> httpx.Response:
        await asyncio.wait_for(never.wait(), timeout=30)
        return httpx.Response(200)

    async with httpx.AsyncClient(transport=httpx.MockTransport(silent)) as http:
        fetcher = ImageFetcher(http, ["https://avatars.example"], timeout=0.05)
        with pytest.raises(ImageRefused, match="no answer within 0.05 s"):
            await fetcher.fetch("https://avatars.example/u/1")


async def test_a_sync_run_revalidates_the_stored_images_when_the_proxy_is_on(
    sessionmaker: async_sessionmaker[AsyncSession], fake: FakeGitHub, settings: SyncSettings
) -> None:
    """The run asks the image host again with the copy's ETag and stores the avatar that replaced it."""
    host = ImageHost(answers={"/u/1": Answer(body=OTHER_PNG)})
    async with serve(host) as base:  # type: ignore[arg-type]  # any object with handle_async
        source = f"{base}/u/1?v=4"
        await save_image(sessionmaker, "avatar-id", 0, source, FetchedImage("image/png", PNG, '"old"'))
        proxied = settings.model_copy(update={"image_proxy": True, "image_hosts": [base]})
        async with create_http_client(proxied, transport=httpx.MockTransport(fake.handle_async)) as http:
            runner = SyncRunner(sessionmaker, http, proxied)
            try:
                summary = await asyncio.wait_for(runner.run("CLI"), timeout=30)
            finally:
                await runner.aclose()
    assert summary.succeeded
    assert [request.headers.get("if-none-match") for request in host.requests] == ['"old"']
    stored = await stored_image(sessionmaker, "avatar-id", 0)
    assert stored is not None and stored.body == OTHER_PNG
    assert stored.checked_at > datetime(2026, 1, 1, tzinfo=UTC)
