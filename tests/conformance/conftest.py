"""Conformance tests use the Management API tests' client of the tenant; the SDK and
example pages run in Debian's Chromium, launched as tests/browser launches it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS
from tests.tenant_management.support import TenantApi


@pytest.fixture
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium) -> Iterator[Page]:
    """A fresh browser context's page (no cookies), with the browser tests' timeout."""
    context = chromium.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


@pytest.fixture
def api(tenant) -> TenantApi:
    """The tenant's API, with demo data and rate limits restored before the test."""
    client = TenantApi(tenant)
    client.reset()
    return client
