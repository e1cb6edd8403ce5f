"""The image fetcher: the one fetch at run time, from allowlisted origins only, bounded in time and size."""

import asyncio
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpx

from sync.errors import ImageRefused
from sync.images.sniff import sniff
from sync.origin import origin_of

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 3
STEP_TIMEOUT = 5.0  # seconds to connect, or between two reads
TOTAL_TIMEOUT = 10.0  # seconds for the whole fetch, redirects included
ACCEPT = "image/avif,image/webp,image/png,image/jpeg,image/gif"


@dataclass(frozen=True, slots=True)
class FetchedImage:
    content_type: str  # sniffed from the bytes
    body: bytes
    upstream_etag: str | None

    @property
    def digest(self) -> str:
        return hashlib.blake2b(self.body, digest_size=16).hexdigest()


def is_allowed(url: str, allowed: frozenset[str]) -> bool:
    """Whether `url` is on one of the `allowed` origins (entries as sync.settings.image_origin spells them)."""
    try:
        return str(origin_of(url)) in allowed
    except (httpx.InvalidURL, UnicodeError, ValueError):
        return False


def create_image_client(**kwargs: Any) -> httpx.AsyncClient:
    """A client of its own for image hosts: no GitHub token, no redirects followed behind the fetcher's back."""
    return httpx.AsyncClient(
        headers={"User-Agent": "repofolio", "Accept": ACCEPT},
        timeout=STEP_TIMEOUT,
        follow_redirects=False,
        **kwargs,
    )


class ImageFetcher:
    """Fetches images from `allowed` origins (see sync.settings.image_origin), following redirects only
    while they stay among them; everything else is ImageRefused, with a reason that names no credentials."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        allowed: Iterable[str],
        *,
        max_bytes: int = MAX_IMAGE_BYTES,
        timeout: float = TOTAL_TIMEOUT,
    ) -> None:
        self.http = http
        self.allowed = frozenset(allowed)
        self.max_bytes = max_bytes
        self.timeout = timeout

    def allows(self, url: str) -> bool:
        return is_allowed(url, self.allowed)

    async def fetch(self, url: str, etag: str | None = None) -> FetchedImage | None:
        """The image at `url`; None when `etag` is given and the upstream answers 304 Not Modified."""
        try:
            async with asyncio.timeout(self.timeout):
                return await self._follow(url, etag)
        except TimeoutError as exc:
            raise ImageRefused(url, f"no answer within {self.timeout:g} s") from exc
        except httpx.HTTPError as exc:
            raise ImageRefused(url, f"unreachable ({type(exc).__name__})") from exc

    async def _follow(self, url: str, etag: str | None) -> FetchedImage | None:
        for _ in range(MAX_REDIRECTS + 1):
            if not self.allows(url):
                raise ImageRefused(url, "not on an allowed image host (REPOFOLIO_IMAGE_HOSTS)")
            headers = {"If-None-Match": etag} if etag else {}
            async with self.http.stream("GET", url, headers=headers) as response:
                if response.is_redirect and "location" in response.headers:
                    url = str(response.url.join(response.headers["location"]))
                    continue
                if response.status_code == 304 and etag:
                    return None
                if response.status_code != 200:
                    raise ImageRefused(url, f"answered {response.status_code}")
                body = await self._read(url, response)
            content_type = sniff(body)
            if content_type is None:
                raise ImageRefused(url, "not a PNG, JPEG, GIF, WebP or AVIF image")
            return FetchedImage(content_type, body, response.headers.get("etag"))
        raise ImageRefused(url, f"more than {MAX_REDIRECTS} redirects")

    async def _read(self, url: str, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise ImageRefused(url, f"larger than {self.max_bytes} bytes")
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > self.max_bytes:
                raise ImageRefused(url, f"larger than {self.max_bytes} bytes")
        return bytes(body)
