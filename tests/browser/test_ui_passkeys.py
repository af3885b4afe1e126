"""Passkeys from the Security view (Chromium with a virtual authenticator, the real BFF
and tenant): bob adds a passkey (after a stale sign-in, through the step-up and back to
the passkey step), signs in with it at the tenant's login page, renames it in the view
and removes it, the removal again through a step-up (that sign-in by passkey too); a
cancelled ceremony says no passkey was created and adds nothing. axe finds nothing
serious on the passkey step.

The BFF runs with a short `STEP_UP_MAX_AGE`, and the test waits (on the clock, to a
deadline) until the last sign-in is older than that, so every sensitive change here
must go through the re-authentication."""

from __future__ import annotations

import re
import time
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.browser.test_ui_enrollment import axe_finds_nothing_serious
from tests.browser.test_ui_views import wait_loaded
from tests.browser.ui_fixtures import (
    fill_tenant_login,
    open_view,
    reauthenticate,
    screenshot,
    sign_in_ui,
)
from tests.support.tenant import BOB
from tests.support.waiting import wait_until_stale

pytestmark = pytest.mark.browser
BASE = "/api/me/authentication-methods"
# Long enough that the re-authentication is still recent when the resumed action is
# sent on a loaded machine (page load, view, dialog, click), short enough to wait out.
MAX_AGE = 5


def _authenticator(page, context) -> tuple[object, str]:
    """A platform authenticator with resident keys and user verification, on the page."""
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }})
    return cdp, added["authenticatorId"]


def _credentials(cdp, authenticator_id) -> list[dict]:
    return cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]


def _types(page) -> list[str]:
    return sorted(page.get_by_test_id("sign-in-methods").locator("li").evaluate_all(
        "items => items.map((item) => item.dataset.type)"))


def _sign_in_with_passkey(page, bff_url: str) -> None:
    """At the tenant's login page: its passkey sign-in, and back to the account page."""
    expect(page.locator("#username")).to_be_visible()
    page.get_by_role("link", name="Sign in with a passkey").click()
    page.wait_for_url(re.compile(re.escape(bff_url) + r"/.*"))
    expect(page.locator(".topbar")).to_be_visible()


@pytest.fixture
def stale_bff(make_bff, host_server, hooks):
    return make_bff(EMBED_ALLOWED_ORIGINS=host_server.url, STEP_UP_MAX_AGE=str(MAX_AGE))


