"""Headless Chromium for the tests that load repofolio's pages as a visitor's browser would."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

# Read at collection: `clean_env` removes REPOFOLIO_* from every test's environment. `.ci/run` sets
# REPOFOLIO_TEST_BROWSER=required, so a CI machine without Chromium fails instead of skipping.
BROWSER_VARIABLE = "REPOFOLIO_TEST_BROWSER"
BROWSER_REQUIRED = os.environ.get(BROWSER_VARIABLE, "") == "required"
CHROMIUM = os.environ.get("REPOFOLIO_TEST_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(os.environ.get("REPOFOLIO_TEST_ARTIFACTS") or Path(__file__).parents[2] / "artifacts")


# Per module, not per session: playwright's sync API marks its event loop as running on this thread while it is
# open, and every async test collected after the browser tests would fail with "Cannot run the event loop while
# another loop is running".
@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium driven by playwright, never a browser playwright downloads; skipped without one."""
    if CHROMIUM is None:
        reason = "no chromium on PATH (Debian: apt-get install chromium)"
        if BROWSER_REQUIRED:
            pytest.fail(f"{reason}, and {BROWSER_VARIABLE}=required")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def artifacts() -> Path:
    """Where a browser test writes its screenshots; `.ci/run` keeps this directory."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
