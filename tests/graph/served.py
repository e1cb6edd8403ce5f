"""The whole app, lifespan and middleware included, served by uvicorn on 127.0.0.1: tests over real HTTP."""

import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from db.settings import DatabaseSettings
from graph.app import Settings, create_app
from graph.settings import ApiSettings
from sync.settings import SyncSettings

WAIT = 30.0  # seconds start-up, shutdown or a request may take on a busy machine


@contextmanager
def uvicorn_thread(settings: Settings) -> Iterator[str]:
    """The whole app, lifespan included, served by uvicorn on 127.0.0.1 (a free port); yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(create_app(settings), log_level="warning", access_log=False, ws="none", http="h11")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + WAIT
        while not server.started:
            assert thread.is_alive(), "the server stopped during start-up"
            assert time.monotonic() < deadline, "the server did not start in time"
            time.sleep(0.01)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(WAIT)
        sock.close()


@asynccontextmanager
async def served(tmp_path: Path, **api: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The demo app with these API settings, over HTTP, and a client for it."""
    settings = Settings(
        api=ApiSettings(demo=True, **api),
        database=DatabaseSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'app.db'}"),
        sync=SyncSettings(),
    )
    with uvicorn_thread(settings) as base_url:
        async with httpx.AsyncClient(base_url=base_url, timeout=WAIT) as client:
            yield client
