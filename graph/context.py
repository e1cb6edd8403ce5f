from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.fastapi import BaseContext

from graph.auth import AdminAccess
from graph.loaders import Loaders, create_loaders
from graph.settings import ApiSettings


@dataclass
class Services:
    """What the app's lifespan built, shared by every request."""

    sessionmaker: async_sessionmaker[AsyncSession]
    settings: ApiSettings
    owners: list[str] = field(default_factory=list)  # the configured GitHub owners, in order
    runner: Any = None  # sync.runner.SyncRunner when syncing is on in this process
    scheduler: Any = None


class Context(BaseContext):
    def __init__(self, services: Services, *, access: AdminAccess = AdminAccess.DISABLED) -> None:
        super().__init__()
        self.services = services
        self.access = access
        # Only the admin sees hidden repositories; everyone else gets the public view.
        self.include_hidden = access is AdminAccess.ADMIN
        self.loaders: Loaders = create_loaders(services.sessionmaker, include_hidden=self.include_hidden)
