"""Image URLs on repofolio's own origin (REPOFOLIO_IMAGE_PROXY): `avatarUrl`, `openGraphImageUrl` and the
showcase `imageUrl` answer `<origin>/images/<id>` for images on an allowed host, so a page built on the API
fetches nothing from GitHub's image hosts. The id names what the image belongs to in the cache (an account's
avatar, a repository's generated card, a curated picture), never a URL: /images (graph/http/images.py) looks
the URL up in the database, so nothing a client sends makes repofolio fetch an address it chose.
"""

import base64
import binascii
import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sync.images.fetch import is_allowed

MAX_AVATAR_SIZE = 460  # the largest `s` GitHub's avatar host answers in full; larger sizes ask for this


class ImageKind(StrEnum):
    AVATAR = "avatar"  # of the account with this GitHub id
    CARD = "card"  # GitHub's generated social card of the repository with this id
    PICTURE = "picture"  # the curated image of the showcase entry with this key


def image_id(kind: ImageKind, entity: str | int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{entity}".encode()).decode().rstrip("=")


def parse_image_id(value: str) -> tuple[ImageKind, str] | None:
    if not value or len(value) > 300:
        return None
    try:
        kind, _, entity = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode().partition(":")
        return ImageKind(kind), entity
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def avatar_size(size: int | None) -> int | None:
    return None if size is None else max(1, min(size, MAX_AVATAR_SIZE))


def card_url(repository_id: int, updated_at: datetime, full_name: str) -> str:
    """GitHub's generated social card; the stamp changes when the repository does, as GitHub's does."""
    stamp = hashlib.sha256(f"{repository_id}:{updated_at.isoformat()}".encode()).hexdigest()
    return f"https://opengraph.githubassets.com/{stamp[:64]}/{full_name}"


@dataclass(frozen=True, slots=True)
class ImageLinks:
    """One request's way to spell image URLs: its origin and the allowed image hosts."""

    base: str  # e.g. https://site.example/images/
    allowed: frozenset[str]

    def link(self, kind: ImageKind, entity: str | int, source_url: str, size: int | None = None) -> str:
        """`source_url` as served from our origin when it is on an allowed host; else `source_url` itself."""
        if not is_allowed(source_url, self.allowed):
            return source_url
        url = f"{self.base}{image_id(kind, entity)}"
        return f"{url}?s={size}" if size is not None else url


def links_of(info: Any) -> ImageLinks | None:
    links: ImageLinks | None = info.context.images
    return links


def avatar_url(info: Any, account_id: int, url: str, size: int | None) -> str:
    """Every `avatarUrl` resolver answers through this (a schema test checks they all take `info`): GitHub's
    URL resized to `size`, or, with the proxy on, ours for it."""
    links = links_of(info)
    if links is None or not is_allowed(url, links.allowed):
        return with_avatar_size(url, size)
    return links.link(ImageKind.AVATAR, account_id, url, avatar_size(size))


def with_avatar_size(url: str, size: int | None) -> str:
    """GitHub's avatar URL asking for `size` pixels (its `s` parameter)."""
    if size is None or not url:
        return url
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "s"]
    return urlunsplit(parts._replace(query=urlencode([("s", str(size)), *query])))
