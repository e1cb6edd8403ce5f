"""REPOFOLIO_DATABASE_ECHO=true: `repofolio serve` writes every statement it sends to stderr."""

from pathlib import Path

import httpx

from graph.demo.generator import DEMO_VIEWER
from tests.graph.serving import serve_demo

MARKER = "echo-marker-repository"


def _serve_and_ask(tmp_path: Path, query: str) -> tuple[str, str]:
    """(stdout, stderr) of `repofolio serve --demo` with the echo on, having answered `query` once."""
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    with serve_demo(tmp_path / "echo.db", {"REPOFOLIO_DATABASE_ECHO": "true"}, output=out, errors=err) as (host, port):
        answer = httpx.post(f"http://{host}:{port}/graphql", json={"query": query}, timeout=10)
        assert answer.status_code == 200
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
