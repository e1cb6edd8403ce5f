"""The endpoint's error bodies and status codes: errors outside execution, a masked 500, a result's status."""

from collections.abc import Callable, Coroutine, Mapping
from http import HTTPStatus
from typing import Any

import orjson
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from graph.errors import INTERNAL_ERROR_CODE, INTERNAL_ERROR_MESSAGE, internal_error_extensions, log_unexpected
from graph.http.negotiation import GRAPHQL_RESPONSE_JSON, JSON, negotiate


def is_request_error(result: ExecutionResult) -> bool:
    """Whether execution never started: errors, no data, and no error located at a field."""
    errors = result.errors or []
    return result.data is None and bool(errors) and all(error.path is None for error in errors)


def error_code(status: int) -> str:
    """The code an HTTP status gives an error body that names none, e.g. METHOD_NOT_ALLOWED."""
    return HTTPStatus(status).phrase.upper().replace(" ", "_").replace("-", "_")


def error_response(
    status: int,
    message: str,
    media_type: str,
    headers: Mapping[str, str] | None = None,
    code: str | None = None,
) -> Response:
    """A JSON error body for a request that never reached execution."""
    body = {"errors": [{"message": message, "extensions": {"code": code or error_code(status)}}]}
    return Response(
        orjson.dumps(body),
        status_code=status,
        media_type=f"{media_type}; charset=utf-8",
        headers=dict(headers or {}),
    )


def result_status(response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], media_type: str) -> int:
    """The status of an executed result: 200, except with graphql-response+json when execution never started."""
    if media_type != GRAPHQL_RESPONSE_JSON or isinstance(response_data, list) or "data" in response_data:
        return 200
    errors = response_data.get("errors") or []
    internal = any(
        isinstance(error, dict) and (error.get("extensions") or {}).get("code") == INTERNAL_ERROR_CODE
        for error in errors
    )
    return 500 if internal else 400


class JSONErrorsRoute(APIRoute):
    """A route whose unexpected exceptions outside GraphQL execution (the context getter, say) are
    answered with a masked JSON error instead of Starlette's plain-text 500."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except (StarletteHTTPException, RequestValidationError):
                raise  # FastAPI's own handlers answer these
            except Exception as exc:
                error_id = log_unexpected(exc, f"{request.method} {request.url.path}")
                body = {
                    "errors": [{"message": INTERNAL_ERROR_MESSAGE, "extensions": internal_error_extensions(error_id)}]
                }
                media_type = negotiate(request.headers.get("accept")) or JSON
                return Response(orjson.dumps(body), status_code=500, media_type=f"{media_type}; charset=utf-8")

        return handle
