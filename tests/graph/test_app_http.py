"""The whole app over HTTP, its middleware stack included: CORS on error answers, the methods /graphql answers
and their `Allow`, and GitHub's top-level `type` on the errors GitHub types."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from db.settings import DatabaseSettings
from graph.app import Settings
from graph.errors import GITHUB_ERROR_TYPES, ErrorCode, client_error, format_error
from graph.settings import ApiSettings
from sync.settings import SyncSettings
from tests.graph.conftest import running_app

SITE = "https://portfolio.example"
TOKEN = "an-admin-token-for-tests"
ALLOW = "GET, HEAD, POST, OPTIONS"
QUERY = "{ repositories(first: 2) { totalCount nodes { name } } }"


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        api=ApiSettings(demo=True, cors_origins=[SITE], max_body_bytes=1_000, admin_token=TOKEN),
        database=DatabaseSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'app.db'}"),
        sync=SyncSettings(),
    )
    async with running_app(settings) as client:
        yield client


def json_errors(response: httpx.Response, status: int) -> list[dict[str, Any]]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    errors: list[dict[str, Any]] = response.json()["errors"]
    return errors


# --- CORS on error answers -----------------------------------------------------------------------------


ERROR_ANSWERS = {
    "413 body too large": ("POST", {"content": b'{"query": "' + b" " * 2_000 + b'{ __typename }"}'}, 413),
    "400 empty body": ("POST", {"content": b"", "headers": {"content-type": "application/json"}}, 400),
    "405 method": ("PUT", {"json": {"query": QUERY}}, 405),
    "406 accept": ("POST", {"json": {"query": QUERY}, "headers": {"accept": "text/csv"}}, 406),
    "415 content type": ("POST", {"content": QUERY, "headers": {"content-type": "text/plain"}}, 415),
}


@pytest.mark.parametrize("answer", ERROR_ANSWERS.values(), ids=ERROR_ANSWERS.keys())
async def test_error_answers_carry_cors_headers_for_an_allowed_origin(
    client: httpx.AsyncClient, answer: tuple[str, dict[str, Any], int]
) -> None:
    """A browser on an allowed origin can read every refusal (else it reports "Failed to fetch")."""
    method, options, status = answer
    headers = {"origin": SITE, **options.pop("headers", {})}
    response = await client.request(method, "/graphql", headers=headers, **options)
    json_errors(response, status)
    assert response.headers["access-control-allow-origin"] == SITE
    assert "Origin" in response.headers["vary"]


async def test_error_answers_carry_no_cors_headers_for_other_origins(client: httpx.AsyncClient) -> None:
    """The refusal of an oversized body is no exception to the allowlist."""
    response = await client.post("/graphql", content=b" " * 2_000, headers={"origin": "https://evil.example"})
    json_errors(response, 413)
    assert not [name for name in response.headers if name.startswith("access-control-")]


# --- methods -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "TRACE", "PROPFIND"])
async def test_other_methods_are_a_json_405_naming_every_method_answered(
    client: httpx.AsyncClient, method: str
) -> None:
    """Any method but GET, HEAD, POST and OPTIONS: 405, a JSON error, and an Allow that lists POST."""
    [error] = json_errors(await client.request(method, "/graphql"), 405)
    assert error["extensions"] == {"code": "METHOD_NOT_ALLOWED"}
    assert (await client.request(method, "/graphql")).headers["allow"] == ALLOW


async def test_options_answers_with_the_methods(client: httpx.AsyncClient) -> None:
    """A plain OPTIONS (not a CORS preflight) is a 204 with Allow."""
    response = await client.options("/graphql")
    assert response.status_code == 204
    assert response.headers["allow"] == ALLOW
    assert response.content == b""


async def test_a_cors_preflight_is_still_answered_by_cors(client: httpx.AsyncClient) -> None:
    headers = {
        "origin": SITE,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
    }
    response = await client.options("/graphql", headers=headers)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == SITE
    assert "POST" in response.headers["access-control-allow-methods"]


@pytest.mark.parametrize("cached", [False, True], ids=["computed", "from the cache"])
async def test_head_answers_as_get_without_the_body(client: httpx.AsyncClient, cached: bool) -> None:
    """HEAD gets GET's status and headers (ETag, Cache-Control, content type), and no body."""
    if cached:
        await client.get("/graphql", params={"query": QUERY})
    head = await client.head("/graphql", params={"query": QUERY})
    get = await client.get("/graphql", params={"query": QUERY})
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    for name in ("etag", "cache-control", "content-type", "vary"):
        assert head.headers[name] == get.headers[name], name


async def test_head_of_the_health_check_answers(client: httpx.AsyncClient) -> None:
    response = await client.head("/healthz")
    assert response.status_code == 200 and response.content == b""


async def test_get_and_post_still_answer(client: httpx.AsyncClient) -> None:
    get = await client.get("/graphql", params={"query": QUERY})
    post = await client.post("/graphql", json={"query": QUERY})
    assert get.status_code == post.status_code == 200
    assert get.json() == post.json() and get.json()["data"]["repositories"]["totalCount"] == 40


# --- GitHub's `type` -----------------------------------------------------------------------------------


TYPED = {
    "EXCESSIVE_PAGINATION": (
        "{ repositories(first: 101) { totalCount } }",
        "Requesting 101 records on the `repositories` connection exceeds the `first` limit of 100 records.",
    ),
    "INVALID_PAGINATION": (
        "{ viewer { repositories(last: -1) { totalCount } } }",
        "`last` on the connection cannot be less than zero.",
    ),
    "INVALID_CURSOR_ARGUMENTS": (
        '{ repositories(after: "not-a-cursor") { totalCount } }',
        "`not-a-cursor` does not appear to be a valid cursor.",
    ),
    "MAX_NODE_LIMIT_EXCEEDED": (
        "{ contributors(first: 100) { nodes { repositories(first: 100) { nodes { contributors(first: 100) {"
        " nodes { login } } } } } } }",
        "This query requests up to 1,010,100 possible nodes which exceeds the maximum limit of 500,000.",
    ),
    "NOT_FOUND": ('{ user(login: "nobody") { login } }', "Could not resolve to a User with the login of 'nobody'."),
    "FORBIDDEN": ("mutation { requestRefresh { started } }", None),
}


@pytest.mark.parametrize(("code", "case"), TYPED.items(), ids=TYPED.keys())
async def test_errors_github_types_carry_its_top_level_type(
    client: httpx.AsyncClient, code: str, case: tuple[str, str | None]
) -> None:
    """Each error GitHub types has `type` beside `extensions.code`, with GitHub's message where it has one."""
    query, message = case
    headers = {"authorization": "Bearer not-the-token"} if code == "FORBIDDEN" else {}
    response = await client.post("/graphql", json={"query": query}, headers=headers)
    assert response.status_code == 200
    [error] = response.json()["errors"]
    assert (error["type"], error["extensions"]["code"]) == (code, code)
    if message is not None:
        assert error["message"] == message


@pytest.mark.parametrize("code", sorted(GITHUB_ERROR_TYPES))
def test_every_github_type_is_mirrored_from_the_code(code: ErrorCode) -> None:
    """MISSING_PAGINATION_BOUNDARIES included, which the contract never raises (no first/last means 100)."""
    assert format_error(client_error("message", code))["type"] == code


@pytest.mark.parametrize("code", [ErrorCode.BAD_USER_INPUT, ErrorCode.MAX_DEPTH_EXCEEDED, ErrorCode.EXECUTION_TIMEOUT])
def test_our_own_codes_have_no_type(code: ErrorCode) -> None:
    assert "type" not in format_error(client_error("message", code))
