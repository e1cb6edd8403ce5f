"""Start-up reads the REPOFOLIO_* environment: bad values are one line naming the variable, typos a warning,
and every setting is in the README's table."""

import os
import re
import socket
from pathlib import Path

import pytest
from pydantic import ValidationError

from graph.app import Settings
from graph.cli.main import main
from graph.environment import SETTINGS_CLASSES, known_variables, unknown_settings, variables
from tests.sync.processes import Command

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
        ("REPOFOLIO_CORS_ALLOW_CREDENTIALS", "cookies", "Input should be a valid boolean, unable to interpret input"),
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
        # Values of the right type that mean nothing usable:
        ("REPOFOLIO_GITHUB_TOKEN", "ghp_with space", "must be printable ASCII without spaces or line breaks"),
        ("REPOFOLIO_GITHUB_TOKEN", "ghp_line\nbreak", "must be printable ASCII without spaces or line breaks"),
        ("GITHUB_TOKEN", "tökén", "must be printable ASCII without spaces or line breaks"),
        ("REPOFOLIO_ADMIN_TOKEN", "  ", "is empty: unset it to turn the admin mutations off, or set a token"),
        ("REPOFOLIO_ADMIN_TOKEN", "pässwort", "must be printable ASCII without spaces or line breaks"),
        ("REPOFOLIO_REQUEST_TIMEOUT", "inf", "Input should be a finite number"),
        ("REPOFOLIO_REQUEST_TIMEOUT", "nan", "Input should be a finite number"),
        ("REPOFOLIO_REQUEST_TIMEOUT", "0", "Input should be greater than 0"),
        ("REPOFOLIO_RETRY_BACKOFF", "inf", "Input should be a finite number"),
        ("REPOFOLIO_MAX_RETRY_WAIT", "infinity", "Input should be a finite number"),
        ("REPOFOLIO_EXECUTION_TIMEOUT", "inf", "Input should be a finite number"),
        ("REPOFOLIO_RUN_TIMEOUT", "0", "must be longer than 0 (e.g. 90s, 30m, 1h)"),
        ("REPOFOLIO_RUN_TIMEOUT", "-PT1H", "must be longer than 0"),
        ("REPOFOLIO_RUN_TIMEOUT", "99999999999999d", "too long a duration"),
        ("REPOFOLIO_MISFIRE_GRACE", "0s", "must be longer than 0"),
        ("REPOFOLIO_STARTUP_SYNC_MAX_AGE", "-PT1M", "must not be negative (0 syncs at every start-up)"),
        ("REPOFOLIO_SYNC_CRON", "0 0 31 2 *", "'0 0 31 2 *' never fires: no date matches it"),
        ("REPOFOLIO_SYNC_CRON", "0 0 30 2 *", "'0 0 30 2 *' never fires"),
        ("REPOFOLIO_IMAGE_PROXY", "sometimes", "Input should be a valid boolean, unable to interpret input"),
        ("REPOFOLIO_IMAGE_HOSTS", "avatars.githubusercontent.com, ftp://files.example", "'ftp://files.example' is not"),
        ("REPOFOLIO_IMAGE_HOSTS", "https://images.example/path", "'https://images.example/path' is not a host"),
        ("REPOFOLIO_PUBLIC_URL", "site.example", "'site.example' is not a URL like https://site.example"),
        ("REPOFOLIO_PUBLIC_URL", "https://site.example/?a=1", "'https://site.example/?a=1' is not a URL"),
        ("REPOFOLIO_TRUSTED_PROXIES", "10.0.0.1, 10.0.0.300", "'10.0.0.300' does not appear to be an IPv4 or IPv6"),
    ],
)
def test_an_invalid_value_stops_start_up_with_one_line_naming_the_variable(
    variable: str, value: str, reason: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(variable, value)
    code, err = start(capsys)
    assert code == 1
    named = "REPOFOLIO_GITHUB_TOKEN or GITHUB_TOKEN" if variable.endswith("GITHUB_TOKEN") else variable
    assert len(err) == 1 and err[0].startswith(f"repofolio: invalid {named}: {reason}"), err
    assert "s3cret" not in err[0]


TOKEN_LIKE = {
    "ghp": "ghp_" + "a1B2" * 9,
    "gho": "gho_" + "Z9y8" * 9,
    "github_pat": "github_pat_11ABCDEFG0_" + "x" * 59,
    "hex40": "0123456789abcdef" * 2 + "01234567",  # GitHub's classic format
}
WRONG_PLACES = [
    "REPOFOLIO_VIEWER",
    "REPOFOLIO_HOST",
    "REPOFOLIO_GITHUB_OWNERS",
    "REPOFOLIO_SYNC_TIMEZONE",
    "REPOFOLIO_CORS_ORIGINS",
    "REPOFOLIO_SYNC_CRON",
    "REPOFOLIO_PORT",
    "REPOFOLIO_DATABASE_URL",
]


@pytest.mark.parametrize(
    ("variable", "token"),
    [
        pytest.param(variable, token, id=f"{kind}-{variable}")
        for kind, token in TOKEN_LIKE.items()
        for variable in WRONG_PLACES
        if (kind, variable) != ("hex40", "REPOFOLIO_HOST")  # forty hex digits are a valid host name
    ],
)
def test_a_token_pasted_into_the_wrong_variable_is_never_echoed(
    variable: str, token: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The variable is named, the value is not (our validators quote what they refuse)."""
    monkeypatch.setenv(variable, token)
    code, err = start(capsys)
    assert code == 1 and len(err) == 1 and err[0].startswith(f"repofolio: invalid {variable}: "), err
    assert token not in err[0] and token[4:20] not in err[0], err


@pytest.mark.parametrize(
    ("variable", "value"),
    [("REPOFOLIO_GITHUB_TOKEN", "ghp_s3cret with a space"), ("REPOFOLIO_ADMIN_TOKEN", "s3cret\tadmin")],
)
def test_a_refused_secret_is_never_echoed_even_in_a_traceback(
    variable: str, value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The one line leaves it out, and so does the ValidationError itself (pydantic quotes each input in
    str(error), which a traceback from `create_app()` under --reload would print)."""
    monkeypatch.setenv(variable, value)
    code, err = start(capsys)
    assert code == 1 and "s3cret" not in "\n".join(err), err
    with pytest.raises(ValidationError) as caught:
        Settings.load()
    assert "s3cret" not in str(caught.value) and "must be printable ASCII" in str(caught.value)


@pytest.mark.parametrize(
    ("args", "settings", "line"),
    [
        (
            ["serve"],
            {"REPOFOLIO_PORT": "{busy}"},
            "cannot listen on REPOFOLIO_PORT={busy}: 127.0.0.1:{busy} is already in use",
        ),
        (["serve", "--port", "{busy}"], {}, "cannot listen on --port={busy}: 127.0.0.1:{busy} is already in use"),
        (
            ["serve"],
            {"REPOFOLIO_HOST": "192.0.2.1"},
            "cannot listen on REPOFOLIO_HOST=192.0.2.1: not an address of this machine",
        ),
        (
            ["serve", "--host", "no such host"],
            {},
            "cannot listen on --host=no such host: the name does not resolve (Name or service not known)",
        ),
        (["serve", "--port", "99999"], {}, "cannot listen on --port=99999: a port is 0 to 65535"),
    ],
)
def test_serve_names_the_setting_when_it_cannot_listen(
    args: list[str], settings: dict[str, str], line: str, tmp_path: Path
) -> None:
    """A port in use or a host not of this machine is one line naming REPOFOLIO_PORT / REPOFOLIO_HOST (or the
    flag), before the app starts (uvicorn said it in its own words, after the app's start-up had run). In a
    process of its own, which a failure to refuse would leave serving."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        env = {k: v for k, v in os.environ.items() if not k.startswith("REPOFOLIO_")}
        env.update({name: value.format(busy=port) for name, value in settings.items()})
        serve = Command([arg.format(busy=port) for arg in args], env, tmp_path)
        try:
            code = serve.finish()
        finally:
            serve.stop()
    assert code == 1
    assert serve.lines == ["repofolio: " + line.format(busy=port)]


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
    environ.update(
        REPOFOLIO_TEST_POSTGRES_URL="x", REPOFOLIO_TEST_ENGINES="planned", repofolio_port="1", PORT="1", GITHUB_TOKEN=""
    )
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
