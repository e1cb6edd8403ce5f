"""Start-up reads the REPOFOLIO_* environment: a bad value is one line naming the variable."""

import pytest

from graph.cli import main


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
        ("REPOFOLIO_DATABASE_URL", "postgresql://user:s3cret@db/x", "postgresql+psycopg is not an async driver"),
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
