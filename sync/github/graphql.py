"""GitHub's GraphQL API on the shared transport: a document and its variables in, the answer's data out.

Every document is sent with `rateLimit { cost remaining resetAt limit }` added to its operation, so the points
it cost and the budget left are counted (RequestStats, resource "graphql") whatever the caller selects.
Errors become the sync's usual ones: 5xx, timeouts and secondary limits are retried by the transport, a spent
budget is RateLimited, a refused token or a missing scope is TokenRefused, any other error is GraphQLFailed.
"""

import asyncio
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import httpx
import orjson
from graphql import OperationDefinitionNode, parse
from graphql.error import GraphQLSyntaxError

from sync.errors import GitHubError, GraphQLFailed, RateLimited, TokenRefused
from sync.github.ratelimit import RequestStats, header_int, reset_at
from sync.github.transport import Sleep, Transport, url_path
from sync.records import parse_time
from sync.settings import SyncSettings

RATE_LIMIT_ALIAS = "repofolioRateLimit"
RATE_LIMIT_FIELDS = ("cost", "remaining", "resetAt", "limit")
# Error types an answer may carry that the caller handles from the data (a null where the error is).
NOT_FOUND = "NOT_FOUND"


def graphql_url(api_url: str) -> str:
    """The GraphQL endpoint of the REST API at `api_url`: `<api>/graphql`, or for GitHub Enterprise Server
    (`<host>/api/v3`) `<host>/api/graphql`. Derived, never configured apart, so it cannot point elsewhere."""
    api = api_url.rstrip("/")
    if api.endswith("/api/v3"):
        return api.removesuffix("/v3") + "/graphql"
    return api + "/graphql"


@dataclass(frozen=True, slots=True)
class Answer:
    data: dict[str, Any]
    errors: list[dict[str, Any]]  # the errors of the tolerated types, as GitHub sent them


class GraphQLClient:
    """Sends documents to GitHub's GraphQL API through its own Transport over the shared `httpx.AsyncClient`
    (GraphQL's points budget is not REST's, so it has its own RequestStats). Needs a token: GitHub's GraphQL
    API answers no anonymous caller."""

    def __init__(self, http: httpx.AsyncClient, settings: SyncSettings, *, sleep: Sleep = asyncio.sleep) -> None:
        self._transport = Transport(http, settings, sleep=sleep, stats=RequestStats(resource="graphql"))
        self.url = graphql_url(settings.github_api_url)
        self.has_token = settings.token is not None

    @property
    def stats(self) -> RequestStats:
        return self._transport.stats

    async def query(
        self, document: str, variables: dict[str, Any] | None = None, *, tolerate: frozenset[str] = frozenset()
    ) -> Answer:
        """The answer's data; an error whose `type` is in `tolerate` (e.g. NOT_FOUND) is returned beside it,
        any other error raises."""
        body = orjson.dumps({"query": with_rate_limit(document), "variables": variables or {}})
        headers = {"Content-Type": "application/json"}
        response = await self._transport.send("POST", self.url, headers, frozenset({400, 401, 403}), content=body)
        where = url_path(self.url)
        if response.status_code == 401:
            raise TokenRefused(where, "401 Bad credentials")
        try:
            payload = orjson.loads(response.content)
        except orjson.JSONDecodeError as exc:
            raise GitHubError(f"GitHub sent invalid JSON for {where}", url=where) from exc
        if not isinstance(payload, dict):
            raise GitHubError(f"GitHub sent an unexpected payload for {where}", url=where)
        data = payload.get("data")
        if isinstance(data, dict):  # counted even when an error follows: GitHub charged for it
            self._note_cost(data.pop(RATE_LIMIT_ALIAS, None))
        errors = [error for error in payload.get("errors") or [] if isinstance(error, dict)]
        for error in errors:
            kind = error.get("type")
            if kind == "RATE_LIMITED":
                raise RateLimited(reset_at(response), limit=header_int(response, "X-RateLimit-Limit"), url=where)
            if kind in ("INSUFFICIENT_SCOPES", "FORBIDDEN") or response.status_code == 403:
                raise TokenRefused(where, str(error.get("message") or kind))
        if response.status_code == 403:
            raise TokenRefused(where, str(payload.get("message") or "403 Forbidden"))
        if response.status_code != 200:
            message = errors[0].get("message") if errors else payload.get("message")
            raise GraphQLFailed(
                where, None, str(message or f"HTTP {response.status_code}"), status=response.status_code
            )
        refused = [error for error in errors if error.get("type") not in tolerate]
        if refused:
            first = refused[0]
            raise GraphQLFailed(where, first.get("type"), str(first.get("message") or ""), status=200)
        if not isinstance(data, dict):
            raise GitHubError(f"GitHub's GraphQL API sent no data for {where}", url=where)
        return Answer(data=data, errors=errors)

    def _note_cost(self, rate_limit: Any) -> None:
        if not isinstance(rate_limit, dict):
            return
        try:
            self.stats.note_cost(
                int(rate_limit["cost"]),
                int(rate_limit["remaining"]),
                parse_time(rate_limit.get("resetAt")),
                int(rate_limit["limit"]) if rate_limit.get("limit") is not None else None,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise GitHubError("GitHub's GraphQL API sent an unreadable rateLimit") from exc


@lru_cache(maxsize=64)
def with_rate_limit(document: str) -> str:
    """`document` with `repofolioRateLimit: rateLimit { cost remaining resetAt limit }` in its operation."""
    try:
        tree = parse(document)
    except GraphQLSyntaxError as exc:
        raise GitHubError(f"a GraphQL document for GitHub does not parse: {exc.message}") from exc
    operations = [node for node in tree.definitions if isinstance(node, OperationDefinitionNode)]
    if len(operations) != 1 or operations[0].selection_set.loc is None:
        raise GitHubError("a GraphQL document for GitHub must hold exactly one operation")
    end = operations[0].selection_set.loc.end - 1  # the operation's closing brace
    field = f"{RATE_LIMIT_ALIAS}: rateLimit {{ {' '.join(RATE_LIMIT_FIELDS)} }}"
    return f"{document[:end]} {field}\n{document[end:]}"
