"""The body size cap and CORS, in front of a tiny FastAPI app reached through httpx's ASGI transport."""

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request

from graph.cli.main import main
from graph.http.middleware import BodySizeLimit, add_cors
from graph.settings import ApiSettings

LIMIT = 1_000
SITE = "https://site.example"


def make_app(settings: ApiSettings | None = None) -> tuple[FastAPI, list[int]]:
    """An app echoing the size of what it received; `seen` records every body that reached it."""
    settings = settings or ApiSettings(max_body_bytes=LIMIT)
    app = FastAPI()
    seen: list[int] = []

    @app.post("/graphql")
    async def graphql(request: Request) -> dict[str, int]:
        body = await request.body()
        seen.append(len(body))
        return {"received": len(body)}

    @app.get("/graphql")
    async def get_graphql() -> dict[str, str]:
        return {"ok": "yes"}

    add_cors(app, settings)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    return app, seen


def client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1")


async def test_a_body_within_the_limit_reaches_the_app() -> None:
    """A body of exactly max_body_bytes passes through whole."""
    app, seen = make_app()
    async with client(app) as http:
        response = await http.post("/graphql", content=b"x" * LIMIT)
    assert response.status_code == 200
    assert response.json() == {"received": LIMIT}
    assert seen == [LIMIT]


async def test_an_oversized_body_is_refused_with_413() -> None:
    """One byte over the cap, declared by Content-Length, gets 413 and a GraphQL-shaped error."""
    app, seen = make_app()
    async with client(app) as http:
        response = await http.post("/graphql", content=b"x" * (LIMIT + 1))
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "errors": [
            {
                "message": "The request body exceeds the limit of 1,000 bytes.",
                "extensions": {"code": "PAYLOAD_TOO_LARGE"},
            }
        ]
    }
    assert seen == []


async def test_a_one_megabyte_query_is_refused() -> None:
    """A 1 MB GraphQL request under the default cap (100,000 bytes) never reaches the app."""
    app, seen = make_app(ApiSettings())
    query = "{ viewer { login } }" + " " * 1_000_000
    async with client(app) as http:
        response = await http.post("/graphql", json={"query": query})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert seen == []


async def test_a_chunked_body_without_content_length_is_counted() -> None:
    """A streamed body with no Content-Length is refused once its bytes pass the cap."""
    app, seen = make_app()

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(50):
            yield b"y" * 100

    async with client(app) as http:
        response = await http.post("/graphql", content=chunks())
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert seen == []


async def test_a_small_chunked_body_is_reassembled() -> None:
    """A streamed body within the cap arrives whole."""
    app, seen = make_app()

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(9):
            yield b"z" * 100

    async with client(app) as http:
        response = await http.post("/graphql", content=chunks())
    assert response.status_code == 200
    assert seen == [900]


async def test_a_lying_content_length_is_not_trusted() -> None:
    """A body longer than its declared Content-Length is still counted."""
    app, seen = make_app()
    body = b"x" * (LIMIT * 2)
    messages = [
        {"type": "http.request", "body": body[:LIMIT], "more_body": True},
        {"type": "http.request", "body": body[LIMIT:], "more_body": False},
    ]
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return messages.pop(0)

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-length", b"10"), (b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    await app(scope, receive, send)
    assert sent[0]["status"] == 413
    assert seen == []


@pytest.fixture
def cors_app() -> FastAPI:
    app, _ = make_app(ApiSettings(max_body_bytes=LIMIT, cors_origins=f"{SITE}/, http://localhost:3000"))
    return app


def preflight(origin: str, method: str = "POST", headers: str = "content-type, authorization") -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": headers,
    }


def cors_headers(response: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.startswith("access-control-")}


