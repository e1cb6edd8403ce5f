"""How FakeGitHub answers: status and body (Answer), GitHub's headers, ETags and the rate-limit refusals."""

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.fakes import templates
from tests.fakes.state import RateBucket

RATE_DOCS = "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api"


@dataclass
class Answer:
    status: int
    body: Any = None  # None: no body (204, 304)
    headers: dict[str, str] = field(default_factory=dict)
    counts: bool = True  # whether it used up one request of the rate limit


def not_found(docs: str = "https://docs.github.com/rest") -> Answer:
    return Answer(404, templates.error_body("Not Found", docs, 404))


def server_error(status: int) -> Answer:
    return Answer(status, {"message": httpx.codes.get_reason_phrase(status) or "Server Error"}, counts=False)


def secondary_limit(status: int, retry_after: int, request_id: str) -> Answer:
    message = (
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
        f"If you reach out to GitHub Support for help, please include the request ID {request_id}."
    )
    body = templates.error_body(message, f"{RATE_DOCS}#about-secondary-rate-limits", status)
    return Answer(status, body, headers={"Retry-After": str(retry_after)}, counts=False)


def rate_exceeded(status: int, *, authorized: bool) -> Answer:
    who = (
        "user ID 1."
        if authorized
        else (
            "127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit. "
            "Check out the documentation for more details.)"
        )
    )
    body = templates.error_body(f"API rate limit exceeded for {who}", f"{RATE_DOCS}#primary-rate-limits", status)
    return Answer(status, body, counts=False)


def rate_overview(bucket: RateBucket) -> Answer:
    """GET /rate_limit, which GitHub does not count against the limit."""
    overview: dict[str, Any] = templates.template("rate-limit-overview")
    core = {
        "limit": bucket.limit,
        "used": bucket.used,
        "remaining": max(bucket.remaining, 0),
        "reset": bucket.reset_at,
    }
    overview["resources"]["core"] = core
    overview["rate"] = dict(core)
    return Answer(200, overview, counts=False)


def rate_headers(bucket: RateBucket, resource: str = "core") -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(bucket.limit),
        "X-RateLimit-Remaining": str(max(bucket.remaining, 0)),
        "X-RateLimit-Reset": str(bucket.reset_at),
        "X-RateLimit-Used": str(bucket.used),
        "X-RateLimit-Resource": resource,
    }


def etag_matches(if_none_match: str, etag: str) -> bool:
    candidates = [value.strip().removeprefix("W/") for value in if_none_match.split(",")]
    return "*" in candidates or etag in candidates


def render(
    request: httpx.Request, answer: Answer, bucket: RateBucket, request_id: str, authorized: bool
) -> httpx.Response:
    """The HTTP response for an answer; a 200 whose ETag the request already holds becomes a bodiless 304."""
    headers = {
        "X-GitHub-Request-Id": request_id,
        "X-GitHub-Media-Type": "github.v3; format=json",
        "X-GitHub-Api-Version-Selected": "2022-11-28",
        **rate_headers(bucket),
        **answer.headers,
    }
    if answer.body is None:
        return httpx.Response(answer.status, headers=headers)
    content = json.dumps(answer.body, separators=(",", ":"), ensure_ascii=False).encode()
    headers["Content-Type"] = "application/json; charset=utf-8"
    if answer.status == 200:
        etag = f'"{hashlib.sha256(content).hexdigest()}"'
        headers["ETag"] = etag
        # GitHub marks token-dependent answers private; both may be reused for 60 seconds.
        headers["Cache-Control"] = f"{'private' if authorized else 'public'}, max-age=60, s-maxage=60"
        headers["Vary"] = "Accept, Authorization, Cookie, X-GitHub-OTP, Accept-Encoding"
        if_none_match = request.headers.get("if-none-match")
        if if_none_match and etag_matches(if_none_match, etag):
            del headers["Content-Type"]
            if answer.counts:
                bucket.remaining += 1  # GitHub does not count a request answered 304
                headers.update(rate_headers(bucket))
            return httpx.Response(304, headers=headers)
    return httpx.Response(answer.status, headers=headers, content=content)
