"""Browser tests: Playwright driving Debian's Chromium against the BFF and the tenant on loopback.

Fixtures: `browser` (one headless Chromium for the whole session), `context` and
`page` (fresh per test; on failure every page of the test is saved to
`artifacts/screenshots/`). The account UI's own fixtures (`tests/browser/ui_fixtures.py`)
are registered as a plugin here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.support.waiting import SERVER_START

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
#: How long a page may take to show what a test expects. Generous: on a loaded 2-core
#: machine a page and its modules can take seconds; a passing page answers at once.
TIMEOUT_MS = 20_000


def pytest_configure(config: pytest.Config) -> None:
    from tests.browser import ui_fixtures

    if not config.pluginmanager.is_registered(ui_fixtures):
        config.pluginmanager.register(ui_fixtures, "selfserve-ui-fixtures")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"browser_report_{report.when}", report)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                              timeout=SERVER_START * 1000)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser, request) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    report = getattr(request.node, "browser_report_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        for index, page in enumerate(context.pages):
            page.screenshot(path=str(SCREENSHOTS / f"FAILED-{name}-{index}.png"), full_page=True)
    context.close()


@pytest.fixture
def page(context) -> Page:
    return context.new_page()
