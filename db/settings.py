from pydantic_settings import BaseSettings, SettingsConfigDict


class DatabaseSettings(BaseSettings):
    """Where the cache lives. `REPOFOLIO_DATABASE_URL` takes any async SQLAlchemy URL."""

    model_config = SettingsConfigDict(env_prefix="REPOFOLIO_", env_file=".env", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./repofolio.db"
    database_echo: bool = False
