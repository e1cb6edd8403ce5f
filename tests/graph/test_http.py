"""The /graphql endpoint over HTTP: media types, status codes and error bodies (GraphQL-over-HTTP spec)."""

import logging
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import strawberry
from fastapi import FastAPI
from graphql import GraphQLError

from db.settings import DatabaseSettings
from graph.app import Settings
from graph.demo.generator import DEMO_VIEWER
from graph.errors import masked_errors_extension
from graph.http.playground import Playground
from graph.http.router import GRAPHQL_RESPONSE_JSON, JSON, GraphQLRouter, negotiate
from graph.settings import ApiSettings
from sync.settings import SyncSettings
from tests.graph.conftest import running_app

# Documents that never execute: they fail to parse, to validate, or to coerce their variables.
REQUEST_ERRORS = ["{ hello", "{ nope }", "query Q($n: Int!) { limited(first: $n) }"]
SECRET = "SELECT * FROM token WHERE value = 'ghp_secret'"


@strawberry.type
class Query:
    @strawberry.field
    def hello(self, name: str = "world") -> str:
        return f"Hello, {name}!"

    @strawberry.field
    def limited(self, first: int) -> int:
        if first > 100:
            raise GraphQLError("`first` must be at most 100.", extensions={"code": "ARGUMENT_LIMIT"})
        return first

    @strawberry.field
    def user(self, login: str) -> str | None:
        raise GraphQLError(
            f"Could not resolve to a User with the login of '{login}'.", extensions={"code": "NOT_FOUND"}
        )

    @strawberry.field
    def broken(self) -> str | None:
        raise RuntimeError(SECRET)


@strawberry.type
class Mutation:
    @strawberry.mutation
    def touch(self) -> bool:
        return True


def make_app(**router_options: object) -> FastAPI:
    schema = strawberry.Schema(query=Query, mutation=Mutation, extensions=[masked_errors_extension()])
    app = FastAPI()
    app.include_router(GraphQLRouter(schema, **router_options), prefix="/graphql")  # type: ignore[arg-type]
    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=make_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def post(client: httpx.AsyncClient, body: object, accept: str | None = None) -> httpx.Response:
    headers = {"accept": accept} if accept else {}
    return await client.post("/graphql", json=body, headers=headers)


def assert_json_errors(response: httpx.Response, status: int) -> list[dict[str, object]]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].split(";")[0] in (JSON, GRAPHQL_RESPONSE_JSON)
    body = response.json()
    assert "data" not in body
    assert isinstance(body["errors"], list) and body["errors"]
    assert all(isinstance(error["message"], str) for error in body["errors"])
    return body["errors"]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON),
        ("", JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        ("application/json", JSON),
        (GRAPHQL_RESPONSE_JSON, GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON}, {JSON}", GRAPHQL_RESPONSE_JSON),
        (f"{JSON}, {GRAPHQL_RESPONSE_JSON}", GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON};q=0.5, {JSON}", JSON),
        (f"{GRAPHQL_RESPONSE_JSON}, */*;q=0.8", GRAPHQL_RESPONSE_JSON),
        ("text/html", None),
        (f"{JSON};q=0", None),
    ],
)
def test_negotiation_prefers_graphql_response_json_only_when_named(accept: str | None, expected: str) -> None:
    assert negotiate(accept) == expected


async def test_post_query_answers_200_with_data(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": '{ hello(name: "Ada") }'})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.json() == {"data": {"hello": "Hello, Ada!"}}


async def test_post_query_with_graphql_response_json_answers_in_that_media_type(
    client: httpx.AsyncClient,
) -> None:
    response = await post(client, {"query": "{ hello }"}, accept=GRAPHQL_RESPONSE_JSON)
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8"
    assert response.json() == {"data": {"hello": "Hello, world!"}}


async def test_get_query_with_variables_answers_200(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql",
        params={"query": "query Q($n: String!) { hello(name: $n) }", "variables": '{"n": "Grace"}'},
        headers={"accept": JSON},
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"hello": "Hello, Grace!"}}


@pytest.mark.parametrize("query", REQUEST_ERRORS, ids=["parse", "validate", "coerce"])
async def test_request_errors_are_400_without_data_under_graphql_response_json(
    client: httpx.AsyncClient, query: str
) -> None:
    response = await post(client, {"query": query, "variables": {"n": None}}, accept=GRAPHQL_RESPONSE_JSON)
    assert_json_errors(response, 400)
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE_JSON)


@pytest.mark.parametrize("query", REQUEST_ERRORS, ids=["parse", "validate", "coerce"])
async def test_request_errors_are_200_without_data_under_application_json(
    client: httpx.AsyncClient, query: str
) -> None:
    response = await post(client, {"query": query, "variables": {"n": None}}, accept=JSON)
    assert_json_errors(response, 200)
    assert response.headers["content-type"].startswith(JSON)


