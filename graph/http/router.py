"""The `/graphql` endpoint: Strawberry's FastAPI router held to the GraphQL-over-HTTP spec.

What the subclass changes (the rest is Strawberry's):
- Accept negotiation between `application/graphql-response+json` (chosen when the client names it)
  and `application/json` (the default, also for `*/*` and a missing Accept); 406 when neither fits.
- Status codes: with `application/json` a GraphQL result is always 200; with
  `application/graphql-response+json` a request error (the document fails to parse or validate,
  variables fail to coerce) is a 400 without a `data` key.
- Every error body is JSON with an `errors` list, including those Strawberry answers in plain text
  (missing query, malformed JSON, wrong content type, bad parameters); mutations over GET are a 405
  with `Allow: POST`, other methods a 405 with `Allow: GET, HEAD, POST, OPTIONS`, and OPTIONS a 204
  with that `Allow`.
- Errors are serialized by `graph.errors.format_error` (GitHub's top-level `type`), bodies with orjson.
- Caching (graph/http/cache.py): a public query's answer is served from the response cache when its data
  version is current, with an `ETag`, `Cache-Control: public, max-age=…` and a 304 for a matching
  `If-None-Match` on GET; everything else says `Cache-Control: no-store`. Apollo's automatic persisted
  queries resolve a hash-only request to its document.
"""

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, cast

import orjson
import strawberry.fastapi
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.base import BaseSchema
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from db.data_version import read_data_version
from graph.errors import (
    ErrorCode,
    format_error,
)
from graph.http.cache import (
    CACHE_KEY_STATE,
    Answer,
    CacheKey,
    PersistedQueries,
    PersistedQueryError,
    ResponseCache,
    VariablesTooDeep,
    check_variables_depth,
    may_cache_document,
)
from graph.http.error_responses import JSONErrorsRoute, error_response, is_request_error, result_status
from graph.http.negotiation import GRAPHQL_RESPONSE_JSON, JSON, etag_matches, negotiate
from graph.http.origin import image_origin
from graph.http.playground import Playground
from graph.http.request import field_error
from graph.schema.auth import AdminAccess
from graph.schema.context import Context

logger = logging.getLogger(__name__)

ALLOW = "GET, HEAD, POST, OPTIONS"  # HEAD is GET without the body (graph.http.middleware.HeadAsGet)
NO_STORE = "no-store"
VARY = "Accept, Authorization"  # the media type follows Accept; an admin's Authorization bypasses the cache


@dataclass
class _Exchange:
    """What the router decided about the request being handled.

    The router is one object shared by all requests and Strawberry's `create_response` does not receive
    the request, so this travels in a context variable, which is private to the task serving the request.
    """

    media_type: str
    method: str = "POST"
    if_none_match: str | None = None
    request_data: GraphQLRequestData | list[GraphQLRequestData] | None = None  # parsed once, reused by Strawberry
    cache_key: CacheKey | None = None  # set when the answer may be stored, under this key


_exchange: ContextVar[_Exchange] = ContextVar("graphql_exchange")


def time_limit(seconds: float | None) -> asyncio.Timeout:
    """The deadline of one execution (None: none). A function of its own, so a test can expire it at will."""
    return asyncio.timeout(seconds)


