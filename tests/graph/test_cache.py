"""The response cache and automatic persisted queries, through the real app with its lifespan."""

import hashlib
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from fastapi import FastAPI
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from db.data_version import bump_data_version
from db.engine import create_engine, create_sessionmaker
from db.models import Repository
from db.settings import DatabaseSettings
from graph.app import Settings, create_app
from graph.demo.generator import DEMO_VIEWER
from graph.http.cache import PersistedQueries, PersistedQueryError, ResponseCache, variables_key
from graph.http.router import GRAPHQL_RESPONSE_JSON
from graph.settings import ApiSettings
from sync.settings import SyncSettings
from tests.graph.statements import statements_sent

TOKEN = "cache-test-admin-token"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}
REPO = "tidewatch"
DESCRIPTION = "query($o: String!, $n: String!) { repository(owner: $o, name: $n) { description } }"
NAMES = "query($o: String!) { user(login: $o) { repositories(first: 100) { nodes { name } } } }"
SHOWCASE = "query($o: String!, $n: String!) { repository(owner: $o, name: $n) { showcase { summary } } }"
UPDATE = """mutation($input: UpdateShowcaseInput!) {
  updateShowcase(input: $input) { repository { name } }
}"""


def _settings(tmp_path: Path, **api: Any) -> Settings:
    return Settings(
        api=ApiSettings(demo=True, admin_token=TOKEN, **api),
        database=DatabaseSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'cache.db'}"),
        sync=SyncSettings(),
    )


@contextmanager
def _app_client(app: FastAPI) -> Iterator[httpx.AsyncClient]:
    yield httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1")


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[FastAPI]:
    app = create_app(_settings(tmp_path))
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    with _app_client(app) as client:
        async with client:
            yield client


class Statements:
    """Counts the SQL statements a request costs: those through the app's engines, plus data version reads
    (which go through DataVersionReader's own connection)."""

    def __init__(self, app: FastAPI, sent: list[str]) -> None:
        self.sent = sent
        self.reads = 0
        reader = app.state.services.data_version
        read = reader.read

        async def counted_read() -> int:
            self.reads += 1
            return await read()

        reader.read = counted_read

    def take(self) -> int:
        count = len(self.sent) + self.reads
        self.sent.clear()
        self.reads = 0
        return count


@contextmanager
def counting(app: FastAPI) -> Iterator[Statements]:
    services = app.state.services
    engines: list[AsyncEngine] = [services.sessionmaker.kw["bind"], services.reads.kw["bind"]]
    with statements_sent(*engines) as sent:
        yield Statements(app, sent)


@pytest.fixture
def statements(app: FastAPI) -> Iterator[Statements]:
    with counting(app) as counter:
        yield counter


async def _post(
    client: httpx.AsyncClient, query: str | None, variables: dict[str, Any] | None = None, **extra: Any
) -> httpx.Response:
    headers = extra.pop("headers", {})
    body = {"query": query, "variables": variables or {}, **extra}
    return await client.post("/graphql", json=body, headers=headers)


async def _description(client: httpx.AsyncClient, **headers: str) -> str:
    response = await _post(client, DESCRIPTION, {"o": DEMO_VIEWER, "n": REPO}, headers=headers)
    assert response.status_code == 200, response.text
    return str(response.json()["data"]["repository"]["description"])


def _assert_cacheable(response: httpx.Response) -> None:
    assert response.headers["cache-control"] == "public, max-age=60"
    assert response.headers["vary"] == "Accept, Authorization"
    assert response.headers["etag"].startswith('"')


async def test_a_repeated_query_is_answered_from_the_cache_with_one_statement(
    client: httpx.AsyncClient, statements: Statements
) -> None:
    """The second identical request reads only the data version and gets the same bytes and ETag."""
    first = await _post(client, NAMES, {"o": DEMO_VIEWER})
    assert statements.take() > 1
    second = await _post(client, NAMES, {"o": DEMO_VIEWER})
    assert statements.take() == 1
    assert second.content == first.content
    assert second.headers["etag"] == first.headers["etag"]
    _assert_cacheable(first)
    _assert_cacheable(second)