async def test_validation_error_names_the_unknown_field(client: httpx.AsyncClient) -> None:
    response = await post(client, {"query": "{ nope }"}, accept=GRAPHQL_RESPONSE_JSON)
    [error] = assert_json_errors(response, 400)
    assert error["message"] == "Cannot query field 'nope' on type 'Query'."
    assert error["locations"] == [{"line": 1, "column": 3}]


@pytest.mark.parametrize(
    ("content", "headers", "status"),
    [
        (b"", {"content-type": JSON}, 400),
        (b"{}", {"content-type": JSON}, 400),
        (b'{"query": ""}', {"content-type": JSON}, 400),
        (b'{"qeury": "{ hello }"}', {"content-type": JSON}, 400),
        (b'{ "not a JSON', {"content-type": JSON}, 400),
        (b"[1]", {"content-type": JSON}, 400),
        (b"0", {"content-type": JSON}, 400),
        (b'{"query": 0}', {"content-type": JSON}, 400),
        (b'{"query": "{ hello }", "variables": "x"}', {"content-type": JSON}, 400),
        (b'{"query": "{ hello }", "variables": []}', {"content-type": JSON}, 400),
        (b'{"query": "{ hello }", "extensions": 0}', {"content-type": JSON}, 400),
        (b'{"query": "{ hello }", "operationName": false}', {"content-type": JSON}, 400),
        (b'{"query": "{ hello }"}', {"content-type": "text/plain"}, 415),
        (b'{"query": "{ hello }"}', {}, 415),
    ],
    ids=[
        "empty-body",
        "missing-query",
        "empty-query",
        "typo",
        "malformed-json",
        "array",
        "number",
        "non-string-query",
        "string-variables",
        "array-variables",
        "number-extensions",
        "boolean-operation-name",
        "text-plain",
        "no-content-type",
    ],
)
@pytest.mark.parametrize("accept", [JSON, GRAPHQL_RESPONSE_JSON])
async def test_malformed_requests_get_json_errors_with_4xx(
    client: httpx.AsyncClient, content: bytes, headers: dict[str, str], status: int, accept: str
) -> None:
    response = await client.post("/graphql", content=content, headers={**headers, "accept": accept})
    assert_json_errors(response, status)
    assert response.headers["content-type"].startswith(accept)


async def test_unknown_operation_name_is_a_graphql_error(client: httpx.AsyncClient) -> None:
    body = {"query": "query A { hello }", "operationName": "B"}
    assert_json_errors(await post(client, body, accept=JSON), 200)
    [error] = assert_json_errors(await post(client, body, accept=GRAPHQL_RESPONSE_JSON), 400)
    assert error["message"] == 'Unknown operation named "B".'


async def test_get_without_query_is_a_json_error(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"accept": JSON})
    [error] = assert_json_errors(response, 400)
    assert error["message"] == "No GraphQL query found in the request"


async def test_mutation_over_get_is_refused_with_405_and_allow(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql", params={"query": "mutation { touch }"}, headers={"accept": GRAPHQL_RESPONSE_JSON}
    )
    [error] = assert_json_errors(response, 405)
    assert response.headers["allow"] == "POST"
    assert error["extensions"] == {"code": "METHOD_NOT_ALLOWED"}


async def test_mutation_over_post_runs(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "mutation { touch }"})
    assert response.status_code == 200
    assert response.json() == {"data": {"touch": True}}


async def test_other_methods_are_405_with_json_errors(client: httpx.AsyncClient) -> None:
    response = await client.put("/graphql", json={"query": "{ hello }"})
    assert_json_errors(response, 405)
    assert response.headers["allow"] == "GET, HEAD, POST, OPTIONS"


async def test_unacceptable_accept_is_406(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ hello }"}, headers={"accept": "text/csv"})
    assert_json_errors(response, 406)


async def test_not_found_error_carries_github_type_and_extension_code(client: httpx.AsyncClient) -> None:
    response = await post(client, {"query": '{ user(login: "nobody") }'}, accept=GRAPHQL_RESPONSE_JSON)
    assert response.status_code == 200
    assert response.json() == {
        "data": {"user": None},
        "errors": [
            {
                "type": "NOT_FOUND",
                "message": "Could not resolve to a User with the login of 'nobody'.",
                "locations": [{"line": 1, "column": 3}],
                "path": ["user"],
                "extensions": {"code": "NOT_FOUND"},
            }
        ],
    }


async def test_invalid_argument_is_a_graphql_error_not_a_500(client: httpx.AsyncClient) -> None:
    response = await post(client, {"query": "{ limited(first: 101) }"}, accept=GRAPHQL_RESPONSE_JSON)
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["message"] == "`first` must be at most 100."
    assert "type" not in body["errors"][0]


