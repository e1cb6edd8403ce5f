"""The app served on a free loopback port, for tests over real sockets: `repofolio serve --demo` in a process of
its own (what a user runs: the CLI, its logging, uvicorn's protocol options), or the app under uvicorn in a
thread of this process (cheaper to start, and the test may hand it settings objects)."""

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import IO, Any

import httpx
import uvicorn

from db.settings import DatabaseSettings
from graph.app import Settings, create_app
from graph.settings import ApiSettings
from sync.settings import SyncSettings

ROOT = Path(__file__).resolve().parents[2]
WAIT = 60.0  # seconds shutdown or a request may take on a busy machine
# Seconds start-up may take: `serve --demo` migrates and loads the demo data first, which took over 60 s with
# two xdist workers on a 2-core machine shared with other jobs (load ~13).
START_WAIT = 180.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_environment(database: Path, settings: dict[str, str]) -> dict[str, str]:
    """This process's environment without REPOFOLIO_* and GITHUB_TOKEN, with the demo database and `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPOFOLIO_") and k != "GITHUB_TOKEN"}
    env["REPOFOLIO_DATABASE_URL"] = f"sqlite+aiosqlite:///{database}"
    env["PYTHONPATH"] = str(ROOT)
    env.update(settings)
    return env


def wait_until(ready: Callable[[], bool], running: Callable[[], bool], describe: Callable[[], str]) -> None:
    deadline = time.monotonic() + START_WAIT
    while not ready():
        assert running(), f"the server stopped during start-up: {describe()}"
        assert time.monotonic() < deadline, f"the server did not start within {START_WAIT} s: {describe()}"
        time.sleep(0.05)


def answers_health(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


@contextmanager
def serve_demo(
    database: Path, settings: dict[str, str], *, output: Path | None = None, errors: Path | None = None
) -> Iterator[tuple[str, int]]:
    """`repofolio serve --demo` with these REPOFOLIO_* settings: its (host, port) once /healthz answers.

    Its stdout goes to `output`, its stderr to `errors` or, without one, to `output` too (files: a log can
    outgrow a pipe nobody reads yet); with neither, both are discarded."""
    port = free_port()
    with open(output or os.devnull, "wb") as out, open(errors or os.devnull, "wb") as err:
        stderr: IO[bytes] | int = err if errors or not output else subprocess.STDOUT
        process = subprocess.Popen(
            [sys.executable, "-m", "graph.cli", "serve", "--demo", "--port", str(port)],
            env=clean_environment(database, settings),
            stdout=out,
            stderr=stderr,
        )
        try:
            written = errors or output
            wait_until(
                lambda: answers_health(port),
                lambda: process.poll() is None,
                lambda: written.read_text(errors="replace")[-2000:] if written else "(output discarded)",
            )
            yield "127.0.0.1", port
        finally:
            process.terminate()
            process.wait(timeout=WAIT)


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
        wait_until(lambda: server.started, thread.is_alive, lambda: "uvicorn in a thread")
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(WAIT)
        sock.close()


@asynccontextmanager
async def served(tmp_path: Path, **api: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The demo app with these API settings, over HTTP in a thread, and a client for it."""
    settings = Settings(
        api=ApiSettings(demo=True, **api),
        database=DatabaseSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'app.db'}"),
        sync=SyncSettings(),
    )
    with uvicorn_thread(settings) as base_url:
        async with httpx.AsyncClient(base_url=base_url, timeout=WAIT) as client:
            yield client
