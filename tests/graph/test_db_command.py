"""`repofolio db upgrade | current | history`, and start-up (the CLI's commands and the app's lifespan) on a
database made before migrations or by a newer repofolio."""

import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from db.engine import DatabaseUnavailable
from db.migrate import BASELINE, alembic_config
from db.settings import DatabaseSettings
from graph.app import Settings
from graph.cli.main import main
from graph.settings import ApiSettings
from sync.settings import SyncSettings
from tests.db.legacy import make_195a580_database
from tests.graph.conftest import running_app

HEAD = ", ".join(ScriptDirectory.from_config(alembic_config()).get_heads())


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("REPOFOLIO_DATABASE_URL", url)
    return url


def _set_revision(url: str, revision: str) -> None:
    with sqlite3.connect(url.removeprefix("sqlite+aiosqlite:///")) as connection:
        connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))


def test_db_upgrade_creates_the_schema_then_finds_nothing_to_do(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`db current` on a missing file says so and creates nothing; `db upgrade` creates the schema at head,
    after which `db current` reports head and a second `db upgrade` has nothing to do."""
    assert _run(capsys, "db", "current") == (1, "", f"repofolio: cannot use the database at {database}: no such file\n")
    assert not (tmp_path / "cli.db").exists()
    assert _run(capsys, "db", "upgrade") == (0, f"created the schema of the database at {database} at {HEAD}\n", "")
    assert _run(capsys, "db", "current") == (0, f"{HEAD} (head)\n", "")
    assert _run(capsys, "db", "upgrade") == (
        0,
        f"the database at {database} is at head, {HEAD}: nothing to upgrade\n",
        "",
    )


def test_db_upgrade_stamps_a_195a580_database_and_keeps_its_showcase(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A database made before migrations is reported as such, stamped as the baseline by `db upgrade`, and
    its curated showcase, hidden entries included, exports as it was."""
    asyncio.run(make_195a580_database(database))
    assert _run(capsys, "db", "current") == (
        0,
        f"none: made before migrations (`repofolio db upgrade` stamps it {BASELINE} and upgrades it to {HEAD})\n",
        "",
    )
    assert _run(capsys, "db", "upgrade") == (
        0,
        f"stamped the database at {database} (made before migrations) {BASELINE}, then upgraded it to {HEAD}\n",
        "",
    )
    assert _run(capsys, "db", "current") == (0, f"{HEAD} (head)\n", "")
    code, exported, _ = _run(capsys, "showcase", "export")
    assert code == 0
    assert exported.count("hidden: true") == 2 and "Curated for a repository not in the cache" in exported


def test_db_history_lists_the_migrations_without_a_database(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`db history` lists every revision down to the baseline, and needs no database."""
    code, out, err = _run(capsys, "db", "history")
    assert (code, err) == (0, "")
    assert out.splitlines()[-1].startswith(f"<base> -> {BASELINE}") and "Baseline" in out
    assert not (tmp_path / "cli.db").exists()


def test_db_current_names_a_newer_revision(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`db current` reads a newer database without refusing it, and says what to do."""
    assert _run(capsys, "db", "upgrade")[0] == 0
    _set_revision(database, "9999")
    assert _run(capsys, "db", "current") == (
        0,
        f"9999 (newer than this repofolio, whose head is {HEAD}: upgrade repofolio)\n",
        "",
    )


NEWER = (
    "repofolio: cannot use the database at {database}: the database is at revision 9999, "
    "newer than this repofolio (head {head}): upgrade repofolio\n"
)


@pytest.mark.parametrize("command", [["sync"], ["showcase", "export"], ["db", "upgrade"]])
def test_every_command_stops_on_a_database_newer_than_the_code_with_one_line(
    database: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    """Each command that opens the database exits 1 with one line naming both revisions, and does nothing."""
    assert _run(capsys, "db", "upgrade")[0] == 0
    _set_revision(database, "9999")
    monkeypatch.setenv("REPOFOLIO_GITHUB_OWNERS", "octocat")
    monkeypatch.setenv("REPOFOLIO_GITHUB_API_URL", "http://127.0.0.1:9")
    assert _run(capsys, *command) == (1, "", NEWER.format(database=database, head=HEAD))


def test_serve_stops_on_a_database_newer_than_the_code_with_one_line(database: str, tmp_path: Path) -> None:
    """`repofolio serve` exits 1 with the same line before it listens (a process, so a server that did start
    would end at the timeout instead of hanging the suite)."""
    main(["db", "upgrade"])
    _set_revision(database, "9999")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    env["REPOFOLIO_DATABASE_URL"] = database
    command = [sys.executable, "-m", "graph.cli", "serve", "--port", "9"]
    result = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stderr) == (1, NEWER.format(database=database, head=HEAD))


def _app_settings(url: str) -> Settings:
    return Settings(api=ApiSettings(), database=DatabaseSettings(database_url=url), sync=SyncSettings())


async def test_the_app_starts_on_a_195a580_database_and_serves_its_data(tmp_path: Path) -> None:
    """The lifespan upgrades a database made before migrations and serves it: hidden repositories stay hidden."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'app.db'}"
    await make_195a580_database(url)
    query = "{ repositories(first: 10) { totalCount nodes { nameWithOwner } } syncStatus { dataVersion } }"
    async with running_app(_app_settings(url)) as client:
        response = await client.post("/graphql", json={"query": query})
    assert response.json() == {
        "data": {
            "repositories": {
                "totalCount": 2,
                "nodes": [{"nameWithOwner": "Octo/alpha"}, {"nameWithOwner": "Octo/gamma"}],
            },
            "syncStatus": {"dataVersion": "7"},
        }
    }


async def test_the_app_does_not_start_on_a_database_newer_than_the_code(tmp_path: Path) -> None:
    """The lifespan refuses a database at a revision it does not have, with the one-line reason."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'app.db'}"
    async with running_app(_app_settings(url)):
        pass
    _set_revision(url, "9999")
    with pytest.raises(DatabaseUnavailable, match=r"^cannot use the database at .*: the database is at revision 9999"):
        async with running_app(_app_settings(url)):
            pass
