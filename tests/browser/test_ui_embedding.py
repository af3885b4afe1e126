"""The account UI embedded in the example host site (examples/host_site.py): the
<selfserve-account> element and the iframe on an allowed origin, the iframe
refused on another origin, and sign-in from an embedded UI through a pop-up."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tests.browser.conftest import TIMEOUT_MS
from tests.browser.ui_fixtures import fill_tenant_login, screenshot, sign_in_ui, user_id

pytestmark = pytest.mark.browser


def events(page):
    return page.locator("#events li")


def wait_until_closed(popup, seconds: float = TIMEOUT_MS / 1000) -> None:
    """Until a pop-up has closed by itself. Not `wait_for_event("close")` alone: that
    waits for an event to come, and one that came already (a pop-up that closed before
    the wait began, as it may on a loaded machine) would never be seen."""
    deadline = time.monotonic() + seconds
    while not popup.is_closed():
        assert time.monotonic() < deadline, f"the pop-up at {popup.url} did not close by itself"
        try:
            popup.wait_for_event("close", timeout=250)  # lets Playwright hear of it
        except PlaywrightTimeoutError:
            pass


def sign_in_through_pop_up(page, ui) -> None:
    """Click the embedded UI's "Sign in", sign in in the pop-up it opens, wait for it to close."""
    with page.expect_popup() as popup_info:
        ui.get_by_role("button", name="Sign in").click()
    popup = popup_info.value
    fill_tenant_login(popup)
    wait_until_closed(popup)


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


def test_the_custom_element_signs_in_through_a_pop_up(console_errors, ui_page, ui_bff,
                                                      host_server):
    page = ui_page
    page.goto(host_server.url + "/custom-element/")
    element = page.locator("selfserve-account")

    sign_in_through_pop_up(page, element)

    expect(element.get_by_role("heading", level=1, name="Profile")).to_be_visible()
    assert page.url == host_server.url + "/custom-element/"
    assert console_errors == [], "\n".join(console_errors)


def test_the_iframe_on_an_allowed_origin_shows_the_account_and_talks_to_its_parent(
    console_errors, ui_page, ui_bff, bff_server, host_server
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
    assert console_errors == [], "\n".join(console_errors)


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


def embedded_ui(page, kind: str):
    """The account UI inside the host page: the element itself, or the iframe's document."""
    if kind == "custom-element":
        return page.locator("selfserve-account")
    return page.frame_locator("#account")


@pytest.mark.parametrize("kind", ["custom-element", "iframe"])
def test_linking_from_the_embedded_ui_ends_in_the_host_page(console_errors, ui_page, ui_bff,
                                                            hooks, bff_server, host_server,
                                                            kind):
    """The link pop-up closes by itself and hands over to the embedding page, which shows
    the confirmation; confirming there links the account."""
    page = ui_page
    sign_in_ui(page, bff_server.url)
    uid = user_id(page)
    page.goto(f"{host_server.url}/{kind}/")
    ui = embedded_ui(page, kind)
    ui.get_by_role("navigation").get_by_role("link", name="Linked accounts").click()
    expect(ui.get_by_role("heading", level=1, name="Linked accounts")).to_be_visible()

    with page.expect_popup() as popup_info:
        ui.get_by_role("button", name="Link GitHub").click()
    popup = popup_info.value
    popup.get_by_role("button", name="alice-gh").click()  # the stand-in's account picker
    wait_until_closed(popup)  # by itself: nobody here closes it

    confirm = ui.locator("form.pending-link")
    expect(confirm.get_by_role("heading", name="Confirm linking GitHub")).to_be_visible()
    expect(confirm).to_contain_text("alice@example.com")
    assert [i["provider"] for i in hooks.user(uid)["identities"]] == ["auth0"]
    confirm.get_by_role("button", name="Link account").click()

    expect(ui.get_by_text("GitHub is now linked.")).to_be_visible()
    assert [i["provider"] for i in hooks.user(uid)["identities"]] == ["auth0", "github"]
    expect(events(page).filter(has_text='saved {"what":"link"')).to_have_count(1)
    assert page.url == f"{host_server.url}/{kind}/"
    assert console_errors == [], "\n".join(console_errors)


def test_a_link_for_an_opener_that_may_not_embed_is_refused_before_it_starts(
    alice_page, bff_server, tenant, foreign_host_server
):
    answer = alice_page.context.request.get(
        f"{bff_server.url}/link/github?opener={foreign_host_server.url}",
        headers={"Accept": "application/json"}, max_redirects=0,
    )

    assert answer.status == 400
    assert answer.json()["code"] == "origin_not_allowed"
    assert "set-cookie" not in answer.headers  # no link transaction was started
    allowed = alice_page.context.request.get(
        f"{bff_server.url}/link/github?opener={bff_server.url}", max_redirects=0)
    assert allowed.status == 302
    assert allowed.headers["location"].startswith(tenant.url + "/authorize?")
