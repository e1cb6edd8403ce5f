"""The FastAPI app: its lifespan owns the engine, the GitHub client, the sync runner and the scheduler."""

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.engine import make_url
from starlette.middleware import Middleware

from db.data_version import DataVersionReader
from db.engine import create_engine, create_read_engine, create_schema, create_sessionmaker
from db.health import IntegrityMonitor
from db.settings import DatabaseSettings
from graph.demo.generator import DEMO_VIEWER
from graph.demo.load import load_demo
from graph.demo.placeholder import DEMO_IMAGE_ORIGIN
from graph.engine import install as install_planned_execution
from graph.errors import masked_errors_extension
from graph.http.cache import PersistedQueries, ResponseCache
from graph.http.hits import CacheHits
from graph.http.images import add_images
from graph.http.middleware import BodySizeLimit, HeadAsGet, HeaderLimit, cors_middleware
from graph.http.origin import request_origin
from graph.http.playground import Playground, add_playground_assets
from graph.http.possible_types import add_possible_types
from graph.http.router import GraphQLRouter
from graph.schema.auth import admin_access
from graph.schema.context import Context, Services
from graph.schema.images import ImageLinks
from graph.schema.limits import query_limit_extensions
from graph.schema.query import create_schema as create_graphql_schema
from graph.settings import ApiSettings
from sync.claim import fail_abandoned_runs
from sync.github.transport import create_http_client
from sync.images.fetch import ImageFetcher, create_image_client
from sync.runner import SyncRunner
from sync.schedule import create_scheduler, startup_sync_needed
from sync.settings import SyncSettings

logger = logging.getLogger(__name__)


@dataclass
class Settings:
    """Everything the app reads from the environment, one class per package."""

    api: ApiSettings = field(default_factory=ApiSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    sync: SyncSettings = field(default_factory=SyncSettings)

    @classmethod
    def load(cls) -> "Settings":
        return cls(api=ApiSettings(), database=DatabaseSettings(), sync=SyncSettings())


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    logger.info("planned execution: %s", "on" if settings.api.planned_execution else "off")
    async with AsyncExitStack() as stack:
        engine = create_engine(settings.database)
        stack.push_async_callback(engine.dispose)
        await create_schema(engine)
        sessionmaker = create_sessionmaker(engine)
        read_engine = create_read_engine(settings.database, engine)
        if read_engine is not engine:
            stack.push_async_callback(read_engine.dispose)
        data_version = DataVersionReader(engine)
        stack.callback(data_version.close)
        services = Services(
            sessionmaker=sessionmaker,
            reads=create_sessionmaker(read_engine),
            settings=settings.api,
            owners=settings.sync.github_owners,
            data_version=data_version,
        )
        if settings.sync.image_proxy:
            image_http = create_image_client()
            stack.push_async_callback(image_http.aclose)
            hosts = [*settings.sync.image_hosts, *([DEMO_IMAGE_ORIGIN] if settings.api.demo else [])]
            services.image_fetcher = ImageFetcher(image_http, hosts)
        if settings.api.demo:
            if await load_demo(sessionmaker):
                logger.info("loaded the demo data set")
            if services.settings.viewer is None:
                services.settings = services.settings.model_copy(update={"viewer": DEMO_VIEWER})
        elif settings.sync.github_owners:
            http = create_http_client(settings.sync)
            stack.push_async_callback(http.aclose)
            await fail_abandoned_runs(sessionmaker)
            services.runner = runner = SyncRunner(sessionmaker, http, settings.sync)
            stack.push_async_callback(runner.aclose)
            if settings.sync.scheduler:
                services.scheduler = scheduler = create_scheduler(runner, settings.sync)
                scheduler.start()
                stack.callback(scheduler.shutdown, wait=False)
                # Asked under the sync lock: of several processes starting at once, one syncs.
                await runner.request_if("STARTUP", lambda: startup_sync_needed(sessionmaker, settings.sync))
        app.state.services = services
        yield


async def _context(request: Request) -> Context:
    services: Services = request.app.state.services
    access = admin_access(request.headers.get("authorization"), services.settings)
    images = None
    if services.image_fetcher is not None:
        origin = request_origin(request.scope, services.settings)
        images = ImageLinks(f"{origin}/images/", services.image_fetcher.allowed)
    return Context(services, access=access, images=images)


def _execution_slots(settings: Settings) -> int:
    if settings.api.max_concurrent_executions is not None:
        return settings.api.max_concurrent_executions
    return 1 if make_url(settings.database.database_url).get_backend_name() == "sqlite" else 8


def _middleware(
    settings: Settings, response_cache: ResponseCache | None, persisted_queries: PersistedQueries
) -> list[Middleware]:
    """The middleware, outermost first."""
    api = settings.api
    cache_hits: list[Middleware] = []
    if response_cache is not None:
        cache_hits.append(
            Middleware(
                CacheHits,
                path="/graphql",
                cache=response_cache,
                persisted_queries=persisted_queries,
                cache_control=f"public, max-age={api.cache_max_age}",
                max_variables_depth=api.max_variables_depth,
            )
        )
    return [
        # CORS labels every answer, refusals included: without its headers a browser reports "Failed to
        # fetch" instead of the error.
        *cors_middleware(api),
        Middleware(HeadAsGet),
        # Too many headers, or an oversized or slow body, are refused before anything else reads them.
        Middleware(HeaderLimit, max_headers=api.max_headers, max_bytes=api.max_header_bytes),
        Middleware(BodySizeLimit, max_bytes=api.max_body_bytes, timeout=api.request_body_timeout),
        # Innermost: behind the limits and CORS, like the router it answers for.
        *cache_hits,
    ]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.load()
    response_cache = ResponseCache(settings.api.response_cache_entries) if settings.api.response_cache else None
    persisted_queries = PersistedQueries(settings.api.response_cache_entries)
    app = FastAPI(
        title="repofolio",
        lifespan=_lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        middleware=_middleware(settings, response_cache, persisted_queries),
    )
    app.state.settings = settings
    schema = create_graphql_schema(
        extensions=[masked_errors_extension(), *query_limit_extensions(settings.api)],
    )
    if settings.api.planned_execution:
        install_planned_execution(schema)
    playground = Playground() if settings.api.graphiql else None
    app.include_router(
        GraphQLRouter(
            schema,
            context_getter=_context,
            playground=playground,
            allow_queries_via_get=True,
            response_cache=response_cache,
            persisted_queries=persisted_queries,
            cache_max_age=settings.api.cache_max_age,
            max_concurrent_executions=_execution_slots(settings),
            execution_timeout=settings.api.execution_timeout,
            max_variables_depth=settings.api.max_variables_depth,
        ),
        prefix="/graphql",
    )
    if playground is not None:
        add_playground_assets(app, playground)
    if settings.api.introspection:  # the map names the schema's types, as introspection would
        add_possible_types(app, schema)

    if settings.sync.image_proxy:
        add_images(app, demo=settings.api.demo)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    integrity = IntegrityMonitor()

    @app.get("/readyz")
    async def readyz(request: Request) -> JSONResponse:
        # The database's integrity check (db/health.py), cached for a few minutes; its reason is one line
        # built by repofolio (a storage fault's name, SQLite's own finding), never a URL or a password.
        result = await integrity.current(request.app.state.services.sessionmaker)
        if not result.ok:
            logger.warning("readiness check failed: %s", result.reason)
            return JSONResponse({"status": "unavailable", "reason": result.reason}, status_code=503)
        return JSONResponse({"status": "ok"})

    return app