def test_a_passkey_is_added_signs_in_is_renamed_and_removed_through_a_step_up(
        stale_bff, ui_page, ui_context, bff_server, console_errors):
    page = ui_page
    cdp, authenticator = _authenticator(page, ui_context)
    sign_in_ui(page, bff_server.url, account=BOB)
    signed_in_at = time.time()
    open_view(page, "Sign-in methods")
    wait_loaded(page)
    assert _types(page) == ["password"]
    wait_until_stale(signed_in_at, MAX_AGE)

    # Adding asks for a recent sign-in first (the refusal this test makes: 401).
    console_errors.allow(401, BASE)
    page.get_by_role("button", name="Add a passkey").click()
    again = reauthenticate(page, bff_server.url, lambda page: fill_tenant_login(page, BOB))
    again.get_by_role("button", name="Yes, go ahead").click()

    # The passkey step: what happens next, then the browser's ceremony on a click.
    panel = page.get_by_test_id("enroll-panel")
    expect(panel.get_by_role("heading", level=3, name="Create a passkey")).to_be_visible()
    expect(panel).to_contain_text("Your browser will ask you to create a passkey")
    assert _credentials(cdp, authenticator) == []
    axe_finds_nothing_serious(page, console_errors)
    screenshot(page, "enroll-passkey-step")
    panel.get_by_role("button", name="Create the passkey").click()
    methods = page.get_by_test_id("sign-in-methods")
    expect(methods.locator("li[data-type=passkey]")).to_be_visible()
    assert _types(page) == ["passkey", "password"]
    expect(page.locator("[aria-live], [role=status]").filter(
        has_text="Your passkey was added").first).to_be_attached()
    [credential] = _credentials(cdp, authenticator)
    assert credential["isResidentCredential"] and credential["rpId"] == "localhost"
    passkey_id = methods.locator("li[data-type=passkey]").get_attribute("data-id")

    # Signed out, bob signs in with the passkey alone.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{bff_server.url}/")
    page.get_by_role("button", name="Sign in").click()
    _sign_in_with_passkey(page, bff_server.url)
    signed_in_at = time.time()
    assert _credentials(cdp, authenticator)[0]["signCount"] >= 1
    open_view(page, "Sign-in methods")
    wait_loaded(page)
    row = page.get_by_test_id("sign-in-methods").locator("li[data-type=passkey]")
    expect(row).to_contain_text("Last used")

    # Rename: an inline form; an empty name is refused in the field. Auth0's list shows
    # no name for a passkey (its OpenAPI description has none), so the page says the
    # name was kept rather than pretending to show it; the row stays named by browser.
    row.get_by_role("button", name=re.compile("^Rename")).click()
    field = row.get_by_label("New name")
    expect(field).to_be_focused()
    assert field.get_attribute("maxlength") == "100"
    field.fill("   ")
    row.get_by_role("button", name="Save").click()
    expect(row.locator(".field-error")).to_contain_text("Give it a name")
    expect(field).to_have_attribute("aria-invalid", "true")
    axe_finds_nothing_serious(page, console_errors)
    field.fill("Bob's laptop")
    with page.expect_response(lambda r: r.request.method == "PATCH") as patched:
        row.get_by_role("button", name="Save").click()
    assert patched.value.status == 200
    expect(page.locator(".security-message")).to_contain_text("“Bob's laptop” was saved")
    renamed = page.get_by_test_id("sign-in-methods").locator("li[data-type=passkey]")
    expect(renamed.locator("form")).to_have_count(0)
    assert patched.value.json()["id"] == passkey_id
    expect(renamed).to_contain_text(patched.value.json().get("user_agent") or "Passkey")

    # Removing after the passkey sign-in grew stale: a step-up, by passkey again.
    wait_until_stale(signed_in_at, MAX_AGE)
    console_errors.allow(401, f"{BASE}/{quote(passkey_id, safe='')}")
    page.get_by_test_id("sign-in-methods").locator("li[data-type=passkey]").get_by_role(
        "button", name=re.compile("^Remove")).click()
    page.get_by_role("dialog").get_by_role("button", name="Remove").click()
    again = reauthenticate(page, bff_server.url,  # by passkey, this time
                           lambda page: _sign_in_with_passkey(page, bff_server.url))
    expect(again).to_be_visible()  # asked once more, after the view has loaded
    expect(page.get_by_test_id("sign-in-methods").locator("li[data-type=passkey]")
           ).to_have_count(1)  # not removed yet
    again.get_by_role("button", name="Yes, go ahead").click()
    expect(page.get_by_text("Done:")).to_be_attached()  # the step-up's own announcement
    methods = page.get_by_test_id("sign-in-methods")
    expect(methods.locator("li[data-type=password]")).to_be_visible()
    expect(methods.locator("li[data-type=passkey]")).to_have_count(0)
    assert _types(page) == ["password"]
    assert console_errors == []


def test_a_cancelled_ceremony_creates_no_passkey_and_can_be_tried_again(
        ui_page, ui_context, ui_bff, bff_server, console_errors):
    page = ui_page
    cdp, authenticator = _authenticator(page, ui_context)
    sign_in_ui(page, bff_server.url, account=BOB)
    open_view(page, "Sign-in methods")
    wait_loaded(page)
    # The user does not confirm it is them: the browser ends the ceremony, NotAllowedError.
    cdp.send("WebAuthn.setUserVerified",
             {"authenticatorId": authenticator, "isUserVerified": False})
    page.get_by_role("button", name="Add a passkey").click()
    panel = page.get_by_test_id("enroll-panel")
    expect(panel.get_by_role("heading", level=3, name="Create a passkey")).to_be_focused()
    panel.get_by_role("button", name="Create the passkey").click()
    error = panel.get_by_test_id("passkey-error")
    expect(error.get_by_role("alert")).to_contain_text(
        "No passkey was created: the browser's request was cancelled")
    again = panel.get_by_role("button", name="Try again")
    expect(again).to_be_focused()
    assert _credentials(cdp, authenticator) == []
    assert _types(page) == ["password"]  # nothing added
    axe_finds_nothing_serious(page, console_errors)

    # The same enrollment, tried again with the user verified, adds the passkey.
    cdp.send("WebAuthn.setUserVerified",
             {"authenticatorId": authenticator, "isUserVerified": True})
    again.click()
    expect(page.get_by_test_id("sign-in-methods").locator("li[data-type=passkey]")).to_be_visible()
    assert len(_credentials(cdp, authenticator)) == 1
    assert console_errors == []
