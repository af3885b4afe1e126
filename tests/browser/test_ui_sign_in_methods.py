"""How the user signs in, in the Sign-in methods view (Chromium): the My Account API's
list of methods with the Management API's MFA enrollments folded in, or, when the tenant gives this
application no /me/ token, the reason and the enrollments as before. axe finds nothing
serious in either state."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_ui_views import serious_violations, wait_loaded
from tests.browser.ui_fixtures import open_view, screenshot

pytestmark = pytest.mark.browser


def test_the_security_view_shows_how_alice_signs_in(alice_page, console_errors):
    page = alice_page
    open_view(page, "Sign-in methods")
    wait_loaded(page)
    methods = page.get_by_test_id("sign-in-methods")
    expect(methods.locator("li[data-type=password]")).to_contain_text("Signs you in")
    expect(methods.locator("li[data-type=totp]")).to_contain_text("Second factor")
    expect(page.get_by_role("heading", level=2, name="How you sign in")).to_be_visible()
    # One picture: the Management API's enrollment of that app is folded into the list,
    # not shown a second time in a card of its own.
    expect(methods.locator("li[data-type=totp]")).to_contain_text("Alice's phone")
    expect(page.locator("section[aria-labelledby=mfa-title]")).to_have_count(0)
    screenshot(page, "view-security-sign-in-methods")
    assert console_errors == []
    assert serious_violations(page) == []


def test_without_a_my_account_token_the_view_says_why_and_keeps_the_enrollments(
    ui_page, ui_bff, bff_server, hooks, tenant, console_errors
):
    from tests.browser.ui_fixtures import sign_in_ui, withhold_my_account

    withhold_my_account(hooks, tenant)
    page = ui_page
    sign_in_ui(page, bff_server.url)
    open_view(page, "Sign-in methods")
    wait_loaded(page)
    unavailable = page.get_by_test_id("sign-in-methods-unavailable")
    expect(unavailable).to_contain_text("cannot be shown here")
    expect(unavailable).to_contain_text("refresh token policy")
    mfa = page.locator("section[aria-labelledby=mfa-title]")
    expect(mfa.get_by_text("Alice's phone")).to_be_visible()
    expect(page.get_by_test_id("sign-in-methods")).to_have_count(0)
    assert console_errors == []
    assert serious_violations(page) == []


def test_a_second_factor_is_removed_from_how_you_sign_in(alice_page, hooks, console_errors):
    from app.tenant.directory import ALICE_ID

    page = alice_page
    open_view(page, "Sign-in methods")
    methods = page.get_by_test_id("sign-in-methods")
    totp = methods.locator("li[data-type=totp]")
    expect(totp).to_have_count(1)
    expect(methods.locator("li[data-type=password]").get_by_role("button")).to_have_count(0)
    totp.get_by_role("button", name="Remove").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("can no longer use")
    dialog.get_by_role("button", name="Remove").click()
    expect(page.get_by_role("status").filter(has_text="was removed")).to_have_count(1)
    expect(totp).to_have_count(0)
    expect(page.locator("section[aria-labelledby=mfa-title]").get_by_text("Authenticator app")
           ).to_have_count(0)
    assert "google-authenticator" not in hooks.user(ALICE_ID).get("multifactor", [])
    assert console_errors == []
