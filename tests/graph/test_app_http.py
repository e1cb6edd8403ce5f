"""The whole app over HTTP, its middleware stack included: CORS on error answers."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from db.settings import DatabaseSettings
from graph.app import Settings
from graph.settings import ApiSettings
from sync.settings import SyncSettings
from tests.graph.conftest import running_app

SITE = "https://portfolio.example"
TOKEN = "an-admin-token-for-tests"
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