class GraphQLRouter(strawberry.fastapi.GraphQLRouter):
    """Strawberry's FastAPI router answering as the GraphQL-over-HTTP spec (and graphql-http's audit) asks.

    Takes the arguments of `strawberry.fastapi.GraphQLRouter`, plus the response cache (None: off), the
    persisted query store (None: automatic persisted queries unsupported), Cache-Control's max-age, how many
    executions may run at once and for how many seconds each (None: no limit), how deep variables may nest, and
    the GraphiQL playground a browser gets at a GET of the path (None: none).
    """

    def __init__(
        self,
        schema: BaseSchema,
        path: str = "",
        *args: Any,
        response_cache: ResponseCache | None = None,
        persisted_queries: PersistedQueries | None = None,
        cache_max_age: int = 60,
        max_concurrent_executions: int | None = None,
        execution_timeout: float | None = None,
        max_variables_depth: int = 32,
        playground: Playground | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("route_class", JSONErrorsRoute)
        kwargs["graphql_ide"] = "graphiql" if playground is not None else None
        self.playground = playground
        super().__init__(schema, path, *args, **kwargs)
        self.response_cache = response_cache
        # Executions past the limit wait their turn: interleaving more of them than can overlap real waits only
        # adds work (and tail latency) on a busy process.
        self._executions = asyncio.Semaphore(max_concurrent_executions) if max_concurrent_executions else None
        # Seconds an execution may take once it holds its slot (None: no limit); past it the slot is freed.
        self.execution_timeout = execution_timeout
        self.persisted_queries = persisted_queries
        self.max_variables_depth = max_variables_depth
        self.cache_control = f"public, max-age={cache_max_age}"

        async def handle_other_methods(request: Request) -> Response:
            if request.method == "OPTIONS":  # not a CORS preflight (the CORS middleware answers those)
                return Response(status_code=204, headers={"Allow": ALLOW})
            return self.error_response(405, "GraphQL only supports GET and POST requests.", JSON, {"Allow": ALLOW})

        # After Strawberry's GET and POST, a route for every other method (an empty `methods` matches them all):
        # Starlette would answer them itself, with the `Allow` of whichever route it saw first (GET).
        self.add_api_route(
            path, handle_other_methods, methods=[], operation_id="graphql_other_methods", include_in_schema=False
        )

    # --- errors outside execution ------------------------------------------------------------------

    def error_response(
        self,
        status: int,
        message: str,
        media_type: str,
        headers: Mapping[str, str] | None = None,
        code: str | None = None,
    ) -> Response:
        """A JSON error body for a request that never reached execution."""
        return error_response(status, message, media_type, headers, code)

    def _response_for_http_exception(self, request: Request, exc: HTTPException, media_type: str) -> Response:
        cause = exc.__cause__
        if isinstance(cause, InvalidOperationTypeError) and request.method == "GET":
            return self.error_response(405, exc.reason, media_type, {"Allow": "POST"})
        if isinstance(cause, CannotGetOperationTypeError):
            # A well-formed request naming an operation the document lacks is a GraphQL request error,
            # which `application/json` reports with 200.
            status = 400 if media_type == GRAPHQL_RESPONSE_JSON else 200
            return self.error_response(status, exc.reason, media_type)
        return self.error_response(exc.status_code, exc.reason, media_type)

    async def run(
        self,
        request: Request | WebSocket,
        context: Any = UNSET,
        root_value: Any = UNSET,
    ) -> Any:
        if self.is_websocket_request(request):
            return await super().run(request, context=context, root_value=root_value)
        request = cast(Request, request)

        media_type = negotiate(request.headers.get("accept"))
        if media_type is None:
            if not self.should_render_graphql_ide(self.request_adapter_class(request)):
                return self.error_response(
                    406,
                    f"The Accept header must allow {GRAPHQL_RESPONSE_JSON} or {JSON}.",
                    JSON,
                    {"Accept": f"{GRAPHQL_RESPONSE_JSON}, {JSON}"},
                )
            media_type = JSON

        exchange = _Exchange(media_type, request.method, request.headers.get("if-none-match"))
        token = _exchange.set(exchange)
        try:
            if self.response_cache is not None:
                cached = await self._from_cache(request, context, exchange)
                if cached is not None:
                    return cached
            async with self._executions or contextlib.nullcontext():
                return await self._execute(request, context, root_value, media_type)
        except HTTPException as exc:
            return self._response_for_http_exception(request, exc, media_type)
        except VariablesTooDeep as exc:
            return self.error_response(400, str(exc), media_type, code=ErrorCode.VARIABLES_TOO_DEEP)
        except PersistedQueryError as exc:
            # As Apollo Server answers it: Apollo Client reads the code and retries with the document.
            headers = {"Cache-Control": "private, no-cache, must-revalidate"}
            return self.error_response(exc.status, exc.message, media_type, headers, code=exc.code)
        finally:
            _exchange.reset(token)

    async def _execute(self, request: Request, context: Any, root_value: Any, media_type: str) -> Any:
        """Strawberry's run, stopped at the execution time limit (cancelled at its next await: a statement
        running on SQLite, which blocks the loop, finishes first)."""
        limit = time_limit(self.execution_timeout)
        try:
            async with limit:
                return await super().run(request, context=context, root_value=root_value)
        except TimeoutError:
            if not limit.expired():
                raise  # some other TimeoutError: not ours to explain
        logger.warning("A query was stopped at the execution time limit of %g s", self.execution_timeout)
        message = (
            f"The query did not finish within the execution time limit of {self.execution_timeout:g} seconds "
            "and was stopped. Ask for fewer or smaller connections."
        )
        body = {"data": None, "errors": [{"message": message, "extensions": {"code": ErrorCode.EXECUTION_TIMEOUT}}]}
        response = Response(self.encode_json(body), media_type=f"{media_type}; charset=utf-8")
        response.headers["Cache-Control"] = NO_STORE
        return response

    # --- the response cache ------------------------------------------------------------------------

    async def _from_cache(self, request: Request, context: Any, exchange: _Exchange) -> Response | None:
        """The stored answer to this request, if any; else None, with `exchange.cache_key` set when the
        answer about to be computed may be stored."""
        if isinstance(context, Context) and context.access is AdminAccess.ADMIN:
            return None  # an admin may see hidden repositories: always fresh, never stored
        adapter = self.request_adapter_class(request)
        if self.should_render_graphql_ide(adapter) or (request.method == "GET" and not self.allow_queries_via_get):
            return None
        data = exchange.request_data = await self.parse_http_body(adapter)
        if not isinstance(data, GraphQLRequestData) or data.query is None or not may_cache_document(data.query):
            return None
        assert self.response_cache is not None
        missed = request.scope.get("state", {}).get(CACHE_KEY_STATE)
        if missed is not None:  # graph/http/hits.py looked it up already, with the version read for this request
            exchange.cache_key = missed
            return None
        # Read before executing, so an answer is stored under a version no newer than the data it shows.
        version = await self._data_version(context)
        origin = image_origin(request.scope, cast(Context, context).services)
        exchange.cache_key = key = self.response_cache.key(
            data.query, data.variables, data.operation_name, version, origin
        )
        answer = self.response_cache.get(key)
        return self._cached_response(answer, exchange) if answer is not None else None

    async def _data_version(self, context: Any) -> int:
        services = cast(Context, context).services
        if services.data_version is not None:
            return await services.data_version.read()
        async with services.reads() as session:
            return await read_data_version(session)

    def _cached_response(self, answer: Answer, exchange: _Exchange) -> Response:
        etag = answer.etag(exchange.media_type)
        headers = {"ETag": etag, "Cache-Control": self.cache_control, "Vary": VARY}
        # Only a GET is answered 304: for other methods a matching If-None-Match would mean 412.
        if exchange.method == "GET" and etag_matches(exchange.if_none_match, etag):
            return Response(status_code=304, headers=headers)
        return Response(answer.body, media_type=f"{exchange.media_type}; charset=utf-8", headers=headers)

    def should_render_graphql_ide(self, request: Any) -> bool:
        # Only a browser asking for a page gets GraphiQL; a JSON client's GET without a query gets
        # a JSON error rather than HTML (Strawberry also renders it for `*/*`).
        return (
            self.graphql_ide is not None
            and request.method == "GET"
            and request.query_params.get("query") is None
            and "text/html" in request.headers.get("accept", "")
        )

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        assert self.playground is not None  # should_render_graphql_ide: only with a playground
        return self.playground.page_response()

    # --- request parsing ---------------------------------------------------------------------------

    async def parse_http_body(self, request: Any) -> GraphQLRequestData | list[GraphQLRequestData]:
        exchange = _exchange.get(None)
        if exchange is not None and exchange.request_data is not None:
            return exchange.request_data
        data = await self._parse_http_body(request)
        for each in data if isinstance(data, list) else [data]:
            check_variables_depth(each.variables, self.max_variables_depth)  # before anything recurses into them
        if isinstance(data, GraphQLRequestData) and data.extensions and "persistedQuery" in data.extensions:
            if self.persisted_queries is None:
                raise PersistedQueryError("PersistedQueryNotSupported", ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED, 200)
            data.query = self.persisted_queries.resolve(data.query, data.extensions["persistedQuery"])
        return data

    async def _parse_http_body(self, request: Any) -> GraphQLRequestData | list[GraphQLRequestData]:
        if request.method != "POST":
            return await super().parse_http_body(request)
        content_type = (request.content_type or "").split(";", 1)[0].strip().lower()
        if content_type == "multipart/form-data" and self.multipart_uploads_enabled:
            return await super().parse_http_body(request)
        if content_type != JSON:
            raise HTTPException(415, f"Unsupported content type {content_type!r}: send {JSON}.")
        body = await request.get_body()
        if not body.strip():
            raise HTTPException(400, "The request body is empty: send a JSON object with a `query`.")
        data = self.parse_json(body)
        if isinstance(data, list) and self.schema.config.batching_config is not None:
            return await super().parse_http_body(request)
        if not isinstance(data, dict):
            raise HTTPException(400, "The request body must be a JSON object.")
        if not isinstance(data.get("operationName"), str | None):
            raise HTTPException(400, field_error({"operationName": data["operationName"]}) or "")
        if self._get_stream_transport_from_headers(request.headers) is not None:
            return await super().parse_http_body(request)
        # Strawberry's own checks, on the body parsed once (Strawberry would read and parse it again).
        error = field_error(data)
        if error is not None:
            raise HTTPException(400, error)
        return GraphQLRequestData(
            query=data.get("query"),
            variables=data.get("variables"),
            operation_name=data.get("operationName"),
            extensions=data.get("extensions"),
            protocol="http",
        )

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    # --- responses ---------------------------------------------------------------------------------

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        response: GraphQLHTTPResponse = {}
        if not is_request_error(result):
            response["data"] = result.data
        if result.errors:
            response["errors"] = [format_error(error) for error in result.errors]
        if result.extensions:
            response["extensions"] = result.extensions
        return response

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        exchange = _exchange.get()
        media_type = exchange.media_type
        body = self.encode_json(response_data)
        status = sub_response.status_code or result_status(response_data, media_type)
        if (
            exchange.cache_key is not None
            and self.response_cache is not None
            and status == 200
            and isinstance(response_data, dict)
            and "errors" not in response_data
        ):
            response = self._cached_response(self.response_cache.put(exchange.cache_key, body), exchange)
        else:
            response = Response(body, media_type=f"{media_type}; charset=utf-8", status_code=status)
            response.headers["Cache-Control"] = NO_STORE
        response.headers.raw.extend(sub_response.headers.raw)
        return response


__all__ = [
    "ALLOW",
    "GRAPHQL_RESPONSE_JSON",
    "JSON",
    "VARY",
    "GraphQLRouter",
    "JSONErrorsRoute",
    "etag_matches",
    "negotiate",
    "time_limit",
]