async def test_unexpected_exception_is_masked_and_logged_under_its_id(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="graph.errors"):
        response = await post(client, {"query": "{ hello broken }"}, accept=GRAPHQL_RESPONSE_JSON)
    assert response.status_code == 200
    assert SECRET not in response.text and "RuntimeError" not in response.text
    assert "Traceback" not in response.text
    body = response.json()
    assert body["data"] == {"hello": "Hello, world!", "broken": None}
    [error] = body["errors"]
    assert error["message"] == "Internal server error"
    assert error["path"] == ["broken"]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    error_id = error["extensions"]["errorId"]
    assert len(error_id) == 32 and int(error_id, 16) >= 0
    [record] = [r for r in caplog.records if r.name == "graph.errors"]
    assert error_id in record.getMessage()
    assert record.exc_info is not None and str(record.exc_info[1]) == SECRET


async def test_failing_context_getter_is_a_masked_json_500(caplog: pytest.LogCaptureFixture) -> None:
    def context_getter() -> dict[str, object]:
        raise RuntimeError(SECRET)

    transport = httpx.ASGITransport(app=make_app(context_getter=context_getter))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        with caplog.at_level(logging.ERROR, logger="graph.errors"):
            response = await client.post("/graphql", json={"query": "{ hello }"})
    [error] = assert_json_errors(response, 500)
    assert SECRET not in response.text
    assert error["message"] == "Internal server error"
    assert error["extensions"]["errorId"] in caplog.text


async def test_graphiql_is_served_to_browsers() -> None:
    transport = httpx.ASGITransport(app=make_app(playground=Playground()))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/graphql", headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()


async def test_without_graphiql_a_browser_gets_a_json_error() -> None:
    transport = httpx.ASGITransport(app=make_app(playground=None))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/graphql", headers={"accept": "text/html"})
    assert_json_errors(response, 406)


async def test_queries_over_get_can_be_turned_off() -> None:
    transport = httpx.ASGITransport(app=make_app(allow_queries_via_get=False))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/graphql", params={"query": "{ hello }"})
    assert_json_errors(response, 405)
    assert response.headers["allow"] == "POST"


# --- the same promises through the real app (demo data, lifespan, the schema's own extensions) ---------


@pytest.fixture
async def app_client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        api=ApiSettings(demo=True),
        database=DatabaseSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'http.db'}"),
        sync=SyncSettings(),
    )
    async with running_app(settings) as client:
        yield client


async def test_app_answers_queries_over_post_and_get(app_client: httpx.AsyncClient) -> None:
    expected = {"data": {"viewer": {"login": DEMO_VIEWER}}}
    response = await post(app_client, {"query": "{ viewer { login } }"}, accept=GRAPHQL_RESPONSE_JSON)
    assert (response.status_code, response.json()) == (200, expected)
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE_JSON)
    response = await app_client.get("/graphql", params={"query": "{ viewer { login } }"})
    assert (response.status_code, response.json()) == (200, expected)


async def test_app_unknown_login_is_null_with_a_github_not_found_error(app_client: httpx.AsyncClient) -> None:
    response = await post(app_client, {"query": '{ user(login: "nobody-here") { login } }'}, accept=JSON)
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"user": None}
    [error] = body["errors"]
    assert error["type"] == "NOT_FOUND"
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert error["path"] == ["user"]


@pytest.mark.parametrize("query", ["{ viewer {", "{ viewer { nope } }"], ids=["parse", "validate"])
async def test_app_request_errors_follow_the_media_type(app_client: httpx.AsyncClient, query: str) -> None:
    assert_json_errors(await post(app_client, {"query": query}, accept=GRAPHQL_RESPONSE_JSON), 400)
    assert_json_errors(await post(app_client, {"query": query}, accept=JSON), 200)


async def test_app_missing_query_and_empty_body_are_json_errors(app_client: httpx.AsyncClient) -> None:
    assert_json_errors(await post(app_client, {}), 400)
    response = await app_client.post("/graphql", content=b"", headers={"content-type": JSON})
    assert_json_errors(response, 400)


async def test_app_refuses_mutations_over_get(app_client: httpx.AsyncClient) -> None:
    response = await app_client.get("/graphql", params={"query": "mutation { requestRefresh { started } }"})
    assert_json_errors(response, 405)
    assert response.headers["allow"] == "POST"


async def test_app_serves_graphiql_to_browsers(app_client: httpx.AsyncClient) -> None:
    response = await app_client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")


async def test_app_masks_a_database_failure(app_client: httpx.AsyncClient, tmp_path: Path) -> None:
    """A resolver hitting a broken database answers a generic error: no SQL, table name or driver text."""
    with sqlite3.connect(tmp_path / "http.db") as connection:
        connection.execute("ALTER TABLE repository RENAME TO repository_gone")
    response = await post(app_client, {"query": "{ repositories(first: 1) { totalCount } }"}, accept=JSON)
    assert response.status_code == 200
    [error] = response.json()["errors"]
    assert error["message"] == "Internal server error"
    assert set(error["extensions"]) == {"code", "errorId"}
    for leak in ("SELECT", "repository", "sqlite", "OperationalError", "Traceback"):
        assert leak not in response.text
