"""GraphiQL served by repofolio alone: the page at `/graphql`, its assets under `/graphql/assets/`.

The third-party assets (React, GraphiQL and its explorer plugin: their npm packages at the versions
build_backend/package-lock.json pins) are copied into `graphiql/vendor/` when repofolio is built
(build_backend/repofolio_build.py); nothing is fetched at run time. Each asset is served under a name holding
a hash of its bytes, with an SRI `integrity` on the page and a year's immutable Cache-Control: a new build gets
new names. The page's Content-Security-Policy names only its own origin (see CONTENT_SECURITY_POLICY).
A build without npm has no vendor files: the page then says so and how to get them.
"""

import base64
import hashlib
import html
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from starlette.responses import HTMLResponse, Response

FILES = Path(__file__).parent / "graphiql"
VENDOR = FILES / "vendor"
ASSETS_PATH = "/graphql/assets"
# In load order: React before the UMD bundles that read the `React` global, GraphiQL before its plugin, ours last.
SCRIPTS = (
    "vendor/react.production.min.js",
    "vendor/react-dom.production.min.js",
    "vendor/graphiql.min.js",
    "vendor/plugin-explorer.umd.js",
    "boot.js",
)
STYLES = ("vendor/graphiql.min.css", "vendor/plugin-explorer.css", "page.css")
# Only this origin; no inline or eval'd script, no workers, frames or forms. `data:` for images and fonts: GraphiQL's
# stylesheet embeds its fonts and icons as data URLs (nothing is fetched for them). Styles allow 'unsafe-inline'
# because GraphiQL's dialogs (settings, shortcuts: Radix, react-remove-scroll-bar) insert a <style> element whose
# content is measured at run time, so no hash fits; React and CodeMirror set styles through the CSSOM, which CSP
# does not restrict. An injected style can fetch nothing from another origin (img-src, font-src).
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'self'",
    )
)
MISSING_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
IMMUTABLE = "public, max-age=31536000, immutable"
MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


@dataclass(frozen=True)
class Asset:
    """One file of the page: its bytes, the hashed name it is served under, its SRI digest."""

    body: bytes
    name: str
    integrity: str
    media_type: str

    @classmethod
    def read(cls, path: Path) -> "Asset":
        body = path.read_bytes()
        stem, _, suffix = path.name.rpartition(".")
        name = f"{stem}.{hashlib.sha256(body).hexdigest()[:16]}.{suffix}"
        integrity = "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode()
        return cls(body, name, integrity, MEDIA_TYPES[path.suffix])

    @property
    def url(self) -> str:
        return f"{ASSETS_PATH}/{self.name}"


class Playground:
    """The GraphiQL page and its assets, read once from `files` (default: this build's graphiql/ folder)."""

    def __init__(self, files: Path | None = None) -> None:
        files = files or FILES
        self.missing = [name for name in (*SCRIPTS, *STYLES) if not (files / name).is_file()]
        self.assets: dict[str, Asset] = {}
        if self.missing:
            self.page = MISSING_PAGE.format(missing=html.escape(", ".join(self.missing))).encode()
            self.policy = MISSING_POLICY
            return
        scripts = [Asset.read(files / name) for name in SCRIPTS]
        styles = [Asset.read(files / name) for name in STYLES]
        self.assets = {asset.name: asset for asset in (*scripts, *styles)}
        self.page = PAGE.format(
            styles="\n    ".join(
                f'<link rel="stylesheet" href="{a.url}" integrity="{a.integrity}" crossorigin="anonymous">'
                for a in styles
            ),
            scripts="\n    ".join(
                f'<script src="{a.url}" integrity="{a.integrity}" crossorigin="anonymous"></script>' for a in scripts
            ),
        ).encode()
        self.policy = CONTENT_SECURITY_POLICY

    @property
    def bundled(self) -> bool:
        return not self.missing

    def page_response(self) -> HTMLResponse:
        # Revalidated on each visit (it is small): it names the current build's assets.
        headers = {
            "Content-Security-Policy": self.policy,
            "Cache-Control": "no-cache",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        }
        return HTMLResponse(self.page, headers=headers)

    def asset_response(self, name: str) -> Response:
        asset = self.assets.get(name)
        if asset is None:
            return Response("Not Found", status_code=404, media_type="text/plain; charset=utf-8")
        headers = {"Cache-Control": IMMUTABLE, "X-Content-Type-Options": "nosniff"}
        return Response(asset.body, media_type=asset.media_type, headers=headers)


def add_playground_assets(app: FastAPI, playground: Playground) -> None:
    """Serve the playground's assets under ASSETS_PATH (the page itself is the router's, at /graphql)."""

    @app.get(ASSETS_PATH + "/{name}", include_in_schema=False)
    async def serve_asset(name: str) -> Response:
        return playground.asset_response(name)


PAGE = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>repofolio GraphiQL</title>
    <link rel="icon" href="data:,">
    {styles}
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    {scripts}
  </body>
</html>
"""

MISSING_PAGE = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>repofolio: GraphiQL is not bundled</title>
  </head>
  <body>
    <h1>GraphiQL is not bundled in this installation</h1>
    <p>repofolio copies GraphiQL's npm packages into itself when it is built, and this build had no npm
    (missing: {missing}). The API works: send GraphQL queries to this URL with POST or GET.</p>
    <p>To get the playground, install Node.js and npm (Debian: <code>apt-get install nodejs npm</code>) and
    install repofolio again from its source directory: <code>pip install --force-reinstall --no-deps .</code>
    (or <code>pip install -e .</code>).</p>
  </body>
</html>
"""
