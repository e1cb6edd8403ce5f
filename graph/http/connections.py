"""Connection limits uvicorn lacks, in the one module that touches its protocol internals.

uvicorn arms its keep-alive timer only once a response is complete, so a connection that never sends a
request, or sends its head a byte at a time, stays open for ever: a thousand of them hold a thousand
sockets. The protocol here (uvicorn's own, httptools or h11, whichever `http="auto"` picks) also arms
the keep-alive timer when a connection opens, and bounds the time from a request's first byte to the end
of its head, answering 408 and closing when it passes. The body's time is bounded by
graph.http.middleware.BodySizeLimit, where the ASGI app reads it.

It also caps open connections in place of uvicorn's `limit_concurrency`, which answered 503 to every
request, /healthz included, until idle connections timed out: an orchestrator probing a server held at its
cap by idle keep-alive clients restarted a healthy process. Here a connection past the cap closes the
connection idle longest instead (closing an idle keep-alive connection is what its timeout does anyway,
and HTTP clients retry on a fresh one); only when every connection is busy with a request does the new one
wait in a small reserve, where the health paths are answered and everything else gets a 503 JSON error.
Past the reserve a new connection is closed at once, so sockets stay bounded.

Touch-points (each exercised by tests/graph/test_http_limits.py and tests/graph/test_connection_cap.py):
`connection_made`, `data_received`, `connection_lost`, `cycle` (a new one exists once a head is complete),
`timeout_keep_alive_task` (set exactly while a connection is idle) and `timeout_keep_alive_handler`,
`connections` (the server's open connections), `app`, `loop`, `transport`.
"""

import asyncio
import itertools
import json
import logging
from collections.abc import Iterable
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.http.auto import AutoHTTPProtocol

from graph.errors import ErrorCode
from graph.http.middleware import refuse

log = logging.getLogger(__name__)

HEAD_TIMEOUT_MESSAGE = "The request head was not received in time."
HEAD_TIMEOUT_ERROR = {"message": HEAD_TIMEOUT_MESSAGE, "extensions": {"code": ErrorCode.REQUEST_TIMEOUT}}
REQUEST_TIMEOUT_BODY = json.dumps({"errors": [HEAD_TIMEOUT_ERROR]}).encode()
REQUEST_TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\n"
    b"content-type: application/json\r\n"
    b"connection: close\r\n"
    b"content-length: " + str(len(REQUEST_TIMEOUT_BODY)).encode() + b"\r\n\r\n" + REQUEST_TIMEOUT_BODY
)
# Connections admitted past the cap while every connection is busy, for health probes (and a 503 to the rest).
HEALTH_RESERVE = 10
HEALTH_PATHS = frozenset({"/healthz", "/readyz"})
OVER_CAP_MESSAGE = "The server is at its limit of open connections; try again shortly."


def limited_protocol(
    head_timeout: float, max_connections: int, health_paths: Iterable[str] = HEALTH_PATHS
) -> type[asyncio.Protocol]:
    """uvicorn's HTTP protocol with an idle timer from the start, a deadline on each request head, and a cap
    on open connections that closes the longest-idle one to admit a new one."""
    base: Any = AutoHTTPProtocol
    always_answered = frozenset(health_paths)
    opened = itertools.count()

    class LimitedProtocol(base):  # type: ignore[misc]
        head_deadline: asyncio.TimerHandle | None = None
        head_cycle: object = None
        opened = 0

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.inner_app: ASGIApp = self.app
            self.app: ASGIApp = self.admit

        def connection_made(self, transport: asyncio.Transport) -> None:
            super().connection_made(transport)
            self.opened = next(opened)
            # The timer uvicorn arms after each response, armed before the first request as well.
            self.timeout_keep_alive_task = self.loop.call_later(
                self.timeout_keep_alive, self.timeout_keep_alive_handler
            )
            if len(self.connections) > max_connections:
                self.make_room()

        def make_room(self) -> None:
            """Close connections idle longest down to the cap; with too few idle, keep this one only within
            the reserve."""
            open_connections = [c for c in self.connections if not c.transport.is_closing()]
            excess = len(open_connections) - max_connections
            if excess <= 0:
                return  # the excess is connections already closing
            idle = [c for c in open_connections if c is not self and idle_since(c) is not None]
            # Idle longest first; among connections idle since the same tick, the oldest.
            idle.sort(key=lambda c: (idle_since(c), c.opened))
            for connection in idle[:excess]:
                connection.transport.close()
            if excess > len(idle) + HEALTH_RESERVE:
                self.transport.close()

        async def admit(self, scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http" and scope["path"] not in always_answered and self.over_cap():
                log.warning("refused a request: all %d connections are busy", max_connections)
                await refuse(send, 503, OVER_CAP_MESSAGE, ErrorCode.SERVICE_UNAVAILABLE)
                return
            await self.inner_app(scope, receive, send)

        def over_cap(self) -> bool:
            if len(self.connections) <= max_connections:
                return False
            return sum(1 for c in self.connections if not c.transport.is_closing()) > max_connections

        def data_received(self, data: bytes) -> None:
            between_requests = self.cycle is None or self.cycle.response_complete
            if between_requests and self.head_deadline is None:
                self.head_cycle = self.cycle
                self.head_deadline = self.loop.call_later(head_timeout, self.head_timed_out)
            super().data_received(data)
            if self.head_deadline is not None and self.cycle is not self.head_cycle:
                self.cancel_head_deadline()  # the head is complete: the body has its own bound

        def connection_lost(self, exc: Exception | None) -> None:
            self.cancel_head_deadline()
            super().connection_lost(exc)

        def cancel_head_deadline(self) -> None:
            if self.head_deadline is not None:
                self.head_deadline.cancel()
                self.head_deadline = None

        def head_timed_out(self) -> None:
            self.head_deadline = None
            if not self.transport.is_closing():
                self.transport.write(REQUEST_TIMEOUT_RESPONSE)
                self.transport.close()

    return LimitedProtocol


def idle_since(connection: Any) -> float | None:
    """When an idle connection's keep-alive timer fires (earlier: idle longer), else None (a request is under
    way, or it is no HTTP connection, such as a WebSocket's)."""
    timer = getattr(connection, "timeout_keep_alive_task", None)  # asyncio's TimerHandle or uvloop's
    return None if timer is None else float(timer.when())
