"""Apollo's possibleTypes map, from `repofolio possible-types` and from `GET /graphql/possible-types` served
over real HTTP by uvicorn: equal to what an introspection query of the served schema implies."""

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from graph.cli.main import main
from tests.graph.serving import served

INTROSPECTION = "{ __schema { types { kind name possibleTypes { name } } } }"


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with served(tmp_path) as client:
        yield client


async def implied_by_introspection(client: httpx.AsyncClient) -> dict[str, list[str]]:
    response = await client.post("/graphql", json={"query": INTROSPECTION})
    assert response.status_code == 200, response.text
    types = response.json()["data"]["__schema"]["types"]
    return {
        named["name"]: sorted(concrete["name"] for concrete in named["possibleTypes"])
        for named in types
        if named["kind"] in ("INTERFACE", "UNION")
    }


async def test_the_served_map_is_what_introspection_implies(client: httpx.AsyncClient) -> None:
    """Every interface and union, each with its sorted object types, cacheable by anyone."""
    expected = await implied_by_introspection(client)
    assert {"Node", "PinnableItem", "RepositoryOwner", "UniformResourceLocatable"} <= expected.keys()
    response = await client.get("/graphql/possible-types")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == expected
    assert list(response.json()) == sorted(expected)
    assert response.headers["cache-control"] == "public, max-age=3600"
    assert response.headers["etag"].startswith('"')


async def test_the_cli_prints_the_served_map(client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]) -> None:
    """`repofolio possible-types` needs no server and no database: the same JSON, for a build step."""
    served_text = (await client.get("/graphql/possible-types")).text
    assert await asyncio.to_thread(main, ["possible-types"]) == 0
    out, err = capsys.readouterr()
    assert (out, err) == (served_text, "")
    assert json.loads(out) == await implied_by_introspection(client)


async def test_if_none_match_with_the_etag_is_a_bodiless_304(client: httpx.AsyncClient) -> None:
    first = await client.get("/graphql/possible-types")
    etag = first.headers["etag"]
    for if_none_match in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = await client.get("/graphql/possible-types", headers={"if-none-match": if_none_match})
        assert again.status_code == 304, if_none_match
        assert (again.content, again.headers["etag"]) == (b"", etag)
        assert again.headers["cache-control"] == "public, max-age=3600"
    stale = await client.get("/graphql/possible-types", headers={"if-none-match": '"other"'})
    assert (stale.status_code, stale.json()) == (200, first.json())


async def test_head_answers_the_headers(client: httpx.AsyncClient) -> None:
    response = await client.head("/graphql/possible-types")
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["etag"] == (await client.get("/graphql/possible-types")).headers["etag"]


async def test_no_map_when_introspection_is_off(tmp_path: Path) -> None:
    """With REPOFOLIO_INTROSPECTION off the schema's type names are not served this way either."""
    async with served(tmp_path, introspection=False) as client:
        response = await client.get("/graphql/possible-types")
    assert response.status_code == 404
