"""Connection timeouts uvicorn lacks, in the one module that touches its protocol internals.

uvicorn arms its keep-alive timer only once a response is complete, so a connection that never sends a
request, or sends its head a byte at a time, stays open for ever: a thousand of them hold a thousand
sockets. The protocol here (uvicorn's own, httptools or h11, whichever `http="auto"` picks) also arms
the keep-alive timer when a connection opens, and bounds the time from a request's first byte to the end
of its head, answering 408 and closing when it passes. The body's time is bounded by
graph.http.middleware.BodySizeLimit, where the ASGI app reads it.

Touch-points (each exercised by tests/graph/test_http_limits.py): `connection_made`, `data_received`,
`connection_lost`, `cycle` (a new one exists once a head is complete), `timeout_keep_alive_task` and
`timeout_keep_alive_handler`, `loop`, `transport`.
"""

import asyncio
import json
from typing import Any

from uvicorn.protocols.http.auto import AutoHTTPProtocol

from graph.errors import ErrorCode

HEAD_TIMEOUT_MESSAGE = "The request head was not received in time."
HEAD_TIMEOUT_ERROR = {"message": HEAD_TIMEOUT_MESSAGE, "extensions": {"code": ErrorCode.REQUEST_TIMEOUT}}
REQUEST_TIMEOUT_BODY = json.dumps({"errors": [HEAD_TIMEOUT_ERROR]}).encode()
REQUEST_TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\n"
    b"content-type: application/json\r\n"
    b"connection: close\r\n"
    b"content-length: " + str(len(REQUEST_TIMEOUT_BODY)).encode() + b"\r\n\r\n" + REQUEST_TIMEOUT_BODY
)


def timed_protocol(head_timeout: float) -> type[asyncio.Protocol]:
    """uvicorn's HTTP protocol with an idle timer from the start and a deadline on each request head."""
    base: Any = AutoHTTPProtocol

    class TimedProtocol(base):  # type: ignore[misc]
        head_deadline: asyncio.TimerHandle | None = None
        head_cycle: object = None

        def connection_made(self, transport: asyncio.Transport) -> None:
            super().connection_made(transport)
            # The timer uvicorn arms after each response, armed before the first request as well.
            self.timeout_keep_alive_task = self.loop.call_later(
                self.timeout_keep_alive, self.timeout_keep_alive_handler
            )

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

    return TimedProtocol
