"""The fake GitHub's traffic: the log of what it was asked, and what it answers instead of the routes (queued
failures, the core rate limit). FakeGitHub (tests/fakes/github.py) holds one of each and delegates to them;
its own lock guards them."""

from collections import Counter, deque
from dataclasses import dataclass, field

import httpx

from tests.fakes import responses
from tests.fakes.state import Call, RateBucket


@dataclass
class RequestLog:
    """Every request answered, in order; the Authorization value and the headers kept apart, never printed."""

    requests: list[Call] = field(default_factory=list)
    path_counts: Counter[str] = field(default_factory=Counter)
    authorization_seen: str | None = None  # the last Authorization header value
    headers_seen: list[httpx.Headers] = field(default_factory=list)

    def arrived(self, request: httpx.Request) -> bool:
        """Note a request's headers as it comes in; whether it carries a token."""
        authorization = request.headers.get("authorization")
        if authorization:
            self.authorization_seen = authorization
        self.headers_seen.append(request.headers.copy())
        return bool(authorization)

    def next_request_id(self) -> str:
        return f"F4KE:{len(self.requests) + 1:06X}"

    def answered(self, request: httpx.Request, response: httpx.Response, *, authorized: bool) -> None:
        path = request.url.path
        self.requests.append(
            Call(
                method=request.method,
                path=path,
                query=request.url.query.decode(),
                status=response.status_code,
                authorized=authorized,
                conditional="if-none-match" in request.headers,
            )
        )
        self.path_counts[path] += 1

    def clear(self) -> None:
        self.requests.clear()
        self.path_counts.clear()
        self.authorization_seen = None
        self.headers_seen.clear()


@dataclass
class Faults:
    """Failures queued for the next requests, whatever they ask: (status, Retry-After or None)."""

    queue: deque[tuple[int, int | None]] = field(default_factory=deque)

    def fail(self, n: int, status: int, retry_after: int | None = None) -> None:
        self.queue.extend([(status, retry_after)] * n)

    def next_answer(self, request_id: str) -> responses.Answer | None:
        """The queued failure this request gets, if any: a server error, or a secondary rate limit."""
        if not self.queue:
            return None
        status, retry_after = self.queue.popleft()
        if retry_after is None:
            return responses.server_error(status)
        return responses.secondary_limit(status, retry_after, request_id)


class RateLimits:
    """GitHub's core rate limit: a bucket for anonymous callers and one for token holders, and the status
    (403 or 429) a spent bucket answers with."""

    def __init__(self, reset_at: int) -> None:
        self.buckets = {False: RateBucket(60, 60, reset_at), True: RateBucket(5000, 5000, reset_at)}
        self.status = 403

    def set(
        self,
        *,
        limit: int | None = None,
        remaining: int | None = None,
        reset_at: int | None = None,
        status: int | None = None,
        authenticated: bool | None = None,
    ) -> None:
        for key, bucket in self.buckets.items():
            if authenticated is not None and key != authenticated:
                continue
            if limit is not None:
                bucket.limit = limit
                bucket.remaining = min(bucket.remaining, limit)
            if remaining is not None:
                bucket.remaining = remaining
            if reset_at is not None:
                bucket.reset_at = reset_at
        if status is not None:
            self.status = status
