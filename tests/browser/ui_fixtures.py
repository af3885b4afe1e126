"""Fixtures of the account UI's browser tests (a pytest plugin the browser conftest loads).

Chain: the session's one Chromium (conftest's `browser`) -> a fresh context and
page per test -> a BFF that allows the example host site to embed it -> the page
signed in as alice through the real tenant login form. The tenant is reset before
each test. A failing test saves a screenshot of each of its pages to
artifacts/screenshots/.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pyotp
import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from app.tenant.directory import ALICE_TOTP_SECRET
from tests.browser.conftest import SCREENSHOTS, TIMEOUT_MS
from tests.support.servers import LiveServer

ALICE = ("alice@example.com", "alice-demo-password")


@pytest.fixture(scope="session")
def host_server(bff_server) -> Iterator[LiveServer]:
    """The example host site (examples/host_site.py) on localhost: the same site as the BFF."""
    from examples.host_site import create_host_app

    server = LiveServer(url_host="localhost").serve(create_host_app(bff_server.url))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def foreign_host_server(bff_server) -> Iterator[LiveServer]:
    """The same host site on 127.0.0.1: an origin the BFF does not allow to embed it."""
    from examples.host_site import create_host_app

    server = LiveServer(url_host="127.0.0.1").serve(create_host_app(bff_server.url))
    yield server
    server.stop()


@pytest.fixture
def ui_bff(make_bff, host_server, hooks, bff_env):
    """The BFF for UI tests: allows the example host site; `ui_bff.session_dir` is its
    DATA_DIR (the store's folder)."""
    app = make_bff(EMBED_ALLOWED_ORIGINS=host_server.url)
    app.session_dir = Path(bff_env["DATA_DIR"])  # type: ignore[attr-defined]
    return app


@pytest.fixture
def ui_context(context) -> BrowserContext:
    """The conftest's fresh context (screenshots on failure), with `expect` waiting as
    long as the context does."""
    expect.set_options(timeout=TIMEOUT_MS)
    return context


@pytest.fixture
def ui_page(ui_context) -> Page:
    return ui_context.new_page()


#: How Chromium reports an HTTP error status or an unreachable host of any request.
NETWORK_REPORT = "Failed to load resource:"


class ConsoleErrors(list):
    """The console errors of a test's pages (see `console_errors`); a test asserts it
    empty. `allow(status, path)`: a failed request the test causes on purpose (a 409
    conflict, a 503 outage) is not an error of the page."""

    def __init__(self, own_origins: tuple[str, ...]) -> None:
        super().__init__()
        self.own_origins = own_origins
        self.allowed: list[tuple[int, str]] = []

    def allow(self, status: int, path: str) -> None:
        self.allowed.append((status, path))

    def on_console(self, message) -> None:
        if message.type != "error":
            return
        url = message.location.get("url") or ""
        if message.text.startswith(NETWORK_REPORT):
            # Another site's resource (a profile picture on a host the sandbox cannot
            # resolve) is the network's business; ours failing is a page that does not work.
            if not url.startswith(self.own_origins):
                return
            status = re.search(r"status of (\d+)", message.text)
            path = urlsplit(url).path
            if status and (int(status[1]), path) in self.allowed:
                return
        self.append(f"{url}: {message.text}")


@pytest.fixture
def console_errors_in(bff_server, tenant):
    """`console_errors_in(context)`: the ConsoleErrors of another context of the test's."""

    def watch(context: BrowserContext) -> ConsoleErrors:
        errors = ConsoleErrors((bff_server.url + "/", tenant.url + "/"))
        context.on("console", errors.on_console)
        context.on("weberror", lambda error: errors.append(f"uncaught: {error.error}"))
        return errors

    return watch


@pytest.fixture
def console_errors(ui_context, console_errors_in) -> ConsoleErrors:
    """The console errors and uncaught exceptions of every page of the test's context
    (pop-ups included) from the moment the fixture is set up, Chromium's failed-request
    lines for the BFF's and the tenant's own URLs included."""
    return console_errors_in(ui_context)


def sign_in_ui(page: Page, bff_url: str, path: str = "/", account=ALICE,
               button: str = "Sign in") -> None:
    """From the account page's sign-in screen through the tenant's login form and back."""
    page.goto(bff_url + path)
    page.get_by_role("button", name=button).click()
    fill_tenant_login(page, account)
    page.wait_for_url(re.compile(re.escape(bff_url) + r"/.*"))
    expect(page.locator(".topbar")).to_be_visible()


def fill_tenant_login(page: Page, account=ALICE, totp_secret: str = ALICE_TOTP_SECRET) -> None:
    """The tenant's login form, then its second-factor page when it asks (alice's seeded
    authenticator by default)."""
    page.locator("#username").fill(account[0])
    page.locator("#password").fill(account[1])
    page.get_by_role("button", name="Continue").click()
    answer_second_factor_ui(page, totp_secret)


def answer_second_factor_ui(page: Page, totp_secret: str = ALICE_TOTP_SECRET) -> None:
    """After the login form: the authenticator code, when the tenant asks for one."""
    page.wait_for_url(lambda url: "/u/login" not in url)
    if "/u/mfa" in page.url:
        page.locator("#code").fill(pyotp.TOTP(totp_secret).now())
        page.get_by_role("button", name="Continue").click()


def reauthenticate(page: Page, bff_url: str, sign_in: Callable[[Page], None],
                   view_path: str = "/security") -> Locator:
    """After a sensitive action met a stale sign-in: the page explains (nothing changed
    yet), signs in again through the tenant with `sign_in(page)`, and comes back to
    `view_path`; returns the "You signed in again" dialog that asks once more (not waited
    for: until it shows, the action still waits in sessionStorage)."""
    explain = page.get_by_role("dialog", name="Confirm it is you")
    expect(explain).to_contain_text("Nothing has been changed yet")
    explain.get_by_role("button", name="Sign in again").click()
    sign_in(page)
    page.wait_for_url(bff_url + view_path)
    return page.get_by_role("dialog", name="You signed in again")


def withhold_my_account(hooks, tenant) -> None:
    """From the next sign-in on, the tenant gives the BFF no My Account API token (no
    client grant, no refresh token policy for it): the page shows the Management API's
    MFA enrollments on their own, as it does for such a tenant. Undone by the tenant's
    reset before the next test."""
    answer = hooks.http.post(f"{tenant.url}/__test__/clients/selfserve-demo-bff/api-access",
                             json={"client_grants": {}, "refresh_token_policies": {}},
                             timeout=10)
    assert answer.status_code == 200, answer.text


@pytest.fixture
def alice_page_without_my_account(ui_page, ui_bff, bff_server, hooks, tenant) -> Page:
    """`alice_page` on a tenant that gives the BFF no My Account API token."""
    withhold_my_account(hooks, tenant)
    sign_in_ui(ui_page, bff_server.url)
    expect(ui_page.get_by_role("heading", level=1, name="Profile")).to_be_visible()
    return ui_page


@pytest.fixture
def alice_page(ui_page, ui_bff, bff_server) -> Page:
    """A page signed in as alice, showing her profile."""
    sign_in_ui(ui_page, bff_server.url)
    expect(ui_page.get_by_role("heading", level=1, name="Profile")).to_be_visible()
    return ui_page


def user_id(page: Page) -> str:
    """The signed-in user's id, as the BFF reports it to the page."""
    body = page.evaluate("fetch('/bff/user', {credentials: 'include'}).then((r) => r.text())")
    return json.loads(body)["user"]["sub"]


def open_view(page: Page, name: str) -> None:
    """Click a view in the navigation and wait for its heading."""
    page.get_by_role("navigation").get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_focused()


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
