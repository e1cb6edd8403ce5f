"""A database file with corrupted pages: /readyz answers 503 with the reason, `repofolio db check` exits 1 with
one line; a whole database passes both. The corruption is real: garbage written over the pages of the
repository table in a copy of a database file."""

import asyncio
import sqlite3
from pathlib import Path

import pytest

from db.engine import create_engine, create_schema, create_sessionmaker
from db.faults import CORRUPT
from db.health import IntegrityMonitor
from db.settings import DatabaseSettings
from graph.app import Settings
from graph.cli.main import main
from graph.demo.generator import generate
from graph.demo.load import load_rows
from graph.settings import ApiSettings
from sync.settings import SyncSettings
from tests.graph.conftest import running_app


async def _database(path: Path) -> DatabaseSettings:
    """A database file with the demo data in it, every engine closed (so the WAL is checkpointed into it)."""
    settings = DatabaseSettings(database_url=f"sqlite+aiosqlite:///{path}")
    engine = create_engine(settings)
    await create_schema(engine)
    await load_rows(create_sessionmaker(engine), generate())
    await engine.dispose()
    return settings


def _corrupt(path: Path) -> None:
    """Garbage over the root page of the repository table (and the page after it)."""
    with sqlite3.connect(path) as connection:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        root = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = 'repository'").fetchone()[0]
    connection.close()
    with path.open("r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(b"\xa5" * page_size * 2)


def _app_settings(database: DatabaseSettings) -> Settings:
    return Settings(api=ApiSettings(), database=database, sync=SyncSettings(github_owners=""))


async def test_readyz_answers_503_with_the_reason_on_a_database_with_corrupted_pages(tmp_path: Path) -> None:
    database = await _database(tmp_path / "repofolio.db")
    _corrupt(tmp_path / "repofolio.db")

    async with running_app(_app_settings(database)) as client:
        response = await client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["reason"].startswith(f"{CORRUPT}: ")


async def test_readyz_answers_200_on_a_whole_database(tmp_path: Path) -> None:
    database = await _database(tmp_path / "repofolio.db")

    async with running_app(_app_settings(database)) as client:
        response = await client.get("/readyz")

    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_the_quick_check_is_re_run_once_its_verdict_is_older_than_its_bound(tmp_path: Path) -> None:
    database = await _database(tmp_path / "repofolio.db")
    engine = create_engine(database)
    now = [0.0]
    monitor = IntegrityMonitor(max_age=300, clock=lambda: now[0])
    try:
        assert (await monitor.current(engine)).ok
        await engine.dispose()
        _corrupt(tmp_path / "repofolio.db")
        now[0] = 299.0
        assert (await monitor.current(engine)).ok  # the verdict stands within its bound: no re-check
        now[0] = 300.0
        assert (await monitor.current(engine)).ok  # stale: answered with it while the re-check runs
        rechecked = await monitor.wait()
        assert rechecked is not None and not rechecked.ok
        assert not (await monitor.current(engine)).ok
    finally:
        await monitor.aclose()
        await engine.dispose()


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.db"
    monkeypatch.setenv("REPOFOLIO_DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    return path


def test_db_check_passes_a_whole_database(cli_database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    asyncio.run(_database(cli_database))

    code = main(["db", "check"])

    out, err = capsys.readouterr()
    assert (code, out, err) == (
        0,
        f"the database at sqlite+aiosqlite:///{cli_database} passed its integrity check\n",
        "",
    )


def test_db_check_exits_1_with_one_line_on_a_database_with_corrupted_pages(
    cli_database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(_database(cli_database))
    _corrupt(cli_database)

    code = main(["db", "check"])

    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    assert err.startswith(
        f"repofolio: the database at sqlite+aiosqlite:///{cli_database} failed its check: {CORRUPT}: "
    )
    assert err.count("\n") == 1


def test_db_check_refuses_a_missing_file_without_creating_it(
    cli_database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["db", "check"])

    assert (code, capsys.readouterr().err) == (
        1,
        f"repofolio: cannot check the database at sqlite+aiosqlite:///{cli_database}: no such file\n",
    )
    assert not cli_database.exists()


def test_db_check_refuses_a_missing_file_named_by_a_file_uri_without_creating_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A `file:` URI (uri=true) names a file like a path does: `db check` finds it missing and leaves it so."""
    path = tmp_path / "cli.db"
    url = f"sqlite+aiosqlite:///file:{path}?uri=true"
    monkeypatch.setenv("REPOFOLIO_DATABASE_URL", url)

    code = main(["db", "check"])

    err = capsys.readouterr().err
    assert (code, err.startswith("repofolio: cannot check the database at "), err.endswith(": no such file\n")) == (
        1,
        True,
        True,
    )
    assert not path.exists()
