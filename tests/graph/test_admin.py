"""Admin-only writes and abuse limits, through the real app with its lifespan."""

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from db.settings import DatabaseSettings
from graph.app import Settings
from graph.demo.generator import DEMO_VIEWER
from graph.settings import ApiSettings
from sync.settings import SyncSettings
from tests.graph.conftest import running_app

TOKEN = "s3cret-admin-token-value"

UPDATE = """mutation($input: UpdateShowcaseInput!) {
  updateShowcase(input: $input) { clientMutationId repository { name showcase { featured hidden summary demoUrl } } }
}"""


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        api=ApiSettings(demo=True, admin_token=TOKEN, cors_origins=["https://portfolio.example"]),
        database=DatabaseSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'admin.db'}"),
        sync=SyncSettings(),
    )
    async with running_app(settings) as client:
        yield client


async def _post(client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None, **headers: str) -> Any:
    response = await client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
    return response.json()


async def _showcase(client: httpx.AsyncClient, name: str) -> Any:
    body = await _post(
        client,
        "query($o: String!, $n: String!) { repository(owner: $o, name: $n) { showcase { featured hidden summary demoUrl } } }",
        {"o": DEMO_VIEWER, "n": name},
        Authorization=f"Bearer {TOKEN}",
    )
    return body["data"]["repository"]["showcase"]


async def test_update_showcase_needs_the_admin_token(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    """No token → UNAUTHENTICATED, a wrong one → FORBIDDEN; nothing is written, no token is echoed or logged."""
    variables = {"input": {"owner": DEMO_VIEWER, "name": "tidewatch", "summary": "hijacked"}}
    before = await _showcase(client, "tidewatch")
    with caplog.at_level(logging.DEBUG):
        missing = await _post(client, UPDATE, variables)
        wrong = await _post(client, UPDATE, variables, Authorization="Bearer not-the-token")
    assert missing["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert wrong["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await _showcase(client, "tidewatch") == before
    assert "not-the-token" not in str(wrong) and TOKEN not in caplog.text and "not-the-token" not in caplog.text


async def test_admin_edits_keep_omitted_fields_and_clear_nulls(client: httpx.AsyncClient) -> None:
    """An omitted field keeps its value, null clears it, and the public API shows the change at once."""
    auth = {"Authorization": f"Bearer {TOKEN}"}
    first = await _post(
        client,
        UPDATE,
        {"input": {"owner": DEMO_VIEWER, "name": "tidewatch", "summary": "Tides ✓", "clientMutationId": "m1"}},
        **auth,
    )
    assert first["data"]["updateShowcase"]["clientMutationId"] == "m1"
    assert first["data"]["updateShowcase"]["repository"]["showcase"]["summary"] == "Tides ✓"
    featured = first["data"]["updateShowcase"]["repository"]["showcase"]["featured"]
    cleared = await _post(
        client, UPDATE, {"input": {"owner": DEMO_VIEWER, "name": "tidewatch", "summary": None}}, **auth
    )
    assert cleared["data"]["updateShowcase"]["repository"]["showcase"] == {
        **first["data"]["updateShowcase"]["repository"]["showcase"],
        "summary": None,
        "featured": featured,
    }


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "/relative/path", "ftp://example.com/x", "https://" + "a" * 2100]
)
async def test_unsafe_urls_are_refused_and_nothing_is_written(client: httpx.AsyncClient, url: str) -> None:
    before = await _showcase(client, "tidewatch")
    body = await _post(
        client,
        UPDATE,
        {"input": {"owner": DEMO_VIEWER, "name": "tidewatch", "demoUrl": url, "summary": "changed"}},
        Authorization=f"Bearer {TOKEN}",
    )
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT" and "demoUrl" in body["errors"][0]["message"]
    assert await _showcase(client, "tidewatch") == before


async def test_hiding_a_repository_takes_it_out_of_the_public_api(client: httpx.AsyncClient) -> None:
    query = "{ viewer { repositories { totalCount } } }"
    public_before = (await _post(client, query))["data"]["viewer"]["repositories"]["totalCount"]
    await _post(
        client,
        UPDATE,
        {"input": {"owner": DEMO_VIEWER, "name": "tidewatch", "hidden": True}},
        Authorization=f"Bearer {TOKEN}",
    )
    assert (await _post(client, query))["data"]["viewer"]["repositories"]["totalCount"] == public_before - 1
    admin = await _post(client, query, Authorization=f"Bearer {TOKEN}")
    assert admin["data"]["viewer"]["repositories"]["totalCount"] == public_before


async def test_oversized_body_gets_413_json(client: httpx.AsyncClient) -> None:
    """A 1 MB query never reaches GraphQL: 413 with a JSON errors list."""
    response = await client.post("/graphql", json={"query": "{ viewer { login } }" + " " * 1_000_000})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_alias_bomb_and_wide_query_are_refused_before_execution(client: httpx.AsyncClient) -> None:
    aliases = " ".join(f"a{i}: viewer {{ login }}" for i in range(200))
    bomb = await _post(client, "{ " + aliases + " }")
    assert bomb.get("data") is None and bomb["errors"]
    wide = await _post(
        client,
        "{ repositories(first: 100) { nodes { contributors(first: 100) { nodes { repositories(first: 100) { nodes { name } } } } } } }",
    )
    assert wide.get("data") is None and "500,000" in wide["errors"][0]["message"]


async def test_cors_preflight_from_the_allowed_origin_only(client: httpx.AsyncClient) -> None:
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    allowed = await client.options("/graphql", headers={"Origin": "https://portfolio.example", **preflight})
    other = await client.options("/graphql", headers={"Origin": "https://evil.example", **preflight})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://portfolio.example"
    assert "access-control-allow-origin" not in other.headers


async def test_graphiql_and_introspection_can_be_switched_off(tmp_path: Path) -> None:
    """With REPOFOLIO_GRAPHIQL and REPOFOLIO_INTROSPECTION off, no IDE page and no schema introspection."""
    from graphql import get_introspection_query

    for enabled in (True, False):
        settings = Settings(
            api=ApiSettings(demo=True, graphiql=enabled, introspection=enabled),
            database=DatabaseSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / f'ide-{enabled}.db'}"),
            sync=SyncSettings(),
        )
        async with running_app(settings) as client:
            page = await client.get("/graphql", headers={"Accept": "text/html"})
            schema = await _post(client, get_introspection_query())
            typename = await _post(client, "{ __typename }")
        assert ("graphiql" in page.text.lower()) is enabled
        assert ("errors" not in schema and schema["data"]["__schema"]["queryType"]["name"] == "Query") is enabled
        assert typename == {"data": {"__typename": "Query"}}
