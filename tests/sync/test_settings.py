from datetime import timedelta

import pytest
from pydantic import ValidationError

from sync.settings import SyncSettings


def test_defaults_need_no_environment() -> None:
    settings = SyncSettings()
    assert settings.github_api_url == "https://api.github.com"
    assert settings.github_token is None and settings.github_owners == []
    assert settings.concurrency == 4 and settings.scheduler is True and settings.sync_cron is None
    assert settings.sync_timezone == "UTC" and settings.startup_sync_max_age == timedelta(hours=24)


def test_owners_are_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPOFOLIO_GITHUB_OWNERS", " octocat, acme ,,Octocat")
    assert SyncSettings().github_owners == ["octocat", "acme"]


def test_token_falls_back_to_github_token_and_is_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "from-actions")
    assert SyncSettings().token == "from-actions"
    monkeypatch.setenv("REPOFOLIO_GITHUB_TOKEN", "from-repofolio")
    settings = SyncSettings()
    assert settings.token == "from-repofolio"
    assert "from-repofolio" not in repr(settings) and "from-repofolio" not in str(settings.model_dump())
    assert SyncSettings(github_token="keyword").token == "keyword"


def test_switches_and_durations_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPOFOLIO_SCHEDULER", "off")
    monkeypatch.setenv("REPOFOLIO_STARTUP_SYNC_MAX_AGE", "6h")
    monkeypatch.setenv("REPOFOLIO_MISFIRE_GRACE", "900")
    monkeypatch.setenv("REPOFOLIO_SYNC_CRON", "15 3 * * *")
    settings = SyncSettings()
    assert settings.scheduler is False and settings.sync_cron == "15 3 * * *"
    assert settings.startup_sync_max_age == timedelta(hours=6) and settings.misfire_grace == timedelta(minutes=15)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("REPOFOLIO_GITHUB_OWNERS", "octo cat"),
        ("REPOFOLIO_GITHUB_API_URL", "api.github.com"),
        ("REPOFOLIO_SYNC_CRON", "61 * * * *"),
        ("REPOFOLIO_SYNC_TIMEZONE", "Mars/Olympus"),
        ("REPOFOLIO_CONCURRENCY", "0"),
        ("REPOFOLIO_SCHEDULER", "maybe"),
    ],
)
def test_bad_values_fail_naming_the_setting(monkeypatch: pytest.MonkeyPatch, variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError) as caught:
        SyncSettings()
    [error] = caught.value.errors()
    assert error["loc"] == (variable.removeprefix("REPOFOLIO_").lower(),)
