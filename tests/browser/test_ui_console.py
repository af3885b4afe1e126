"""A page that works leaves the console clean: no error, no uncaught exception, and
no failed request to the BFF's or the tenant's own URLs (Chromium logs every 4xx/5xx
answer as "Failed to load resource"), signed out and signed in, on every view, in the
sign-in pop-up and on /callback opened by hand."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_ui_views import VIEWS, wait_loaded
from tests.browser.ui_fixtures import sign_in_ui

pytestmark = pytest.mark.browser


def test_a_signed_out_visit_asks_who_is_signed_in_without_a_failed_request(
    console_errors, ui_page, ui_bff, bff_server
):
    answers = []
    ui_page.on("response", lambda response: answers.append((response.url, response.status)))
    ui_page.goto(bff_server.url + "/")

    expect(ui_page.get_by_role("heading", name="Sign in to manage your account")).to_be_visible()
    asked = [status for url, status in answers if url.startswith(bff_server.url + "/bff/")]
    assert asked == [200], answers  # /bff/session: 200 {"signed_in": false}
    assert console_errors == [], "\n".join(console_errors)


def test_the_bff_user_contract_for_api_clients_is_unchanged(ui_page, ui_bff, bff_server):
    answer = ui_page.context.request.get(bff_server.url + "/bff/user",
                                         headers={"Accept": "application/json"})
    assert answer.status == 401
    assert answer.json()["error"] == "login_required" and answer.json()["login_url"]
    session = ui_page.context.request.get(bff_server.url + "/bff/session")
    assert session.status == 200
    assert session.json()["signed_in"] is False and session.json()["login_url"]


def test_every_view_signed_in_leaves_the_console_clean(console_errors, ui_page, ui_bff,
                                                       bff_server):
    sign_in_ui(ui_page, bff_server.url)
    for name, title in VIEWS:
        ui_page.goto(f"{bff_server.url}/{name}")
        expect(ui_page.get_by_role("heading", level=1, name=title)).to_be_visible()
        wait_loaded(ui_page)
    assert console_errors == [], "\n".join(console_errors)


def test_the_page_names_its_icon_so_no_favicon_ico_is_missing(console_errors, ui_page,
                                                              ui_bff, bff_server):
    ui_page.goto(bff_server.url + "/")
    icon = ui_page.locator('link[rel="icon"]').get_attribute("href")
    assert icon
    answer = ui_page.context.request.get(bff_server.url + icon)
    assert answer.status == 200 and answer.headers["content-type"].startswith("image/svg+xml")
    expect(ui_page.get_by_role("button", name="Sign in")).to_be_visible()
    assert console_errors == [], "\n".join(console_errors)


def test_callback_opened_by_hand_while_signed_in_goes_to_the_account_page(
    console_errors, ui_page, ui_bff, bff_server
):
    sign_in_ui(ui_page, bff_server.url)
    ui_page.goto(bff_server.url + "/callback")

    ui_page.wait_for_url(bff_server.url + "/")
    expect(ui_page.get_by_role("heading", level=1, name="Profile")).to_be_visible()
    expect(ui_page.get_by_text("no longer valid")).to_have_count(0)
    assert console_errors == [], "\n".join(console_errors)


def test_callback_opened_by_hand_signed_out_still_says_the_link_is_not_valid(
    ui_page, ui_bff, bff_server
):
    response = ui_page.goto(bff_server.url + "/callback")
    assert response.status == 400
    heading = ui_page.get_by_role("heading", name="This sign-in link is no longer valid")
    expect(heading).to_be_visible()
