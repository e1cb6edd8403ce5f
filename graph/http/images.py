"""GET /images/<id>: avatars and social cards served from repofolio's own origin (REPOFOLIO_IMAGE_PROXY).

The id names what the image belongs to (graph/schema/images.py); its URL is looked up in the database and
fetched only from an allowed host (sync/images/fetch.py). The first request for an image fetches and stores
it; later ones are answered from the stored copy, which the sync revalidates (sync/images/revalidate.py). A
failing upstream is answered with the previous copy when there is one, else a JSON 502.
"""

import logging

from fastapi import FastAPI, Request
from starlette.responses import Response

from graph.demo.placeholder import placeholder_png
from graph.http.error_responses import error_response
from graph.http.negotiation import JSON, etag_matches
from graph.read.images import avatar_source, card_source, picture_source
from graph.schema.context import Services
from graph.schema.images import MAX_AVATAR_SIZE, ImageKind, card_url, parse_image_id, with_avatar_size
from sync.errors import ImageRefused
from sync.images.fetch import FetchedImage
from sync.images.store import save_image, stored_image

log = logging.getLogger(__name__)

CACHE_CONTROL = "public, max-age=3600"
# An image opened on its own is still a document of our origin: nothing in it may run or load anything.
IMAGE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": CACHE_CONTROL,
}


def add_images(app: FastAPI, *, demo: bool) -> None:
    """Route /images/<id> on `app`; with `demo`, every image is a placeholder drawn here (nothing fetched)."""

    @app.get("/images/{image_id}", include_in_schema=False)
    async def image(request: Request, image_id: str) -> Response:
        services: Services = request.app.state.services
        parsed = parse_image_id(image_id)
        size = _size(request.query_params.get("s"))
        if parsed is None:
            return _error(404, "No such image.")
        kind, entity = parsed
        if kind is not ImageKind.AVATAR:
            size = 0  # only avatars come in sizes
        elif size is None:
            return _error(400, f"The size `s` must be a whole number from 1 to {MAX_AVATAR_SIZE}.")
        source = await _source(services, kind, entity, size)
        fetcher = services.image_fetcher
        if source is None or fetcher is None or not fetcher.allows(source):
            return _error(404, "No such image.")
        if demo:
            body = placeholder_png(image_id)  # one picture per account or repository, at every size
            return _image(request, FetchedImage("image/png", body, None).digest, "image/png", body)
        stored = await stored_image(services.sessionmaker, image_id, size)
        if stored is not None and stored.source_url == source:
            return _image(request, stored.digest, stored.content_type, stored.body)
        try:
            fetched = await fetcher.fetch(source)
        except ImageRefused as exc:
            log.warning("image %s: %s", image_id, exc.reason)
            if stored is not None:  # the avatar's URL changed and the new one fails: the previous copy
                return _image(request, stored.digest, stored.content_type, stored.body)
            return _error(502, f"The image could not be fetched: {exc.reason}.")
        assert fetched is not None  # asked without an ETag, so never Not Modified
        await save_image(services.sessionmaker, image_id, size, source, fetched)
        return _image(request, fetched.digest, fetched.content_type, fetched.body)


def _size(value: str | None) -> int | None:
    """The avatar size asked for: 0 for none, None when it is not one."""
    if value is None or value == "":
        return 0
    if not value.isdigit() or not 1 <= int(value) <= MAX_AVATAR_SIZE:
        return None
    return int(value)


async def _source(services: Services, kind: ImageKind, entity: str, size: int) -> str | None:
    async with services.reads() as session:
        if kind is ImageKind.AVATAR:
            if not entity.isdigit():
                return None
            url = await avatar_source(session, int(entity))
            return with_avatar_size(url, size or None) if url else None
        if kind is ImageKind.CARD:
            if not entity.isdigit():
                return None
            found = await card_source(session, int(entity))
            return card_url(*found) if found is not None else None
        return await picture_source(session, entity)


def _image(request: Request, digest: str, content_type: str, body: bytes) -> Response:
    etag = f'"{digest}"'
    headers = {**IMAGE_HEADERS, "ETag": etag}
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=content_type, headers=headers)


def _error(status: int, message: str) -> Response:
    return error_response(status, message, JSON, headers=IMAGE_HEADERS | {"Cache-Control": "no-store"})