async def test_preflight_from_an_allowed_origin_succeeds(cors_app: FastAPI) -> None:
    """An allowed origin's preflight for POST with Authorization gets the origin echoed, no credentials."""
    async with client(cors_app) as http:
        response = await http.options("/graphql", headers=preflight(SITE))
    assert response.status_code == 200
    headers = cors_headers(response)
    assert headers["access-control-allow-origin"] == SITE
    assert "POST" in headers["access-control-allow-methods"]
    assert "authorization" in headers["access-control-allow-headers"].lower()
    assert headers["access-control-max-age"] == "600"
    assert "access-control-allow-credentials" not in headers


async def test_simple_request_from_an_allowed_origin_gets_the_origin(cors_app: FastAPI) -> None:
    """The actual request from an allowed origin carries Access-Control-Allow-Origin."""
    async with client(cors_app) as http:
        response = await http.post("/graphql", content=b"{}", headers={"Origin": "http://localhost:3000"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert "Origin" in response.headers["vary"]


@pytest.mark.parametrize("origin", ["https://evil.example", "https://site.example.evil.example", "null"])
async def test_other_origins_get_no_cors_headers(cors_app: FastAPI, origin: str) -> None:
    """A preflight or request from an origin not on the list gets no Access-Control-* header at all."""
    async with client(cors_app) as http:
        refused = await http.options("/graphql", headers=preflight(origin))
        answered = await http.post("/graphql", content=b"{}", headers={"Origin": origin})
    assert refused.status_code == 400
    assert cors_headers(refused) == {}
    assert answered.status_code == 200  # browsers enforce CORS; the server just doesn't opt in
    assert cors_headers(answered) == {}
    assert "Origin" in answered.headers["vary"]


async def test_preflight_for_another_method_is_refused(cors_app: FastAPI) -> None:
    """Only GET, POST and OPTIONS are allowed cross-origin."""
    async with client(cors_app) as http:
        response = await http.options("/graphql", headers=preflight(SITE, method="DELETE"))
    assert response.status_code == 400


async def test_no_origins_means_no_cors() -> None:
    """With an empty REPOFOLIO_CORS_ORIGINS nothing is added: no CORS headers for anyone."""
    app, _ = make_app()
    async with client(app) as http:
        response = await http.get("/graphql", headers={"Origin": SITE})
    assert response.status_code == 200
    assert cors_headers(response) == {}


async def test_the_wildcard_never_comes_with_credentials() -> None:
    """`*` allows any origin, and then credentials are never allowed."""
    app, _ = make_app(ApiSettings(cors_origins="*"))
    async with client(app) as http:
        response = await http.options("/graphql", headers=preflight("https://anyone.example"))
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers


def refusal(entry: str) -> str:
    return (
        f"repofolio: invalid REPOFOLIO_CORS_ORIGINS: {entry!r} is not an origin like https://example.com "
        "(scheme and host, an optional port, no path, no wildcard inside)"
    )


@pytest.mark.parametrize("entry", ["site.example", "https://*.site.example", "https://site.example/path", "ftp://x"])
def test_a_malformed_origin_fails_at_start_up(
    entry: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`repofolio serve` refuses an allowlist entry that can never match a browser's Origin: one line, exit 1."""

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the server started")

    monkeypatch.setattr(uvicorn, "run", never)
    monkeypatch.setenv("REPOFOLIO_CORS_ORIGINS", f"{SITE}, {entry}")
    assert main(["serve", "--port", "0"]) == 1
    out, err = capsys.readouterr()
    assert (out, err.splitlines()) == ("", [refusal(entry)])
    assert not (tmp_path / "repofolio.db").exists()  # refused before anything was opened


def test_a_malformed_origin_stops_the_repofolio_process_with_one_line(tmp_path: Path) -> None:
    """The same through the real process: no traceback, exit code 1."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("REPOFOLIO_")}
    env.update(PYTHONPATH=str(Path(__file__).resolve().parents[2]), REPOFOLIO_CORS_ORIGINS="https://site.example/path")
    command = [sys.executable, "-m", "graph.cli", "serve", "--port", "0"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", refusal("https://site.example/path") + "\n")
