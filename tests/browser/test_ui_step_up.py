"""Step-up in Chromium: a sensitive change after a stale sign-in explains why, signs in
again through the tenant (`prompt=login`, `max_age=0`), comes back to the same view and
happens only after the user confirms it once more."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from app.tenant.directory import ALICE_ID
from tests.browser.test_ui_views import serious_violations, wait_loaded
from tests.browser.ui_fixtures import (
    fill_tenant_login,
    open_view,
    screenshot,
    sign_in_ui,
    withhold_my_account,
)
from tests.support.waiting import wait_until_stale

pytestmark = pytest.mark.browser

MAX_AGE = 2


def test_removing_mfa_after_a_stale_sign_in_goes_through_a_reauth(
        make_bff, host_server, hooks, tenant, ui_page, bff_server, console_errors):
    make_bff(EMBED_ALLOWED_ORIGINS=host_server.url, STEP_UP_MAX_AGE=str(MAX_AGE))
    withhold_my_account(hooks, tenant)  # the Management API's MFA card, on its own
    page = ui_page
    sign_in_ui(page, bff_server.url)
    # Taken after the sign-in, not before: the tenant's `auth_time` is when the second
    # factor was answered, which a slow sign-in puts seconds after the click.
    signed_in_at = time.time()
    open_view(page, "Sign-in methods")
    wait_loaded(page)
    wait_until_stale(signed_in_at, MAX_AGE)

    # the refusal this test makes: 401 reauthentication_required (the stale sign-in)
    console_errors.allow(401, "/api/me/multifactor/google-authenticator")
    mfa = page.locator("section[aria-labelledby=mfa-title]")
    mfa.get_by_role("button", name="Remove").first.click()
    page.get_by_role("dialog").get_by_role("button", name="Remove").click()
    explain = page.get_by_role("dialog", name="Confirm it is you")
    expect(explain).to_contain_text("Nothing has been changed yet")
    assert console_errors == []
    assert serious_violations(page) == []
    console_errors.clear()  # axe-core's injected inline styles are refused by our CSP
    screenshot(page, "step-up-explained")
    assert "google-authenticator" in hooks.user(ALICE_ID)["multifactor"]

    explain.get_by_role("button", name="Sign in again").click()
    fill_tenant_login(page)
    page.wait_for_url(bff_server.url + "/security")
    again = page.get_by_role("dialog", name="You signed in again")
    expect(again).to_contain_text("Remove")
    assert "google-authenticator" in hooks.user(ALICE_ID)["multifactor"]  # not yet
    screenshot(page, "step-up-resume")
    again.get_by_role("button", name="Yes, go ahead").click()
    expect(page.get_by_text("Done:")).to_be_visible()
    assert "multifactor" not in hooks.user(ALICE_ID)
    assert console_errors == []
