"""The per-request context: the services the lifespan built, admin access, DataLoaders and the read snapshot."""

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

from graphql import OperationType
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.fastapi import BaseContext

from db.data_version import DataVersionReader
from db.snapshot import ReadSnapshot
from graph.read.loaders import Loaders, create_loaders
from graph.schema.auth import AdminAccess
from graph.schema.images import ImageLinks
from graph.settings import ApiSettings
from sync.images.fetch import ImageFetcher


@dataclass
class Services:
    """What the app's lifespan built, shared by every request."""

    sessionmaker: async_sessionmaker[AsyncSession]  # sessions that may write
    reads: async_sessionmaker[AsyncSession]  # sessions that answer queries (db.engine.create_read_engine)
    settings: ApiSettings
    owners: list[str] = field(default_factory=list)  # the configured GitHub owners, in order
    runner: Any = None  # sync.runner.SyncRunner when syncing is on in this process
    scheduler: Any = None
    data_version: DataVersionReader | None = None  # else read through a session
    image_fetcher: ImageFetcher | None = None  # REPOFOLIO_IMAGE_PROXY on: /images fetches with it


class Context(BaseContext):
    def __init__(
        self, services: Services, *, access: AdminAccess = AdminAccess.DISABLED, images: ImageLinks | None = None
    ) -> None:
        super().__init__()
        self.services = services
        self.access = access
        self.images = images  # how this request spells image URLs on our origin; None: GitHub's URLs as they are
        # Only the admin sees hidden repositories; everyone else gets the public view.
        self.include_hidden = access is AdminAccess.ADMIN
        self._loaders: Loaders | None = None
        self._snapshot: ReadSnapshot | None = None
        # Graph objects built in this request, by (type, id): the pages that repeat them share one.
        self.nodes: dict[Any, Any] = {}

    def begin(self, operation: OperationType) -> None:
        """An execution of `operation` starts (graph.schema.query.SnapshotExecutionContext). A query reads one
        committed state: every statement of its answer goes through one read snapshot, opened at the first.
        A mutation's reads each see the latest commit, its own writes included."""
        self._snapshot = ReadSnapshot(self.services.reads) if operation is OperationType.QUERY else None

    def reads(self) -> AbstractAsyncContextManager[AsyncSession]:
        """A session for one read of this request (a DataLoader batch, a resolver's statement)."""
        if self._snapshot is not None:
            return self._snapshot.session()
        return self.services.reads()

    async def release(self) -> None:
        """Once the answer is built (or given up): end the read snapshot, giving its connection back, and
        drop what this request loaded. Strawberry's DataLoaders hold reference cycles, so their caches would
        otherwise keep every row of the request alive until the cycle collector runs (the CHANGELOG has the
        figures)."""
        snapshot, self._snapshot = self._snapshot, None
        if self._loaders is not None:
            self._loaders.clear()
            self._loaders = None
        self.nodes.clear()
        if snapshot is not None:
            await snapshot.close()

    @property
    def loaders(self) -> Loaders:
        # Built on first use: a request answered from the response cache never needs them.
        if self._loaders is None:
            self._loaders = create_loaders(self.reads, include_hidden=self.include_hidden)
        return self._loaders
