"""Conformance tests use the Management API tests' client of the tenant; the SDK and
example pages run in Debian's Chromium, launched as tests/browser launches it.

Playwright's sync API allows one instance per thread, and when the whole suite runs the
browser tests' session-wide instance owns the main thread: `chromium` therefore drives
its own Chromium from a thread of its own. A test hands it a scenario,
`chromium.run(scenario, *args)`, called there with a fresh page; what the scenario
returns or raises (a failed assert included) comes back to the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS
from tests.tenant_management.support import TenantApi

#: Seconds a whole scenario may take before the test gives up on it.
SCENARIO_SECONDS = 120


class ChromiumThread:
    def __init__(self) -> None:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chromium")
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._thread.submit(self._start).result(timeout=SCENARIO_SECONDS)

    def _start(self) -> None:
        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(executable_path=CHROMIUM,
                                                         args=CHROMIUM_ARGS)

    def run(self, scenario: Callable[..., Any], *args: Any) -> Any:
        def job() -> Any:
            assert self._browser is not None
            context = self._browser.new_context()
            context.set_default_timeout(TIMEOUT_MS)
            try:
                page: Page = context.new_page()
                return scenario(page, *args)
            finally:
                context.close()

        return self._thread.submit(job).result(timeout=SCENARIO_SECONDS)

    def close(self) -> None:
        def stop() -> None:
            if self._browser is not None:
                self._browser.close()
            if self._playwright is not None:
                self._playwright.stop()

        self._thread.submit(stop).result(timeout=SCENARIO_SECONDS)
        self._thread.shutdown()


@pytest.fixture(scope="module")
def chromium() -> Iterator[ChromiumThread]:
    driver = ChromiumThread()
    yield driver
    driver.close()


@pytest.fixture
def mgmt(tenant) -> TenantApi:
    """The tenant's API, with demo data and rate limits restored before the test."""
    client = TenantApi(tenant)
    client.reset()
    return client
