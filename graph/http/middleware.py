"""HTTP-level guards in front of the GraphQL endpoint: caps on request headers and on the body's size and time,
CORS for the owner's site, and HEAD answered as GET."""

import asyncio
import json

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph.errors import ErrorCode
from graph.settings import ApiSettings

CORS_METHODS = ("GET", "POST", "OPTIONS")
CORS_HEADERS = (
    "Accept",
    "Authorization",
    "Content-Type",
    "apollographql-client-name",
    "apollographql-client-version",
)
CORS_EXPOSE_HEADERS = ("ETag", "Cache-Control")
CORS_MAX_AGE = 600  # seconds a browser may reuse a preflight answer


class BodyTooLarge(Exception):
    """The request body exceeds the cap."""


async def read_body(receive: Receive, max_bytes: int | None = None) -> bytes | None:
    """The whole request body; None when the client went away first. Past `max_bytes`: BodyTooLarge."""
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if max_bytes is not None and size > max_bytes:
            raise BodyTooLarge
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


def replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the app the body already read, then whatever the client sends next."""
    replayed = False

    async def receive_again() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: disconnect notifications

    return receive_again


async def refuse(send: Send, status: int, message: str, code: str) -> None:
    """Answer a request refused before the app saw it with a GraphQL-shaped JSON error, and close."""
    body = json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                # An unread rest of the request makes the connection unusable for another one.
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class HeaderLimit:
    """Refuse requests with more than `max_headers` header fields or more than `max_bytes` of them (names and
    values) with 431, as a proxy in front would. Checked on the parsed headers, so the same for every HTTP
    implementation uvicorn may use (its h11-only size option does nothing with httptools)."""

    def __init__(self, app: ASGIApp, max_headers: int, max_bytes: int) -> None:
        self.app = app
        self.max_headers = max_headers
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = scope["headers"]
            if len(headers) > self.max_headers:
                message = f"The request has {len(headers):,} header fields; the limit is {self.max_headers:,}."
                await refuse(send, 431, message, ErrorCode.REQUEST_HEADER_FIELDS_TOO_LARGE)
                return
            size = sum(len(name) + len(value) for name, value in headers)
            if size > self.max_bytes:
                message = f"The request headers exceed the limit of {self.max_bytes:,} bytes."
                await refuse(send, 431, message, ErrorCode.REQUEST_HEADER_FIELDS_TOO_LARGE)
                return
        await self.app(scope, receive, send)


class BodySizeLimit:
    """Refuse request bodies over `max_bytes` with 413, or not received within `timeout` seconds with 408, each
    with a GraphQL-shaped JSON error.

    The declared Content-Length is checked first; the body is then read and counted before the app sees
    it, so a chunked body without Content-Length (or one lying about its length) is capped as well. The
    cap is small (GraphQL documents are), so holding the body in memory costs nothing worth streaming.
    uvicorn bounds no body's time: without the deadline a body sent a byte a second holds its connection
    (and its task) for as long as the client likes.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, timeout: float | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.strip().isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        try:
            async with asyncio.timeout(self.timeout):
                body = await read_body(receive, self.max_bytes)
        except BodyTooLarge:
            await self._refuse(send)
            return
        except TimeoutError:
            message = f"The request body was not received within {self.timeout:g} seconds."
            await refuse(send, 408, message, ErrorCode.REQUEST_TIMEOUT)
            return
        if body is not None:
            await self.app(scope, replay(body, receive), send)

    async def _refuse(self, send: Send) -> None:
        message = f"The request body exceeds the limit of {self.max_bytes:,} bytes."
        await refuse(send, 413, message, ErrorCode.PAYLOAD_TOO_LARGE)


class HeadAsGet:
    """Answer HEAD as GET without the body (RFC 9110 9.3.2), headers and status included: FastAPI routes GET only,
    so HEAD would otherwise be a 405. The body is dropped here, whatever the server does with it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


class AllowlistCORS(CORSMiddleware):
    """Starlette's CORS middleware, except that a request from an origin not on the list gets no CORS
    headers at all (Starlette would still send Allow-Methods, Max-Age and Expose-Headers)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        origin = Headers(scope=scope).get("origin") if scope["type"] == "http" else None
        if origin is None or self.is_allowed_origin(origin):
            await super().__call__(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            response = PlainTextResponse("Disallowed CORS origin", status_code=400, headers={"Vary": "Origin"})
            await response(scope, receive, send)
            return

        async def send_varying(message: Message) -> None:
            # Responses differ by Origin; a shared cache must not hand this one to an allowed site.
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"vary", b"Origin")]
            await send(message)

        await self.app(scope, receive, send_varying)


def cors_middleware(settings: ApiSettings) -> list[Middleware]:
    """Let the browsers of the listed origins call the API; with an empty list, no middleware.

    Credentials (cookies) are allowed only when configured, and never with `*` (ApiSettings refuses it): the
    API has no cookie session of its own, and the admin token travels in the Authorization header, which a
    preflight allows explicitly. A site sending its own cookies (`credentials: "include"`) needs them on.
    """
    if not settings.cors_origins:
        return []
    return [
        Middleware(
            AllowlistCORS,
            allow_origins=settings.cors_origins,  # normalised and checked by ApiSettings
            allow_credentials=settings.cors_allow_credentials,
            allow_methods=CORS_METHODS,
            allow_headers=[*CORS_HEADERS, *settings.cors_allow_headers],
            expose_headers=CORS_EXPOSE_HEADERS,
            max_age=CORS_MAX_AGE,
        )
    ]


def add_cors(app: FastAPI, settings: ApiSettings) -> None:
    """`cors_middleware`, added to `app` (outermost so far)."""
    for middleware in cors_middleware(settings):
        app.add_middleware(middleware.cls, *middleware.args, **middleware.kwargs)
