"""REPOFOLIO_CORS_ALLOW_CREDENTIALS and REPOFOLIO_CORS_ALLOW_HEADERS, over real HTTP to the whole app, and
their refusals at start-up: one line naming the variable."""

from pathlib import Path

import pytest
import uvicorn

from graph.cli.main import main
from tests.graph.serving import served

SITE = "https://portfolio.example"
APOLLO = "content-type, apollo-require-preflight, x-portfolio-build"


def preflight(headers: str) -> dict[str, str]:
    return {"Origin": SITE, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": headers}


async def test_a_preflight_with_configured_headers_and_credentials_is_allowed(tmp_path: Path) -> None:
    """Apollo's `apollo-require-preflight` and a site's own header pass once listed, and with credentials on
    the browser may send cookies: the answer says so, to the listed origin only."""
    async with served(
        tmp_path,
        cors_origins=[SITE],
        cors_allow_credentials=True,
        cors_allow_headers=["Apollo-Require-Preflight", "X-Portfolio-Build"],
    ) as client:
        allowed = await client.options("/graphql", headers=preflight(APOLLO))
        answer = await client.post(
            "/graphql",
            json={"query": "{ __typename }"},
            headers={"origin": SITE, "apollo-require-preflight": "true", "x-portfolio-build": "7"},
        )
        other = await client.options("/graphql", headers={**preflight(APOLLO), "Origin": "https://evil.example"})
    assert allowed.status_code == 200, allowed.text
    assert allowed.headers["access-control-allow-origin"] == SITE
    listed = {name.strip().lower() for name in allowed.headers["access-control-allow-headers"].split(",")}
    assert {"apollo-require-preflight", "x-portfolio-build", "authorization", "content-type"} <= listed
    assert allowed.headers["access-control-allow-credentials"] == "true"
    assert (answer.status_code, answer.json()) == (200, {"data": {"__typename": "Query"}})
    assert answer.headers["access-control-allow-origin"] == SITE
    assert answer.headers["access-control-allow-credentials"] == "true"
    assert other.status_code == 400
    assert not [name for name in other.headers if name.startswith("access-control-")]


async def test_by_default_no_extra_header_and_no_credentials(tmp_path: Path) -> None:
    """Unset, a preflight asking for an unlisted header is refused, and no answer allows credentials."""
    async with served(tmp_path, cors_origins=[SITE]) as client:
        refused = await client.options("/graphql", headers=preflight(APOLLO))
        allowed = await client.options("/graphql", headers=preflight("content-type, authorization"))
        answer = await client.post("/graphql", json={"query": "{ __typename }"}, headers={"origin": SITE})
    assert refused.status_code == 400
    assert allowed.status_code == 200
    for response in (refused, allowed, answer):
        assert "access-control-allow-credentials" not in response.headers


def refused_at_start_up(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> list[str]:
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the server started")

    monkeypatch.setattr(uvicorn, "run", never)
    assert main(["serve", "--port", "0"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    return err.splitlines()


def test_credentials_with_the_wildcard_origin_are_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Any site reading answers with its visitors' cookies is never what was meant: one line, exit 1."""
    monkeypatch.setenv("REPOFOLIO_CORS_ORIGINS", f"{SITE}, *")
    monkeypatch.setenv("REPOFOLIO_CORS_ALLOW_CREDENTIALS", "true")
    assert refused_at_start_up(monkeypatch, capsys) == [
        "repofolio: invalid REPOFOLIO_CORS_ALLOW_CREDENTIALS: credentials cannot be allowed for any origin "
        "('*' in REPOFOLIO_CORS_ORIGINS): list the origins"
    ]


@pytest.mark.parametrize("value", ["X-Ok, x bad", "apollo-require-preflight, *", "x-ok;", "tëst"])
def test_a_bad_header_name_is_refused(
    value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REPOFOLIO_CORS_ORIGINS", SITE)
    monkeypatch.setenv("REPOFOLIO_CORS_ALLOW_HEADERS", value)
    [line] = refused_at_start_up(monkeypatch, capsys)
    bad = value.split(",")[-1].strip()
    assert line == (
        f"repofolio: invalid REPOFOLIO_CORS_ALLOW_HEADERS: {bad!r} is not a header name like X-Request-Id "
        "(comma-separated, no '*')"
    )
