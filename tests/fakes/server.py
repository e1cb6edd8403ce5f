"""FakeGitHub behind a real HTTP server on 127.0.0.1, for end-to-end tests through a socket.

    async with serve(fake) as base_url:        # e.g. "http://127.0.0.1:54321"
        ...
    with serve_in_thread(fake) as base_url:     # the same, for sync code (a CLI running its own loop)
        ...

uvicorn runs in a background thread with its own event loop, so the test's loop (and any app under test in
it) stays free, and `fake.latency` sleeps there without slowing anything else.
"""

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import uvicorn

from tests.fakes.github import FakeGitHub

Message = dict[str, Any]


class FakeGitHubASGI:
    """A tiny ASGI app turning each HTTP request into an httpx.Request for FakeGitHub.handle_async."""

    def __init__(self, fake: FakeGitHub) -> None:
        self.fake = fake

    async def __call__(self, scope: Message, receive: Callable[[], Any], send: Callable[[Message], Any]) -> None:
        if scope["type"] != "http":
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        headers = dict(scope["headers"])
        host = headers.get(b"host", b"127.0.0.1").decode("ascii")
        url = f"{scope['scheme']}://{host}{scope.get('raw_path', scope['path'].encode()).decode('ascii')}"
        if scope["query_string"]:
            url += "?" + scope["query_string"].decode("ascii")
        request = httpx.Request(scope["method"], url, headers=scope["headers"], content=body)
        response = await self.fake.handle_async(request)
        raw_headers = [(name.lower(), value) for name, value in response.headers.raw]
        await send({"type": "http.response.start", "status": response.status_code, "headers": raw_headers})
        await send({"type": "http.response.body", "body": response.content})


class _ServerThread:
    def __init__(self, fake: FakeGitHub) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # Accepted connections inherit this; without it Nagle + delayed ACK add ~40 ms to every response
        # (h11 writes headers and body separately), which would swamp the `latency` knob.
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.bind(("127.0.0.1", 0))  # port 0: the OS picks a free one
        self.base_url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(
            FakeGitHubASGI(fake),
            lifespan="off",
            ws="none",
            http="h11",
            loop="asyncio",
            log_level="warning",
            access_log=False,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, name="fake-github", daemon=True
        )

    def wait_started(self, wait: float) -> None:
        deadline = time.monotonic() + wait
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("the fake GitHub server stopped during start-up")
            if time.monotonic() > deadline:
                raise TimeoutError("the fake GitHub server did not start in time")
            time.sleep(0.01)

    def stop(self, wait: float) -> None:
        self.server.should_exit = True
        self.thread.join(wait)
        self.sock.close()
        if self.thread.is_alive():
            raise TimeoutError("the fake GitHub server did not stop in time")


@contextlib.asynccontextmanager
async def serve(fake: FakeGitHub, *, wait: float = 5.0) -> AsyncIterator[str]:
    """Serve `fake` on 127.0.0.1 (ephemeral port) and yield its base URL; stops cleanly on exit.

    `wait` bounds start-up and shutdown, in seconds.
    """
    server = _ServerThread(fake)
    server.thread.start()
    try:
        await asyncio.to_thread(server.wait_started, wait)
        yield server.base_url
    finally:
        await asyncio.to_thread(server.stop, wait)


@contextlib.contextmanager
def serve_in_thread(fake: FakeGitHub, *, wait: float = 5.0) -> Iterator[str]:
    """`serve` for synchronous callers."""
    server = _ServerThread(fake)
    server.thread.start()
    try:
        server.wait_started(wait)
        yield server.base_url
    finally:
        server.stop(wait)
