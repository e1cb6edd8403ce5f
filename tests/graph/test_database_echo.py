"""REPOFOLIO_DATABASE_ECHO=true: `repofolio serve` writes every statement it sends to stderr."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from graph.demo.generator import DEMO_VIEWER

MARKER = "echo-marker-repository"


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve_and_ask(tmp_path: Path, query: str) -> tuple[str, str]:
    """(stdout, stderr) of `repofolio serve --demo` with the echo on, having answered `query` once."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPOFOLIO_") and k != "GITHUB_TOKEN"}
    env |= {
        "REPOFOLIO_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'echo.db'}",
        "REPOFOLIO_DATABASE_ECHO": "true",
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    port = _port()
    out, err = tmp_path / "stdout", tmp_path / "stderr"  # files: the echo outgrows a pipe nobody reads yet
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "graph.cli", "serve", "--demo", "--port", str(port)],
            env=env,
            stdout=stdout,
            stderr=stderr,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert process.poll() is None, err.read_text()
                assert time.monotonic() < deadline, "server did not come up within 30 s"
                time.sleep(0.1)
            answer = httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": query}, timeout=10)
            assert answer.status_code == 200
        finally:
            process.terminate()
            process.wait(timeout=10)
    return out.read_text(), err.read_text()


def test_database_echo_writes_each_statement_of_both_engines_to_stderr(tmp_path: Path) -> None:
    """The demo load (write engine), the request's lookups (read engine) and its data version read each appear
    on stderr with their SQL text and parameters; stdout carries no SQL."""
    query = f'{{ repository(owner: "{DEMO_VIEWER}", name: "{MARKER}") {{ name }} }}'
    stdout, stderr = _serve_and_ask(tmp_path, query)
    lines = stderr.splitlines()
    assert any("sqlalchemy.engine.Engine INSERT INTO repository " in line for line in lines)
    # The lookup's text, then its parameters, from the read engine.
    parameters = next(i for i, line in enumerate(lines) if f"('{DEMO_VIEWER}/{MARKER}',)" in line)
    sent = [line for line in lines[:parameters] if "sqlalchemy.engine.Engine.read " in line]
    assert "sqlalchemy.engine.Engine.read [" in lines[parameters]
    assert "sqlalchemy.engine.Engine.read SELECT repository.id, " in sent[-1]
    assert lines[lines.index(sent[-1]) + 1].startswith("FROM repository")
    # The data version read, through its own sqlite3 connection, after start-up.
    started = next(i for i, line in enumerate(lines) if "Uvicorn running" in line)
    assert "sqlalchemy.engine.Engine SELECT value FROM meta WHERE key = 'data_version'" in "\n".join(lines[started:])
    assert "SELECT" not in stdout and "INSERT" not in stdout
