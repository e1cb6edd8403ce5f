from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class ApiSettings(BaseSettings):
    """How the GraphQL API is served. Every field reads `REPOFOLIO_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix="REPOFOLIO_", env_file=".env", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    demo: bool = False  # serve the built-in demo data set and never sync
    viewer: str | None = None  # login of the site owner; else the first configured owner that is a user
    admin_token: SecretStr | None = None
    graphiql: bool = True
    introspection: bool = True
    cors_origins: Annotated[list[str], NoDecode] = []
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

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value
