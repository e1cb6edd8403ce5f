"""The app with its lifespan, in process and through a real socket, and the CLI around it."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy import create_engine, inspect

from db.settings import DatabaseSettings
from graph.app import Settings
from graph.demo.generator import DEMO_VIEWER
from graph.environment import describe_invalid
from graph.settings import ApiSettings
from sync.settings import SyncSettings
from tests.graph.conftest import running_app
from tests.graph.serving import serve_demo

TABLES = {"repository", "language", "contributor", "repository_language", "repository_contributor", "showcase"}


def _settings(path: Path, **api: object) -> Settings:
    return Settings(
        api=ApiSettings(demo=True, **api),
        database=DatabaseSettings(database_url=f"sqlite+aiosqlite:///{path}"),
        sync=SyncSettings(),
    )


async def _query(app_settings: Settings, query: str) -> httpx.Response:
    async with running_app(app_settings) as client:
        return await client.post("/graphql", json={"query": query})


async def test_fresh_database_file_gets_every_table_before_the_first_query(tmp_path: Path) -> None:
    """Start on a file that does not exist yet: the schema is created, the demo loaded, a query answers."""
    path = tmp_path / "fresh.db"
    response = await _query(_settings(path), "{ viewer { login repositories { totalCount } } }")
    assert response.status_code == 200
    assert response.json() == {"data": {"viewer": {"login": DEMO_VIEWER, "repositories": {"totalCount": 30}}}}
    assert set(inspect(create_engine(f"sqlite:///{path}")).get_table_names()) >= TABLES


async def test_second_start_on_the_same_database_is_harmless(tmp_path: Path) -> None:
    """Restarting keeps the data as it was: the schema step is idempotent and the demo is not loaded twice."""
    path = tmp_path / "twice.db"
    first = await _query(_settings(path), "{ repositories { totalCount } syncStatus { dataVersion } }")
    second = await _query(_settings(path), "{ repositories { totalCount } syncStatus { dataVersion } }")
    assert first.json() == second.json()
    assert first.json()["data"]["repositories"]["totalCount"] == 40


async def test_health_and_readiness_endpoints(tmp_path: Path) -> None:
    async with running_app(_settings(tmp_path / "health.db")) as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        assert (await client.get("/readyz")).json() == {"status": "ok"}


def _cli(*args: str, env: dict[str, str], timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "graph.cli", *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPOFOLIO_") and k != "GITHUB_TOKEN"}
    env["REPOFOLIO_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    env.update(extra)
    return env


def test_serve_demo_answers_the_portfolio_over_a_real_socket(tmp_path: Path) -> None:
    """`repofolio serve --demo` on 127.0.0.1: POST and GET queries answer with the demo portfolio."""
    with serve_demo(tmp_path / "demo.db", {}) as (host, port):
        base = f"http://{host}:{port}"
        query = "{ viewer { login pinnedItems(first: 3) { nodes { ... on Repository { name } } } } }"
        posted = httpx.post(f"{base}/graphql", json={"query": query}, timeout=10)
        fetched = httpx.get(f"{base}/graphql", params={"query": query}, timeout=10)
        graphiql = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"}, timeout=10)
    assert posted.status_code == 200
    assert posted.json()["data"]["viewer"]["login"] == DEMO_VIEWER
    assert len(posted.json()["data"]["viewer"]["pinnedItems"]["nodes"]) == 3
    assert fetched.json() == posted.json()
    assert graphiql.status_code == 200 and "graphiql" in graphiql.text.lower()


@pytest.mark.parametrize("command", [["serve"], ["sync"], ["showcase", "export"]])
def test_unusable_database_url_exits_non_zero_with_one_line(tmp_path: Path, command: list[str]) -> None:
    """A database that cannot be opened stops every command with a one-line reason, never a traceback."""
    env = _env(
        tmp_path,
        REPOFOLIO_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'dir' / 'x.db'}",
        REPOFOLIO_GITHUB_OWNERS="octocat",
        REPOFOLIO_GITHUB_API_URL="http://127.0.0.1:9",
    )
    result = _cli(*command, env=env)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "cannot use the database" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_setting_names_the_variable(tmp_path: Path) -> None:
    """A bad value fails at start-up with one line naming the environment variable."""
    result = _cli("serve", env=_env(tmp_path, REPOFOLIO_PORT="eighty"))
    assert result.returncode == 1
    assert result.stderr.startswith("repofolio: invalid REPOFOLIO_PORT") and result.stderr.count("\n") == 1


async def test_planned_execution_is_on_by_default_and_off_serves_the_same_answer(
    db_settings: DatabaseSettings, caplog: pytest.LogCaptureFixture
) -> None:
    """Start-up says which engine answers; REPOFOLIO_PLANNED_EXECUTION=off answers a query exactly as on."""
    query = {"query": "{ syncStatus { __typename } repositories(first: 1) { totalCount } }"}
    answers = []
    for value, line in ((None, "planned execution: on"), ("off", "planned execution: off")):
        environ = {"REPOFOLIO_PLANNED_EXECUTION": value} if value else {}
        with pytest.MonkeyPatch.context() as patch, caplog.at_level(logging.INFO, logger="graph.app"):
            for name, setting in environ.items():
                patch.setenv(name, setting)
            caplog.clear()
            async with running_app(Settings(api=ApiSettings(), database=db_settings)) as client:
                answers.append((await client.post("/graphql", json=query)).json())
            assert [r.getMessage() for r in caplog.records if r.getMessage().startswith("planned")] == [line]
    assert answers[0] == answers[1] and "errors" not in answers[0]


def test_a_bad_planned_execution_value_is_one_line_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPOFOLIO_PLANNED_EXECUTION", "sometimes")
    with pytest.raises(ValidationError) as caught:
        ApiSettings()
    assert describe_invalid(caught.value).startswith("invalid REPOFOLIO_PLANNED_EXECUTION: ")
