"""The database's settings: where the cache lives (`REPOFOLIO_DATABASE_URL`, checked at start-up)."""

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError


class DatabaseSettings(BaseSettings):
    """Where the cache lives. `REPOFOLIO_DATABASE_URL` takes any async SQLAlchemy URL."""

    model_config = SettingsConfigDict(
        env_prefix="REPOFOLIO_", env_file=".env", extra="ignore", hide_input_in_errors=True
    )

    database_url: str = "sqlite+aiosqlite:///./repofolio.db"
    database_echo: bool = False

    @field_validator("database_url")
    @classmethod
    def _async_url(cls, value: str) -> str:
        # Checked here so a typo is one line at start-up; whether the server answers is learnt on opening it.
        try:
            url = make_url(value)
            dialect = url.get_dialect()
        except NoSuchModuleError:  # an ArgumentError too
            raise ValueError(f"unknown database kind {url.drivername!r}") from None
        except ArgumentError:
            raise ValueError("not an SQLAlchemy URL like sqlite+aiosqlite:///./repofolio.db") from None
        if not dialect.is_async:
            raise ValueError(
                f"{url.get_backend_name()}+{url.get_driver_name()} is not an async driver: "
                "use sqlite+aiosqlite:// or postgresql+asyncpg://"
            )
        return value
