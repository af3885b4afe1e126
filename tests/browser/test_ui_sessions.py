"""The Sessions view in Chromium: two browsers (two contexts) signed in as alice see each
other; ending one from the other signs it out at its next request; axe finds nothing
serious."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_ui_views import serious_violations, wait_loaded
from tests.browser.ui_fixtures import TIMEOUT_MS, open_view, screenshot, sign_in_ui

pytestmark = pytest.mark.browser

PHONE_AGENT = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like"
               " Gecko) Chrome/131.0.0.0 Mobile Safari/537.36")


def test_two_browsers_see_each_other_and_one_ends_the_other(browser, ui_bff, bff_server,
                                                           ui_page, console_errors):
    phone_context = browser.new_context(user_agent=PHONE_AGENT,
                                        viewport={"width": 390, "height": 844})
    phone_context.set_default_timeout(TIMEOUT_MS)
    try:
        phone = phone_context.new_page()
        sign_in_ui(phone, bff_server.url)
        laptop = ui_page
        sign_in_ui(laptop, bff_server.url)

        open_view(laptop, "Sessions")
        wait_loaded(laptop)
        expect(laptop.get_by_text("not every application")).to_be_visible()
        sessions = laptop.locator("li.session")
        expect(sessions).to_have_count(2)
        expect(sessions.first).to_contain_text("This session")
        expect(sessions.nth(1)).to_contain_text("Chrome Mobile 131 on Android 14")
        expect(sessions.nth(1)).to_contain_text("127.0.0.0/24")
        assert serious_violations(laptop) == []
        console_errors.clear()  # axe-core's injected inline styles are refused by our CSP
        screenshot(laptop, "view-sessions")

        open_view(phone, "Sessions")
        phone_sessions = phone.locator("li.session")
        expect(phone_sessions).to_have_count(2)
        expect(phone_sessions.first).to_contain_text("Chrome Mobile 131 on Android 14")
        expect(phone_sessions.first).to_contain_text("This session")

        laptop.get_by_role("button", name="End session: Chrome Mobile 131 on Android 14").click()
        laptop.get_by_role("dialog").get_by_role("button", name="End session").click()
        expect(laptop.get_by_text("was ended")).to_be_visible()
        expect(sessions).to_have_count(1)

        # The phone's next request finds its session ended.
        phone.reload()
        expect(phone.get_by_role("button", name="Sign in")).to_be_visible()
        laptop.reload()
        expect(laptop.locator("li.session")).to_have_count(1)
        assert console_errors == []
    finally:
        phone_context.close()
