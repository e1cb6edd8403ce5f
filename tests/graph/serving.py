"""`repofolio serve --demo` in a real process on a free loopback port, for tests over real sockets."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_environment(database: Path, settings: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPOFOLIO_") and k != "GITHUB_TOKEN"}
    env["REPOFOLIO_DATABASE_URL"] = f"sqlite+aiosqlite:///{database}"
    env["PYTHONPATH"] = str(ROOT)
    env.update(settings)
    return env


@contextmanager
def serve_demo(database: Path, settings: dict[str, str], *, output: Path | None = None) -> Iterator[tuple[str, int]]:
    """The server's (host, port) once /healthz answers; its stdout and stderr go to `output` if given."""
    port = free_port()
    sink = open(output, "wb") if output else subprocess.DEVNULL  # noqa: SIM115  (closed below)
    process = subprocess.Popen(
        [sys.executable, "-m", "graph.cli", "serve", "--demo", "--port", str(port)],
        env=clean_environment(database, settings),
        stdout=sink,
        stderr=subprocess.STDOUT if output else subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, "the server exited"
            assert time.monotonic() < deadline, "server did not come up within 60 s"
            time.sleep(0.1)
        yield "127.0.0.1", port
    finally:
        process.terminate()
        process.wait(timeout=10)
        if output:
            sink.close()  # type: ignore[union-attr]
