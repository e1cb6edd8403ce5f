"""Who may call mutations: the holder of REPOFOLIO_ADMIN_TOKEN, sent as `Authorization: Bearer <token>`."""

import enum
import hmac

from graphql import GraphQLError

from graph.errors import ErrorCode
from graph.settings import ApiSettings


class AdminAccess(enum.Enum):
    """What a request's Authorization header amounts to; decided once per request."""

    DISABLED = "disabled"  # no admin token configured: mutations are off for everyone
    ANONYMOUS = "anonymous"  # no credentials sent
    INVALID = "invalid"  # credentials sent, but not the admin token (or not a Bearer token)
    ADMIN = "admin"


def admin_access(authorization: str | None, settings: ApiSettings) -> AdminAccess:
    """Classify an Authorization header value (None when the header is absent)."""
    expected = settings.admin_token.get_secret_value() if settings.admin_token is not None else ""
    if not expected:
        return AdminAccess.DISABLED
    if authorization is None or not authorization.strip():
        return AdminAccess.ANONYMOUS
    scheme, _, credentials = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        return AdminAccess.INVALID
    # compare_digest takes time independent of where the values differ; on bytes it accepts any text.
    given = credentials.strip().encode("utf-8", "surrogateescape")
    if hmac.compare_digest(given, expected.encode("utf-8", "surrogateescape")):
        return AdminAccess.ADMIN
    return AdminAccess.INVALID


class AccessRefused(GraphQLError):
    """A mutation refused for lack of admin access; its message never carries a token."""


_REFUSALS = {
    AdminAccess.DISABLED: (
        ErrorCode.FORBIDDEN,
        "Mutations are disabled on this server: no admin token is configured (REPOFOLIO_ADMIN_TOKEN).",
    ),
    AdminAccess.ANONYMOUS: (
        ErrorCode.UNAUTHENTICATED,
        "This mutation needs the admin token, sent as `Authorization: Bearer <token>`.",
    ),
    AdminAccess.INVALID: (ErrorCode.FORBIDDEN, "The credentials sent are not the admin token."),
}


def require_admin(access: AdminAccess) -> None:
    """Raise a GraphQL error (extensions.code FORBIDDEN or UNAUTHENTICATED) unless `access` is ADMIN."""
    if access is AdminAccess.ADMIN:
        return
    code, message = _REFUSALS[access]
    raise AccessRefused(message, extensions={"code": code})
