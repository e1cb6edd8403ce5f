"""The API's settings (REPOFOLIO_*): listening, limits, caching, admin token and CORS."""

import re
from ipaddress import IPv4Network, IPv6Network, ip_network
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from sync.settings import TOKEN_RULE, is_github_login, is_host, is_token


class ApiSettings(BaseSettings):
    """How the GraphQL API is served. Every field reads `REPOFOLIO_<NAME>`."""

    model_config = SettingsConfigDict(
        env_prefix="REPOFOLIO_", env_file=".env", extra="ignore", hide_input_in_errors=True
    )

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    demo: bool = False  # serve the built-in demo data set and never sync
    viewer: str | None = None  # login of the site owner; else the first configured owner that is a user
    admin_token: SecretStr | None = None
    graphiql: bool = True
    introspection: bool = True
    cors_origins: Annotated[list[str], NoDecode] = []
    # Checked after cors_origins (fields validate in this order): credentials are refused with `*`.
    cors_allow_credentials: bool = False
    cors_allow_headers: Annotated[list[str], NoDecode] = []  # request headers allowed beyond the defaults
    max_depth: int = Field(default=15, ge=1)
    max_tokens: int = Field(default=5_000, ge=1)
    max_aliases: int = Field(default=30, ge=1)
    max_nodes: int = Field(default=500_000, ge=1)  # GitHub's node limit, computed as GitHub does
    max_body_bytes: int = Field(default=100_000, ge=1_000)
    response_cache: bool = True
    response_cache_entries: int = Field(default=1_000, ge=1)
    cache_max_age: int = Field(default=60, ge=0)  # seconds, for Cache-Control
    # GraphQL executions at once in this process; unset = 1 on SQLite (its work happens in this process, so
    # interleaving requests overlaps nothing), 8 on a database across the network (whose waits do overlap).
    max_concurrent_executions: int | None = Field(default=None, ge=1)
    # Seconds one GraphQL execution may run once it holds its slot; past it, a GraphQL error and the slot is freed.
    execution_timeout: float = Field(default=10.0, gt=0, allow_inf_nan=False)
    # What a reverse proxy would otherwise bound (seconds, bytes, counts); see the README's settings table.
    # an idle connection, before its first request too
    keep_alive_timeout: float = Field(default=5.0, gt=0, allow_inf_nan=False)
    # from a request's first byte to its last header
    request_head_timeout: float = Field(default=10.0, gt=0, allow_inf_nan=False)
    # for the whole body, once the head is in
    request_body_timeout: float = Field(default=30.0, gt=0, allow_inf_nan=False)
    max_header_bytes: int = Field(default=32_768, ge=1_024)  # header names and values together
    max_headers: int = Field(default=100, ge=10)
    # Open connections; a new one past it closes the longest-idle one (graph/http/connections.py). GraphQL work is
    # bounded by the execution slots well below it, and idle connections close after keep_alive_timeout.
    max_connections: int = Field(default=1_000, ge=10)
    # The planned execution path (graph/engine/): off, every field goes through Strawberry and graphql-core
    # one by one, slower and with the same answers.
    planned_execution: bool = True
    # Our log lines and uvicorn's at this level and above (graph/cli/logs.py).
    log_level: Literal["critical", "error", "warning", "info", "debug"] = "info"
    # Nesting of the variables' lists and objects (deeper is refused with 400 before anything recurses).
    max_variables_depth: int = Field(default=32, ge=1, le=200)
    # The origin (and path, if repofolio is served below one) that /images URLs are built on; unset, each
    # request's scheme and Host, or X-Forwarded-Proto/-Host when the peer is one of trusted_proxies.
    public_url: str | None = None
    trusted_proxies: Annotated[list[IPv4Network | IPv6Network], NoDecode] = []

    @field_validator("log_level", mode="before")
    @classmethod
    def _lower_level(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        return [cors_origin(entry) for entry in value]

    @field_validator("cors_allow_credentials")
    @classmethod
    def _credentials(cls, value: bool, info: ValidationInfo) -> bool:
        if value and "*" in info.data.get("cors_origins", []):
            raise ValueError(
                "credentials cannot be allowed for any origin ('*' in REPOFOLIO_CORS_ORIGINS): list the origins"
            )
        return value

    @field_validator("cors_allow_headers", mode="before")
    @classmethod
    def _split_headers(cls, value: object) -> object:
        if isinstance(value, str):
            return [name.strip() for name in value.split(",") if name.strip()]
        return value

    @field_validator("cors_allow_headers")
    @classmethod
    def _headers(cls, value: list[str]) -> list[str]:
        names: list[str] = []
        for name in value:
            if not HEADER_NAME.fullmatch(name) or name == "*":
                raise ValueError(f"{name[:40]!r} is not a header name like X-Request-Id (comma-separated, no '*')")
            if name.lower() not in names:
                names.append(name.lower())
        return names

    @field_validator("public_url", mode="before")
    @classmethod
    def _public_url(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip().removesuffix("/") or None
            if value is not None:
                parts = urlsplit(value)
                if (
                    parts.scheme not in ("http", "https")
                    or not parts.hostname
                    or parts.query
                    or parts.fragment
                    or "@" in parts.netloc
                ):
                    raise ValueError(
                        f"{value[:80]!r} is not a URL like https://site.example (an optional path, no query)"
                    )
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxies(cls, value: object) -> object:
        if isinstance(value, str):
            entries = [entry.strip() for entry in value.split(",") if entry.strip()]
            try:
                return [ip_network(entry, strict=False) for entry in entries]
            except ValueError as exc:
                raise ValueError(f"{exc} (comma-separated addresses or networks like 10.0.0.0/8)") from None
        return value

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        value = value.strip()
        if not is_host(value):
            raise ValueError(f"{value!r} is not a host name or an IP address")
        return value

    @field_validator("admin_token", mode="before")
    @classmethod
    def _admin_token(cls, value: object) -> object:
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        if isinstance(value, str):
            if not value.strip():
                raise ValueError("is empty: unset it to turn the admin mutations off, or set a token")
            if not is_token(value):
                raise ValueError(TOKEN_RULE)
        return value

    @field_validator("viewer", mode="before")
    @classmethod
    def _viewer(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip() or None  # set but empty: unset, as for the tokens
            if value is not None and not is_github_login(value):
                raise ValueError(f"{value!r} is not a GitHub login")
        return value


# An HTTP field name (RFC 9110's token).
HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def cors_origin(entry: str) -> str:
    """An allowlist entry as browsers send Origin: lower-case scheme and host, no trailing slash."""
    if entry == "*":
        return entry
    origin = entry.removesuffix("/").lower()
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query or "*" in origin:
        raise ValueError(
            f"{entry!r} is not an origin like https://example.com "
            "(scheme and host, an optional port, no path, no wildcard inside)"
        )
    return origin
