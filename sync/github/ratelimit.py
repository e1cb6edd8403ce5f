"""GitHub's rate limits: the budget its headers report, and how long a limited response asks us to wait."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from sync.errors import RateLimited

# GitHub asks clients to wait at least a minute after a secondary limit that names no Retry-After.
SECONDARY_LIMIT_WAIT = 60.0


@dataclass(frozen=True, slots=True)
class RateLimit:
    limit: int | None
    remaining: int | None
    reset_at: datetime | None


@dataclass(slots=True)
class RequestStats:
    requests: int = 0  # every HTTP request sent, retries and 304s included
    not_modified: int = 0  # answered 304: free against the rate limit
    rate_limit: RateLimit | None = None  # as the latest response told
    resource: str = "core"  # the budget (X-RateLimit-Resource) this account follows: REST's; GraphQL's is "graphql"
    cost: int = 0  # points GitHub charged, as GraphQL's `rateLimit { cost }` reports them (REST: 0)

    def check_budget(self, reserve: int, path: str) -> None:
        """Stop before a request the rate limit cannot pay for, rather than hammering GitHub."""
        limit = self.rate_limit
        if limit is None or limit.remaining is None:
            return
        if limit.remaining <= reserve and (limit.reset_at is None or limit.reset_at > datetime.now(UTC)):
            raise RateLimited(limit.reset_at, limit=limit.limit, url=path)

    def note(self, response: httpx.Response) -> None:
        """Take the budget a response reports, if it is this account's resource."""
        resource = response.headers.get("X-RateLimit-Resource", "core")
        remaining = header_int(response, "X-RateLimit-Remaining")
        if resource != self.resource or remaining is None:
            return
        reset = reset_at(response)
        current = self.rate_limit
        # Concurrent responses arrive out of order: within one window the lowest count is the latest.
        if current is not None and current.reset_at == reset and current.remaining is not None:
            remaining = min(remaining, current.remaining)
        self.rate_limit = RateLimit(header_int(response, "X-RateLimit-Limit"), remaining, reset)

    def note_cost(self, cost: int, remaining: int, reset_at: datetime | None, limit: int | None) -> None:
        """Take what a GraphQL answer's `rateLimit` reports: the points it cost and the budget left after it."""
        self.cost += cost
        current = self.rate_limit
        if current is not None and current.reset_at == reset_at and current.remaining is not None:
            remaining = min(remaining, current.remaining)
        if limit is None and current is not None:
            limit = current.limit
        self.rate_limit = RateLimit(limit, remaining, reset_at)


def is_primary_limit(response: httpx.Response) -> bool:
    return header_int(response, "X-RateLimit-Remaining") == 0 and "Retry-After" not in response.headers


def is_secondary_limit(response: httpx.Response) -> bool:
    if "Retry-After" in response.headers or response.status_code == 429:
        return True
    return bool(re.search(r"secondary rate limit|abuse", response.text, re.IGNORECASE))


def primary_limit_error(response: httpx.Response, path: str) -> RateLimited:
    return RateLimited(reset_at(response), limit=header_int(response, "X-RateLimit-Limit"), url=path)


def reset_at(response: httpx.Response) -> datetime | None:
    reset = header_int(response, "X-RateLimit-Reset")
    return datetime.fromtimestamp(reset, UTC) if reset is not None else None


def retry_after(response: httpx.Response) -> float | None:
    """Retry-After in seconds (GitHub sends a number; an HTTP date is honoured too), else None."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def header_int(response: httpx.Response, header: str) -> int | None:
    value = response.headers.get(header)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