async def test_get_and_post_share_answers_and_get_revalidates_with_304(
    client: httpx.AsyncClient, statements: Statements
) -> None:
    """A GET finds what a POST stored; If-None-Match with the ETag answers 304 without a body."""
    posted = await _post(client, NAMES, {"o": DEMO_VIEWER})
    statements.take()
    params = {"query": NAMES, "variables": orjson.dumps({"o": DEMO_VIEWER}).decode()}
    got = await client.get("/graphql", params=params)
    assert (got.status_code, got.content) == (200, posted.content)
    assert statements.take() == 1
    revalidated = await client.get("/graphql", params=params, headers={"If-None-Match": got.headers["etag"]})
    assert (revalidated.status_code, revalidated.content) == (304, b"")
    assert revalidated.headers["etag"] == got.headers["etag"]
    _assert_cacheable(revalidated)
    other = await client.get("/graphql", params=params, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


async def test_the_etag_differs_by_media_type(client: httpx.AsyncClient) -> None:
    """The same body sent as application/graphql-response+json is another representation, with its own tag."""
    plain = await _post(client, NAMES, {"o": DEMO_VIEWER})
    typed = await _post(client, NAMES, {"o": DEMO_VIEWER}, headers={"Accept": GRAPHQL_RESPONSE_JSON})
    assert typed.content == plain.content
    assert typed.headers["content-type"].startswith(GRAPHQL_RESPONSE_JSON)
    assert typed.headers["etag"] != plain.headers["etag"]


async def test_variables_in_another_order_hit_the_same_answer(
    client: httpx.AsyncClient, statements: Statements
) -> None:
    """Variables are keyed in one canonical spelling."""
    await _post(client, DESCRIPTION, {"o": DEMO_VIEWER, "n": REPO})
    statements.take()
    await _post(client, DESCRIPTION, {"n": REPO, "o": DEMO_VIEWER})
    assert statements.take() == 1


async def test_a_showcase_edit_invalidates_cached_answers(client: httpx.AsyncClient) -> None:
    """updateShowcase bumps the data version: the next public request sees the edit."""
    variables = {"o": DEMO_VIEWER, "n": REPO}
    before = (await _post(client, SHOWCASE, variables)).json()["data"]["repository"]["showcase"]["summary"]
    edit = await _post(
        client, UPDATE, {"input": {"owner": DEMO_VIEWER, "name": REPO, "summary": "Edited."}}, headers=ADMIN
    )
    assert "errors" not in edit.json(), edit.json()
    assert edit.headers["cache-control"] == "no-store"
    after = (await _post(client, SHOWCASE, variables)).json()["data"]["repository"]["showcase"]["summary"]
    assert (before, after) == (before, "Edited.")
    assert before != "Edited."


async def test_a_data_version_bump_from_another_process_invalidates(app: FastAPI, client: httpx.AsyncClient) -> None:
    """A write through another engine is invisible until its transaction bumps the data version; then seen at once."""
    assert await _description(client) != "Changed elsewhere."
    other = create_engine(DatabaseSettings(database_url=str(app.state.settings.database.database_url)))
    try:
        async with create_sessionmaker(other)() as session, session.begin():
            statement = update(Repository).where(Repository.name == REPO).values(description="Changed elsewhere.")
            await session.execute(statement)
        # The cache answers by data version, not by time: a write that does not bump it is not seen.
        assert await _description(client) != "Changed elsewhere."
        async with create_sessionmaker(other)() as session, session.begin():
            await bump_data_version(session)
        assert await _description(client) == "Changed elsewhere."
    finally:
        await other.dispose()


async def test_admin_answers_never_reach_public_requests_and_vice_versa(
    client: httpx.AsyncClient, statements: Statements
) -> None:
    """A hidden repository appears to the admin only, whichever of them asked first; the admin is never cached."""
    hide = await _post(client, UPDATE, {"input": {"owner": DEMO_VIEWER, "name": REPO, "hidden": True}}, headers=ADMIN)
    assert "errors" not in hide.json(), hide.json()

    def names(response: httpx.Response) -> set[str]:
        return {node["name"] for node in response.json()["data"]["user"]["repositories"]["nodes"]}

    public = await _post(client, NAMES, {"o": DEMO_VIEWER})
    assert REPO not in names(public)
    statements.take()
    admin = await _post(client, NAMES, {"o": DEMO_VIEWER}, headers=ADMIN)
    assert REPO in names(admin)
    assert statements.take() > 1
    assert admin.headers["cache-control"] == "no-store"
    assert "etag" not in admin.headers
    again = await _post(client, NAMES, {"o": DEMO_VIEWER}, headers=ADMIN)
    assert REPO in names(again)
    assert statements.take() > 1  # executed afresh, not from the cache
    public_again = await _post(client, NAMES, {"o": DEMO_VIEWER})
    assert REPO not in names(public_again)
    assert public_again.content == public.content


async def test_an_admin_asking_first_stores_nothing_for_the_public(client: httpx.AsyncClient) -> None:
    hide = await _post(client, UPDATE, {"input": {"owner": DEMO_VIEWER, "name": REPO, "hidden": True}}, headers=ADMIN)
    assert "errors" not in hide.json(), hide.json()
    admin = await _post(client, DESCRIPTION, {"o": DEMO_VIEWER, "n": REPO}, headers=ADMIN)
    assert admin.json()["data"]["repository"] is not None
    public = await _post(client, DESCRIPTION, {"o": DEMO_VIEWER, "n": REPO})
    assert public.json()["data"]["repository"] is None


async def test_a_wrong_token_gets_the_public_view_and_may_be_cached(
    client: httpx.AsyncClient, statements: Statements
) -> None:
    """Only a valid admin token bypasses the cache; a wrong one is a public caller."""
    await _post(client, NAMES, {"o": DEMO_VIEWER})
    statements.take()
    wrong = await _post(client, NAMES, {"o": DEMO_VIEWER}, headers={"Authorization": "Bearer nope"})
    assert statements.take() == 1
    _assert_cacheable(wrong)


async def test_sync_status_is_never_cached(client: httpx.AsyncClient, statements: Statements) -> None:
    query = "{ syncStatus { dataVersion } }"
    for _ in range(2):
        response = await _post(client, query)
        assert "errors" not in response.json()
        assert response.headers["cache-control"] == "no-store"
        assert statements.take() > 1


async def test_errors_are_never_cached(client: httpx.AsyncClient, statements: Statements) -> None:
    """An answer with errors (here NOT_FOUND) runs again every time and tells caches not to store it."""
    query = '{ user(login: "nobody-here") { login } }'
    for _ in range(2):
        response = await _post(client, query)
        assert response.json()["errors"][0]["type"] == "NOT_FOUND"
        assert response.headers["cache-control"] == "no-store"
        assert "etag" not in response.headers
        assert statements.take() > 1


async def test_the_cache_can_be_switched_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """REPOFOLIO_RESPONSE_CACHE=off: every request executes; nothing invites caching."""
    monkeypatch.setenv("REPOFOLIO_RESPONSE_CACHE", "off")
    settings = _settings(tmp_path)
    assert settings.api.response_cache is False
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        with counting(app) as statements, _app_client(app) as client:
            async with client:
                for _ in range(2):
                    response = await _post(client, NAMES, {"o": DEMO_VIEWER})
                    assert response.status_code == 200
                    assert response.headers["cache-control"] == "no-store"
                    assert "etag" not in response.headers
                    assert statements.take() > 1


# --- automatic persisted queries -------------------------------------------------------------------


def _persisted(query: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": hashlib.sha256(query.encode()).hexdigest()}}


async def test_persisted_query_round_trip_as_apollo_client_sends_it(client: httpx.AsyncClient) -> None:
    """Hash-only GET → PersistedQueryNotFound; POST with the document stores it; the hash-only GET then answers."""
    variables = orjson.dumps({"o": DEMO_VIEWER}).decode()
    params = {"extensions": orjson.dumps(_persisted(NAMES)).decode(), "variables": variables}
    missing = await client.get("/graphql", params=params)
    assert missing.status_code == 200
    error = missing.json()["errors"][0]
    assert (error["message"], error["extensions"]["code"]) == ("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
    assert "data" not in missing.json()
    assert missing.headers["cache-control"] == "private, no-cache, must-revalidate"

    registered = await _post(client, NAMES, {"o": DEMO_VIEWER}, extensions=_persisted(NAMES))
    assert "errors" not in registered.json(), registered.json()

    found = await client.get("/graphql", params=params)
    assert (found.status_code, found.content) == (200, registered.content)
    _assert_cacheable(found)
    by_post = await _post(client, None, {"o": DEMO_VIEWER}, extensions=_persisted(NAMES))
    assert by_post.content == registered.content


async def test_a_persisted_query_with_the_wrong_hash_is_refused_and_not_stored(client: httpx.AsyncClient) -> None:
    wrong = _persisted("{ viewer { login } }")
    refused = await _post(client, NAMES, {"o": DEMO_VIEWER}, extensions=wrong)
    assert refused.status_code == 400
    assert "data" not in refused.json()
    still_missing = await _post(client, None, extensions=wrong)
    assert still_missing.json()["errors"][0]["message"] == "PersistedQueryNotFound"


async def test_an_unknown_persisted_query_version_is_refused(client: httpx.AsyncClient) -> None:
    response = await _post(client, None, extensions={"persistedQuery": {"version": 2, "sha256Hash": "00"}})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_SUPPORTED"


# --- the stores themselves -------------------------------------------------------------------------


def test_response_cache_is_bounded_and_forgets_the_least_recently_used() -> None:
    cache = ResponseCache(entries=2)
    keys = [cache.key(f"{{ q{i} }}", None, None, 1) for i in range(3)]
    cache.put(keys[0], b"0")
    cache.put(keys[1], b"1")
    assert cache.get(keys[0]) is not None  # now the most recently used
    cache.put(keys[2], b"2")
    assert (len(cache), cache.get(keys[1])) == (2, None)
    assert cache.get(keys[0]) is not None and cache.get(keys[2]) is not None


def test_a_new_data_version_drops_every_older_answer_and_refuses_late_stores() -> None:
    cache = ResponseCache(entries=10)
    old = cache.key("{ a }", None, None, 1)
    cache.put(old, b"old")
    new = cache.key("{ a }", None, None, 2)
    assert (len(cache), cache.get(new)) == (0, None)
    cache.put(old, b"late")  # a request that read version 1 before the change finishes now
    assert len(cache) == 0


def test_variables_key_ignores_order_and_absence() -> None:
    assert variables_key({"a": 1, "b": 2}) == variables_key({"b": 2, "a": 1})
    assert variables_key(None) == variables_key({})


def test_persisted_queries_are_bounded() -> None:
    store = PersistedQueries(entries=1)
    first, second = "{ a }", "{ b }"
    store.resolve(first, _persisted(first)["persistedQuery"])
    store.resolve(second, _persisted(second)["persistedQuery"])
    with pytest.raises(PersistedQueryError):
        store.resolve(None, _persisted(first)["persistedQuery"])
    assert store.resolve(None, _persisted(second)["persistedQuery"]) == second


async def test_a_miss_reads_the_data_version_once(client: httpx.AsyncClient, app: FastAPI) -> None:
    """The hit layer in front of the app hands its key to the router: one version read per request either way."""
    reader = app.state.services.data_version
    read = reader.read
    reads = 0

    async def counted() -> int:
        nonlocal reads
        reads += 1
        return await read()

    reader.read = counted
    for _ in range(2):
        reads = 0
        await _post(client, NAMES, {"o": DEMO_VIEWER})
        assert reads == 1


async def test_hits_carry_cors_headers_for_the_allowed_origin(tmp_path: Path) -> None:
    app = create_app(_settings(tmp_path, cors_origins=["https://portfolio.example"]))
    async with app.router.lifespan_context(app):
        with _app_client(app) as client:
            async with client:
                origin = {"Origin": "https://portfolio.example"}
                for _ in range(2):
                    response = await _post(client, NAMES, {"o": DEMO_VIEWER}, headers=origin)
                    assert response.headers["access-control-allow-origin"] == "https://portfolio.example"
                    assert response.headers["vary"] == "Accept, Authorization, Origin"
                    assert response.headers["etag"]
