"""GitHub and sync settings: where to fetch from, whom to fetch, and when."""

import ipaddress
import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from sync.crontab import crontab_trigger
from sync.origin import origin_of

# Where GitHub serves avatars, generated social cards and uploaded repository images (social previews).
GITHUB_IMAGE_HOSTS = (
    "avatars.githubusercontent.com",
    "opengraph.githubassets.com",
    "repository-images.githubusercontent.com",
    "user-images.githubusercontent.com",
)

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}

_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")  # one part of a DNS name

TOKEN_RULE = "must be printable ASCII without spaces or line breaks"
CRON_PROBE_START = datetime(2000, 1, 1, tzinfo=UTC)

# GitHub logins: alphanumerics and single hyphens, at most 39 characters.
_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")


class SyncSettings(BaseSettings):
    """Read from `REPOFOLIO_*` (and `GITHUB_TOKEN`); keyword arguments override the environment."""

    # hide_input_in_errors: a ValidationError shown anywhere (a traceback too) never quotes a value.
    model_config = SettingsConfigDict(
        env_prefix="REPOFOLIO_", env_file=".env", extra="ignore", hide_input_in_errors=True
    )

    github_api_url: str = "https://api.github.com"
    # The field name is listed too, so `SyncSettings(github_token=...)` works in code and tests.
    github_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("REPOFOLIO_GITHUB_TOKEN", "GITHUB_TOKEN", "github_token"),
    )
    github_owners: Annotated[list[str], NoDecode] = Field(default_factory=list)
    concurrency: int = Field(default=4, ge=1, le=16)
    request_timeout: float = Field(default=15.0, gt=0, allow_inf_nan=False)  # seconds
    max_retries: int = Field(default=3, ge=0, le=10)
    retry_backoff: float = Field(default=1.0, ge=0, allow_inf_nan=False)  # seconds; doubles on each retry
    max_retry_wait: float = Field(default=120.0, ge=0, allow_inf_nan=False)  # longest Retry-After sat out, s
    rate_limit_reserve: int = Field(default=0, ge=0)  # requests left untouched for other clients
    scheduler: bool = True
    sync_cron: str | None = None  # crontab; None = nightly at a minute derived from the owners
    sync_timezone: str = "UTC"
    startup_sync_max_age: timedelta = timedelta(hours=24)
    misfire_grace: timedelta = timedelta(hours=1)
    run_timeout: timedelta = timedelta(hours=1)
    # Avatars and social cards served from repofolio's own origin (/images), fetched from these hosts only.
    # Here rather than with the API's settings: the sync revalidates the copies (sync/images/revalidate.py).
    image_proxy: bool = False
    image_hosts: Annotated[list[str], NoDecode] = Field(default_factory=lambda: list(GITHUB_IMAGE_HOSTS))

    @field_validator("github_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        value = value.strip()
        try:
            url = httpx.URL(value)
        except httpx.InvalidURL:
            url = None
        if (
            url is None
            or url.scheme not in ("http", "https")
            or not is_host(url.raw_host.decode("ascii"))
            or not 0 < (url.port or 80) < 65536
            or url.query
            or url.fragment
            or re.search(r"\s", value)
        ):
            raise ValueError("must be an http(s) URL like https://api.github.com (a path is allowed, no query)")
        return value.rstrip("/")

    @field_validator("github_token", mode="before")
    @classmethod
    def _empty_token_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("github_token")
    @classmethod
    def _token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not is_token(value.get_secret_value()):
            raise ValueError(TOKEN_RULE)
        return value

    @field_validator("github_owners", mode="before")
    @classmethod
    def _owners(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, list | tuple):
            return value
        owners: list[str] = []
        for item in value:
            login = str(item).strip()
            if not login:
                continue
            if not is_github_login(login):
                raise ValueError(f"{login!r} is not a GitHub login")
            if login.lower() not in {o.lower() for o in owners}:
                owners.append(login)
        return owners

    @field_validator("image_hosts", mode="before")
    @classmethod
    def _split_image_hosts(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [entry.strip() for entry in value.split(",") if entry.strip()]
        return value

    @field_validator("image_hosts")
    @classmethod
    def _image_hosts(cls, value: list[str]) -> list[str]:
        return [image_origin(entry) for entry in value]

    @field_validator("sync_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("sync_cron")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        try:
            trigger = crontab_trigger(value, "UTC")
        except ValueError as exc:
            raise ValueError(f"not a crontab expression ({exc})") from exc
        # A crontab has no year: one that matches no date from 2000 on (a 31st of February) never fires.
        if trigger.get_next_fire_time(None, CRON_PROBE_START) is None:
            raise ValueError(f"{value.strip()!r} never fires: no date matches it")
        return value.strip()

    @field_validator("startup_sync_max_age", "misfire_grace", "run_timeout", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        # "3600", "90m", "24h", "2d" besides pydantic's ISO 8601 ("PT24H"); a bare number is seconds.
        if isinstance(value, str) and (match := _DURATION.match(value.lower())):
            try:
                return timedelta(seconds=float(match[1]) * _UNIT_SECONDS[match[2]])
            except OverflowError:
                raise ValueError("too long a duration") from None
        return value

    @field_validator("misfire_grace", "run_timeout")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value <= timedelta(0):
            raise ValueError("must be longer than 0 (e.g. 90s, 30m, 1h)")
        return value

    @field_validator("startup_sync_max_age")
    @classmethod
    def _not_negative(cls, value: timedelta) -> timedelta:
        if value < timedelta(0):
            raise ValueError("must not be negative (0 syncs at every start-up)")
        return value

    @property
    def token(self) -> str | None:
        return self.github_token.get_secret_value() if self.github_token else None


def image_origin(entry: str) -> str:
    """An image allowlist entry as an origin: a bare host name means https; a full origin keeps its scheme
    and port (a loopback image server in tests, `http://127.0.0.1:8080`)."""
    url = entry if "://" in entry else f"https://{entry}"
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        parsed = None
    if (
        parsed is None
        or parsed.scheme not in ("http", "https")
        or not parsed.host
        or not is_host(parsed.host)
        or parsed.path not in ("", "/")
        or parsed.query
        or parsed.userinfo
    ):
        raise ValueError(
            f"{entry[:80]!r} is not a host like avatars.githubusercontent.com or an origin like http://127.0.0.1:8080"
        )
    return str(origin_of(parsed))


def is_token(value: str) -> bool:
    """Printable ASCII without spaces, as GitHub tokens are and an HTTP header needs (else a non-ASCII one
    fails deep in the HTTP client, and one with a line break is retried as a network failure)."""
    return bool(value) and all("!" <= char <= "~" for char in value)


def is_github_login(value: str) -> bool:
    return bool(_LOGIN.match(value))


def is_host(value: str) -> bool:
    """A DNS name (ASCII, as IDNA encodes it) or an IP address (IPv6 without brackets)."""
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        pass
    labels = value.removesuffix(".").split(".")
    return 0 < len(value) <= 253 and all(_LABEL.match(label) for label in labels)
