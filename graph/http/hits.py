"""Cache hits answered in front of the app: a stored answer costs one data version read and a dict lookup.

Routing, dependency injection and Strawberry's request handling cost several times what the lookup itself
does, so a public GET or POST of /graphql is first tried here, as plain ASGI. Whatever this layer is not
sure of (an admin, a body it cannot read as a plain query, an unknown persisted query, a miss) goes on to
the app unchanged, where the router (graph/http/router.py) answers, and stores the answer, as always; a miss
hands the router the key it computed, so the data version is read once per request either way.
"""

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from graph.http.cache import CACHE_KEY_STATE, PersistedQueries, ResponseCache, may_cache_document, nesting_exceeds
from graph.http.middleware import read_body, replay
from graph.http.negotiation import JSON, etag_matches, negotiate
from graph.http.origin import image_origin
from graph.http.request import plain_request
from graph.http.router import VARY
from graph.schema.auth import AdminAccess, admin_access

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class CacheHits:
    """ASGI middleware answering stored answers of `path` before the app sees the request."""

    def __init__(
        self,
        app: Callable[[Scope, Receive, Send], Awaitable[None]],
        *,
        path: str,
        cache: ResponseCache,
        persisted_queries: PersistedQueries,
        cache_control: str,
        max_variables_depth: int,
    ) -> None:
        self.app = app
        self.path = path
        self.cache = cache
        self.persisted_queries = persisted_queries
        self.cache_control = cache_control.encode()
        self.max_variables_depth = max_variables_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope.get("method")
        if scope["type"] != "http" or scope["path"] != self.path or method not in ("GET", "POST"):
            await self.app(scope, receive, send)
            return
        body = b""
        if method == "POST":
            read = await read_body(receive)
            if read is None:
                return  # the client went away
            body, receive = read, replay(read, receive)
        if not await self._answer(scope, method, body, send):
            await self.app(scope, receive, send)

    async def _answer(self, scope: Scope, method: str, body: bytes, send: Send) -> bool:
        headers = {name: value for name, value in scope["headers"]}
        media_type = negotiate(_header(headers, b"accept"))
        if media_type is None:
            return False
        services = scope["app"].state.services
        if services.data_version is None:
            return False
        authorization = _header(headers, b"authorization")
        if authorization is not None and admin_access(authorization, services.settings) is AdminAccess.ADMIN:
            return False
        if method == "POST" and (_header(headers, b"content-type") or "").split(";")[0].strip().lower() != JSON:
            return False
        data = plain_request(method, scope.get("query_string", b""), body)
        if data is None or nesting_exceeds(data.get("variables"), self.max_variables_depth):
            return False  # the router answers (too deep: a 400 naming the limit)
        query = data.get("query")
        persisted = (data.get("extensions") or {}).get("persistedQuery")
        if query is None and isinstance(persisted, dict) and isinstance(persisted.get("sha256Hash"), str):
            query = self.persisted_queries.known(persisted["sha256Hash"])
        if query is None or not may_cache_document(query):
            return False
        version = await services.data_version.read()
        origin = image_origin(scope, services)
        key = self.cache.key(query, data.get("variables"), data.get("operationName"), version, origin)
        answer = self.cache.get(key)
        if answer is None:
            scope.setdefault("state", {})[CACHE_KEY_STATE] = key
            return False
        etag = answer.etag(media_type)
        response_headers = [
            (b"etag", etag.encode()),
            (b"cache-control", self.cache_control),
            (b"vary", VARY.encode()),
        ]
        if method == "GET" and etag_matches(_header(headers, b"if-none-match"), etag):
            await send({"type": "http.response.start", "status": 304, "headers": response_headers})
            await send({"type": "http.response.body", "body": b""})
            return True
        response_headers += [
            (b"content-type", f"{media_type}; charset=utf-8".encode()),
            (b"content-length", str(len(answer.body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": response_headers})
        await send({"type": "http.response.body", "body": answer.body})
        return True


def _header(headers: dict[bytes, bytes], name: bytes) -> str | None:
    value = headers.get(name)
    return value.decode("latin-1") if value is not None else None
