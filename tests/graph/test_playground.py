"""The GraphiQL page and its assets over real HTTP: one origin, hashed names with SRI, immutable caching, and a
page that explains itself when the build had no npm."""

import base64
import hashlib
import re
import shutil
from pathlib import Path

import httpx
import pytest

from graph.http import playground
from tests.graph.serving import served

BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


@pytest.fixture
def bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A graphiql/ folder as a build with npm leaves it: our files and stand-ins for the vendor copies."""
    files = tmp_path / "graphiql"
    shutil.copytree(playground.FILES, files, ignore=shutil.ignore_patterns("vendor"))
    (files / "vendor").mkdir()
    for name in (*playground.SCRIPTS, *playground.STYLES):
        if name.startswith("vendor/"):
            (files / name).write_text(f"/* {name} */\n")
    monkeypatch.setattr(playground, "FILES", files)
    return files


def linked(page: str) -> list[tuple[str, str]]:
    """The (URL, integrity) of every script and stylesheet the page loads."""
    return re.findall(r'<(?:script src|link rel="stylesheet" href)="([^"]+)" integrity="([^"]+)"', page)


async def test_the_page_loads_only_hashed_same_origin_assets_under_a_strict_policy(
    bundled: Path, tmp_path: Path
) -> None:
    """Every script and stylesheet is a path of this origin whose bytes match the page's SRI hash, served for
    a year as immutable; the page's CSP names no other origin and runs no inline script."""
    async with served(tmp_path) as client:
        page = await client.get("/graphql", headers=BROWSER)
        assert page.status_code == 200
        policy = page.headers["content-security-policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["default-src"] == "'none'"
        assert directives["script-src"] == "'self'"
        assert directives["connect-src"] == "'self'"
        assert not re.search(r"https?:|\*|'unsafe-eval'", policy)
        assert page.headers["cache-control"] == "no-cache"
        assert "<script>" not in page.text  # no inline script: script-src 'self' would refuse it
        assets = linked(page.text)
        assert len(assets) == len(playground.SCRIPTS) + len(playground.STYLES)
        for url, integrity in assets:
            assert re.fullmatch(r"/graphql/assets/[\w.-]+\.[0-9a-f]{16}\.(js|css)", url), url
            asset = await client.get(url)
            assert asset.status_code == 200
            assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
            assert integrity == "sha384-" + base64.b64encode(hashlib.sha384(asset.content).digest()).decode()
        assert (await client.get("/graphql/assets/graphiql.min.0000000000000000.js")).status_code == 404


async def test_a_changed_asset_gets_a_new_name(bundled: Path, tmp_path: Path) -> None:
    """A browser holding last build's immutable copy never reuses it for the next build's bytes; the other
    assets keep their names (and the browser's cached copies)."""
    async with served(tmp_path) as client:
        before = {url for url, _ in linked((await client.get("/graphql", headers=BROWSER)).text)}
    (bundled / "vendor" / "graphiql.min.js").write_text("/* the next release */\n")
    async with served(tmp_path) as client:
        after = {url for url, _ in linked((await client.get("/graphql", headers=BROWSER)).text)}
        (gone,) = before - after
        assert (await client.get(gone)).status_code == 404
    (new,) = after - before
    assert gone.startswith("/graphql/assets/graphiql.min.") and new.startswith("/graphql/assets/graphiql.min.")


async def test_without_the_vendor_copies_the_page_says_how_to_get_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build without npm serves a page naming npm and the reinstall command instead of a blank playground,
    and the API still answers."""
    files = tmp_path / "graphiql"
    shutil.copytree(playground.FILES, files, ignore=shutil.ignore_patterns("vendor"))
    monkeypatch.setattr(playground, "FILES", files)
    async with served(tmp_path) as client:
        page = await client.get("/graphql", headers=BROWSER)
        answer = await client.post("/graphql", json={"query": "{ viewer { login } }"})
    assert page.status_code == 200
    assert "GraphiQL is not bundled in this installation" in page.text
    assert "npm" in page.text and "pip install --force-reinstall --no-deps ." in page.text
    assert "vendor/graphiql.min.js" in page.text
    assert "<script" not in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert answer.json() == {"data": {"viewer": {"login": "dana-demo-dev"}}}


async def test_no_assets_are_served_with_graphiql_off(bundled: Path, tmp_path: Path) -> None:
    async with served(tmp_path) as client:
        url = linked((await client.get("/graphql", headers=BROWSER)).text)[0][0]
    async with served(tmp_path, graphiql=False) as client:
        assert (await client.get(url)).status_code == 404
        page = await client.get("/graphql", headers=BROWSER)
    assert isinstance(page, httpx.Response) and "not bundled" not in page.text and "<script" not in page.text
