"""examples/token_in_browser: the seed's way (implicit `token id_token`, then the
Management API from the page) works against the local tenant, in Debian's Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.tenant.directory import ALICE_ID
from examples.token_in_browser.serve import CLIENT_ID, create_page_app
from tests.browser.ui_fixtures import fill_tenant_login
from tests.support.servers import LiveServer
from tests.support.tenant import ALICE

pytestmark = pytest.mark.browser


@pytest.fixture
def example_url(tenant, hooks) -> Iterator[str]:
    server = LiveServer(url_host="localhost").serve(create_page_app(tenant.url))
    hooks.client_urls(CLIENT_ID, callbacks=[server.url + "/"], web_origins=[server.url])
    yield server.url
    server.stop()


def test_the_page_signs_in_and_reads_the_profile_from_the_management_api(
        chromium, tenant, example_url):
    chromium.run(signs_in_and_reads_the_profile, tenant, example_url)


def signs_in_and_reads_the_profile(page, tenant, example_url) -> None:
    page.goto(example_url + "/")
    page.click("#sign-in")
    page.wait_for_url(tenant.url + "/u/login*")
    fill_tenant_login(page)  # as alice, answering her enrolled authenticator
    page.wait_for_function("document.getElementById('status').textContent.startsWith('signed')")
    assert page.text_content("#status") == f"signed in as {ALICE[0]}"
    assert f'"user_id": "{ALICE_ID}"' in page.text_content("#profile")
    assert page.url == example_url + "/"  # the token left the address bar
