"""Start-up reads the REPOFOLIO_* environment: bad values are one line naming the variable, typos a warning,
and every setting is in the README's table."""

import re
from pathlib import Path

import pytest

from graph.cli import main
from graph.environment import SETTINGS_CLASSES, known_variables, unknown_settings, variables

README = Path(__file__).resolve().parents[2] / "README.md"


def start(capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    """Run a command that loads every setting and opens the database, as `serve` does; (exit code, stderr)."""
    code = main(["showcase", "export"])
    return code, capsys.readouterr().err.splitlines()


@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        ("REPOFOLIO_PORT", "eighty", "Input should be a valid integer, unable to parse string as an integer"),
        ("REPOFOLIO_HOST", "local host", "'local host' is not a host name or an IP address"),
        ("REPOFOLIO_DEMO", "maybe", "Input should be a valid boolean, unable to interpret input"),
        ("REPOFOLIO_VIEWER", "not a login", "'not a login' is not a GitHub login"),
        ("REPOFOLIO_MAX_DEPTH", "0", "Input should be greater than or equal to 1"),
        ("REPOFOLIO_MAX_BODY_BYTES", "10", "Input should be greater than or equal to 1000"),
        ("REPOFOLIO_CORS_ORIGINS", "https://ok.example, https://a.example/path", "'https://a.example/path' is not"),
        ("REPOFOLIO_DATABASE_URL", "nonsense", "not an SQLAlchemy URL like sqlite+aiosqlite:///./repofolio.db"),
        ("REPOFOLIO_DATABASE_URL", "nope://user:s3cret@db/x", "unknown database kind 'nope'"),
        # SQLAlchemy's default PostgreSQL driver, named in the line: psycopg2 before 2.1, psycopg from 2.1.
        ("REPOFOLIO_DATABASE_URL", "postgresql://user:s3cret@db/x", "postgresql+psycopg"),
        ("REPOFOLIO_DATABASE_ECHO", "loud", "Input should be a valid boolean, unable to interpret input"),
        ("REPOFOLIO_GITHUB_API_URL", "http://[::1", "must be an http(s) URL like https://api.github.com"),
        ("REPOFOLIO_GITHUB_API_URL", "https://api.github.com:99999", "must be an http(s) URL"),
        ("REPOFOLIO_GITHUB_OWNERS", "octocat,not_a_login", "'not_a_login' is not a GitHub login"),
        ("REPOFOLIO_SYNC_CRON", "every night", "not a crontab expression (expected 5 fields, got 2)"),
        ("REPOFOLIO_SYNC_TIMEZONE", "Mars/Olympus", "unknown time zone 'Mars/Olympus'"),
        ("REPOFOLIO_STARTUP_SYNC_MAX_AGE", "soon", "Input should be a valid timedelta"),
        ("REPOFOLIO_CONCURRENCY", "99", "Input should be less than or equal to 16"),
    ],
)
def test_an_invalid_value_stops_start_up_with_one_line_naming_the_variable(
    variable: str, value: str, reason: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(variable, value)
    code, err = start(capsys)
    assert code == 1
    assert len(err) == 1 and err[0].startswith(f"repofolio: invalid {variable}: {reason}"), err
    assert "s3cret" not in err[0]


def test_several_invalid_values_of_one_kind_share_the_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REPOFOLIO_PORT", "eighty")
    monkeypatch.setenv("REPOFOLIO_MAX_DEPTH", "0")
    assert start(capsys) == (
        1,
        [
            "repofolio: invalid REPOFOLIO_PORT: Input should be a valid integer, unable to parse string as an "
            "integer; invalid REPOFOLIO_MAX_DEPTH: Input should be greater than or equal to 1"
        ],
    )


@pytest.mark.parametrize(
    ("name", "warning"),
    [
        ("REPOFOLIO_GITHUB_OWNER", "unknown setting REPOFOLIO_GITHUB_OWNER (did you mean REPOFOLIO_GITHUB_OWNERS?)"),
        ("repofolio_prot", "unknown setting repofolio_prot (did you mean REPOFOLIO_PORT?)"),
        ("REPOFOLIO_ADMINTOKEN", "unknown setting REPOFOLIO_ADMINTOKEN (did you mean REPOFOLIO_ADMIN_TOKEN?)"),
        ("REPOFOLIO_WHATEVER", "unknown setting REPOFOLIO_WHATEVER"),
    ],
)
def test_an_unknown_variable_is_a_warning_naming_it(
    name: str, warning: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A misspelt setting is not silently ignored; start-up still goes on."""
    monkeypatch.setenv(name, "1")
    assert start(capsys) == (0, [f"repofolio: warning: {warning}"])


def test_an_unknown_variable_in_dotenv_is_a_warning_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".env").write_text("REPOFOLIO_MAX_DEPTH=10\nREPOFOLIO_MAX_DEPT=3\nOTHER=1\n")
    assert start(capsys) == (
        0,
        ["repofolio: warning: unknown setting REPOFOLIO_MAX_DEPT in .env (did you mean REPOFOLIO_MAX_DEPTH?)"],
    )


def test_known_variables_in_any_case_and_other_programs_ones_raise_no_warning() -> None:
    environ = {name: "" for name in known_variables()}
    environ.update(REPOFOLIO_TEST_POSTGRES_URL="x", repofolio_port="1", PORT="1", GITHUB_TOKEN="")
    assert list(unknown_settings(environ)) == []


def readme_settings() -> set[str]:
    """The variables the README's settings table names (`_MAX_ALIASES` is short for REPOFOLIO_MAX_ALIASES)."""
    text = README.read_text()
    table = re.search(r"\n\| variable \| default \| meaning \|\n\|[-|]+\|\n((?:\|.*\|\n)+)", text)
    assert table, "the README has no settings table"
    names: set[str] = set()
    for row in table[1].splitlines():
        first_cell = row.split("|")[1]
        for name in re.findall(r"`([A-Z_]+)`", first_cell):
            names.add(f"REPOFOLIO{name}" if name.startswith("_") else name)
    return names


def test_every_setting_is_in_the_readme_table_and_nothing_else_is() -> None:
    documented = readme_settings()
    fields = {name for cls in SETTINGS_CLASSES for names in variables(cls).values() for name in names}
    assert sorted(fields - documented) == [], "settings missing from the README's settings table"
    assert sorted(documented - fields) == [], "the README's settings table names variables nothing reads"
