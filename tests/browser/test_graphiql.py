"""GraphiQL at /graphql works in a real browser with nothing but repofolio to talk to."""

from pathlib import Path

from playwright.sync_api import Browser, ConsoleMessage, Request, Route, expect

from graph.demo.generator import DEMO_VIEWER
from tests.graph.serving import serve_demo

QUERY = "query { viewer { login } }"


def test_graphiql_runs_a_query_with_every_other_origin_blocked(
    chromium: Browser, artifacts: Path, tmp_path: Path
) -> None:
    """Loaded from `repofolio serve --demo` with every off-origin request aborted, GraphiQL starts without a
    console error or CSP violation, takes a query typed into its editor, runs it and shows the answer; its
    settings dialog and the explorer plugin open."""
    with serve_demo(tmp_path / "demo.db", {}) as (host, port):
        origin = f"http://{host}:{port}"
        context = chromium.new_context(viewport={"width": 1280, "height": 800})
        off_origin: list[str] = []
        errors: list[str] = []

        def only_repofolio(route: Route, request: Request) -> None:
            if request.url.startswith(origin + "/") or request.url.startswith("data:"):
                route.continue_()
            else:
                off_origin.append(request.url)
                route.abort()

        def console(message: ConsoleMessage) -> None:
            if message.type == "error":
                errors.append(message.text)

        context.route("**/*", only_repofolio)
        page = context.new_page()
        page.on("console", console)
        page.on("pageerror", lambda error: errors.append(str(error)))
        try:
            page.goto(f"{origin}/graphql", wait_until="load")
            editor = page.locator(".graphiql-query-editor .CodeMirror").first
            expect(editor).to_be_visible(timeout=20_000)
            editor.click()
            page.keyboard.press("ControlOrMeta+a")
            page.keyboard.press("Delete")
            page.keyboard.insert_text(QUERY)
            page.locator(".graphiql-execute-button").click()
            response = page.locator(".graphiql-response")
            expect(response).to_contain_text(f'"login": "{DEMO_VIEWER}"', timeout=20_000)
            # The settings dialog adds a <style> element (the page's CSP allows it); the explorer is the plugin.
            page.get_by_label("Open settings dialog").click()
            expect(page.get_by_role("dialog")).to_be_visible()
            page.keyboard.press("Escape")
            page.get_by_label("Show GraphiQL Explorer").click()
            expect(page.locator(".graphiql-explorer-root")).to_be_visible()
            page.screenshot(path=artifacts / "graphiql.png", full_page=True)
        finally:
            context.close()
    assert off_origin == []
    assert errors == []
