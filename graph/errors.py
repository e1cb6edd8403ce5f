"""How GraphQL errors leave the API: GitHub's error shape and masking of everything unexpected.

A resolver signals an expected failure by raising a `GraphQLError` with an `extensions.code`
(`NOT_FOUND`, `FORBIDDEN`, ...); the client sees its message. Any other exception is a bug or an
outage: the client gets a generic message and an error id, and the log gets the exception under
that same id, so a user's report can be matched to the traceback without leaking SQL, paths or
tokens into a response.
"""

import logging
import uuid
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

logger = logging.getLogger(__name__)


class ErrorCode(StrEnum):
    """The `extensions.code` values the API sends."""

    # GitHub's own types, mirrored into the top-level `type` (GITHUB_ERROR_TYPES).
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    MISSING_PAGINATION_BOUNDARIES = "MISSING_PAGINATION_BOUNDARIES"
    EXCESSIVE_PAGINATION = "EXCESSIVE_PAGINATION"
    INVALID_PAGINATION = "INVALID_PAGINATION"
    INVALID_CURSOR_ARGUMENTS = "INVALID_CURSOR_ARGUMENTS"
    MAX_NODE_LIMIT_EXCEEDED = "MAX_NODE_LIMIT_EXCEEDED"
    # repofolio's own.
    BAD_USER_INPUT = "BAD_USER_INPUT"
    BAD_REQUEST = "BAD_REQUEST"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    SYNC_DISABLED = "SYNC_DISABLED"
    NOT_SYNCED = "NOT_SYNCED"  # a value the cache has not read from GitHub (e.g. closed issues without a token)
    # Apollo's automatic persisted queries: the codes Apollo Client reads to retry with the document.
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    PERSISTED_QUERY_NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
    MAX_DEPTH_EXCEEDED = "MAX_DEPTH_EXCEEDED"
    MAX_ALIASES_EXCEEDED = "MAX_ALIASES_EXCEEDED"
    EXECUTION_TIMEOUT = "EXECUTION_TIMEOUT"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    REQUEST_TIMEOUT = "REQUEST_TIMEOUT"
    REQUEST_HEADER_FIELDS_TOO_LARGE = "REQUEST_HEADER_FIELDS_TOO_LARGE"
    VARIABLES_TOO_DEEP = "VARIABLES_TOO_DEEP"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


INTERNAL_ERROR_MESSAGE = "Internal server error"
INTERNAL_ERROR_CODE = ErrorCode.INTERNAL_SERVER_ERROR

# GitHub's v4 API names the kind of an error in a top-level `type` key; clients written against
# GitHub read it there, so these codes are mirrored from `extensions.code`. (MISSING_PAGINATION_BOUNDARIES
# is GitHub's answer to a connection given neither `first` nor `last`, which the contract answers with
# 100 items instead; it is typed should it ever be raised.)
GITHUB_ERROR_TYPES = frozenset(
    {
        ErrorCode.NOT_FOUND,
        ErrorCode.FORBIDDEN,
        ErrorCode.MISSING_PAGINATION_BOUNDARIES,
        ErrorCode.EXCESSIVE_PAGINATION,
        ErrorCode.INVALID_PAGINATION,
        ErrorCode.INVALID_CURSOR_ARGUMENTS,
        ErrorCode.MAX_NODE_LIMIT_EXCEEDED,
    }
)


def client_error(message: str, code: ErrorCode, node: Any = None) -> GraphQLError:
    """An expected error the client sees as is: `message`, with `code` in `extensions.code`."""
    return GraphQLError(message, node, extensions={"code": code})


def is_unexpected(error: GraphQLError) -> bool:
    """Whether an error comes from an exception nobody meant to show to a client.

    graphql-core wraps what a resolver raises and keeps it as `original_error`: a `GraphQLError` there
    was raised on purpose, anything else was not. Errors without an original (syntax, validation,
    variable coercion) are the client's own and stay readable. Validation can also wrap a custom
    scalar's `ValueError` (a bad literal argument); such errors point at the document (`nodes`) and
    are not masked either.
    """
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return False
    return error.path is not None or not error.nodes


def log_unexpected(exc: BaseException, where: str) -> str:
    """Log an unexpected exception with its traceback under a new error id, and return the id."""
    error_id = uuid.uuid4().hex
    logger.error(
        "Unexpected error %s at %s: %s",
        error_id,
        where,
        type(exc).__name__,
        exc_info=(type(exc), exc, exc.__traceback__),
    )
    return error_id


def internal_error_extensions(error_id: str) -> dict[str, Any]:
    return {"code": INTERNAL_ERROR_CODE, "errorId": error_id}


class MaskUnexpectedErrors(MaskErrors):
    """Replace unexpected errors by a generic one carrying an id, and log the original under that id."""

    def __init__(self, error_message: str = INTERNAL_ERROR_MESSAGE) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message=error_message)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        where = ".".join(str(key) for key in error.path) if error.path else "<operation>"
        error_id = log_unexpected(error.original_error or error, where)
        return GraphQLError(
            message=self.error_message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions=internal_error_extensions(error_id),
        )


def masked_errors_extension(error_message: str = INTERNAL_ERROR_MESSAGE) -> Callable[[], MaskErrors]:
    """A schema extension factory: `strawberry.Schema(..., extensions=[masked_errors_extension()])`.

    A factory rather than an instance, so every operation gets its own extension object (Strawberry
    deprecates shared instances, which hold per-operation state).
    """

    def factory() -> MaskErrors:
        return MaskUnexpectedErrors(error_message)

    return factory


def format_error(error: GraphQLError) -> dict[str, Any]:
    """The error as sent over HTTP: the spec's shape, plus GitHub's top-level `type` where it has one."""
    formatted: dict[str, Any] = dict(error.formatted)
    code = (error.extensions or {}).get("code")
    if isinstance(code, str) and code in GITHUB_ERROR_TYPES:
        return {"type": str(code), **formatted}
    return formatted
