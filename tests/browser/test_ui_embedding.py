"""The account UI embedded in the example host site (examples/host_site.py): the
<selfserve-account> element and the iframe on an allowed origin, the iframe
refused on another origin, and sign-in from an embedded UI through a pop-up."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.ui_fixtures import fill_tenant_login, screenshot, sign_in_ui, user_id

pytestmark = pytest.mark.browser


def events(page):
    return page.locator("#events li")


def sign_in_through_pop_up(page, ui) -> None:
    """Click the embedded UI's "Sign in", sign in in the pop-up it opens, wait for it to close."""
    with page.expect_popup() as popup_info:
        ui.get_by_role("button", name="Sign in").click()
    popup = popup_info.value
    fill_tenant_login(popup)
    popup.wait_for_event("close")


def test_the_custom_element_on_a_host_page_reads_and_saves(ui_page, ui_bff, hooks, bff_server,
                                                           host_server):
    page = ui_page
    sign_in_ui(page, bff_server.url)
    uid = user_id(page)
    page.goto(host_server.url + "/custom-element/")

    element = page.locator("selfserve-account")
    expect(element.get_by_role("heading", level=1, name="Profile")).to_be_visible()
    expect(element.get_by_text("Alice Example").first).to_be_visible()
    expect(events(page).filter(has_text="signed-in")).to_have_count(1)
    screenshot(page, "embed-custom-element")

    element.get_by_role("link", name="Preferences").click()
    assert page.url == host_server.url + "/custom-element/"  # the host's URL stays
    element.get_by_label("theme", exact=True).fill("host-green")
    element.get_by_role("button", name="Save changes").click()

    expect(element.get_by_text("Your preferences are saved.")).to_be_visible()
    expect(events(page).filter(has_text="saved")).to_have_count(1)
    assert hooks.user(uid)["user_metadata"]["theme"] == "host-green"


def test_the_custom_element_signs_in_through_a_pop_up(ui_page, ui_bff, host_server):
    page = ui_page
    page.goto(host_server.url + "/custom-element/")
    element = page.locator("selfserve-account")

    sign_in_through_pop_up(page, element)

    expect(element.get_by_role("heading", level=1, name="Profile")).to_be_visible()
    assert page.url == host_server.url + "/custom-element/"


def test_the_iframe_on_an_allowed_origin_shows_the_account_and_talks_to_its_parent(
    ui_page, ui_bff, bff_server, host_server
):
    page = ui_page
    page.goto(host_server.url + "/iframe/")
    frame = page.frame_locator("#account")

    # Signed out inside the iframe: sign-in runs in a pop-up, the iframe follows.
    sign_in_through_pop_up(page, frame)

    expect(frame.get_by_role("heading", level=1, name="Profile")).to_be_visible()
    expect(events(page).filter(has_text="signed-in")).to_have_count(1)
    # The parent resized the iframe to the height it posted.
    expect(page.locator("#account")).not_to_have_attribute("style", "")
    height = page.locator("#account").evaluate("(f) => f.getBoundingClientRect().height")
    assert height > 480
    screenshot(page, "embed-iframe")

    frame.get_by_role("button", name="Sign out").click()
    expect(frame.get_by_role("heading", name="You are signed out.")).to_be_visible()
    expect(events(page).filter(has_text="signed-out")).to_have_count(1)


def test_the_iframe_is_refused_on_an_origin_that_is_not_allowed(ui_page, ui_bff, bff_server,
                                                                foreign_host_server):
    page = ui_page
    sign_in_ui(page, bff_server.url)
    refusals = []
    page.on("console", lambda message: refusals.append(message.text)
            if "frame-ancestors" in message.text else None)

    page.goto(foreign_host_server.url + "/iframe/")

    expect(page.get_by_role("heading", name="Account settings")).to_be_visible()
    page.wait_for_timeout(500)
    assert page.frame_locator("#account").locator("selfserve-account").count() == 0
    assert refusals, "Chromium did not report the frame-ancestors refusal"
    expect(events(page)).to_have_count(0)
