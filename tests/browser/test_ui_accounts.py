"""Linking (the GitHub stand-in account alice-gh) and unlinking, MFA removal, and
device keys (register this browser with WebCrypto, revoke)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.ui_fixtures import open_view, screenshot, user_id

pytestmark = pytest.mark.browser


def test_link_github_with_its_confirmation_step_then_unlink(alice_page, hooks, bff_server):
    page = alice_page
    uid = user_id(page)
    open_view(page, "Linked accounts")

    page.get_by_role("button", name="Link GitHub").click()
    page.get_by_role("button", name="alice-gh").click()  # the stand-in's account picker
    page.wait_for_url(f"{bff_server.url}/linked-accounts?pending=1")

    confirm = page.locator("form.pending-link")
    expect(confirm.get_by_role("heading", name="Confirm linking GitHub")).to_be_focused()
    expect(confirm).to_contain_text("alice@example.com")
    screenshot(page, "linked-accounts-confirm")
    confirm.get_by_role("button", name="Link account").click()

    expect(page.get_by_text("GitHub is now linked.")).to_be_visible()
    providers = [i["provider"] for i in hooks.user(uid)["identities"]]
    assert providers == ["auth0", "github"]
    assert "pending" not in page.url
    unlink = page.get_by_role("button", name="Unlink GitHub")
    expect(unlink).to_be_visible()

    unlink.click()
    dialog = page.get_by_role("dialog", name="Unlink GitHub?")
    expect(dialog).to_contain_text("You will no longer be able to sign in")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    expect(unlink).to_be_focused()  # focus goes back where it was
    assert len(hooks.user(uid)["identities"]) == 2

    unlink.click()
    page.get_by_role("dialog").get_by_role("button", name="Unlink").click()
    expect(page.get_by_text("GitHub is no longer linked.")).to_be_visible()
    expect(page.get_by_role("button", name="Link GitHub")).to_be_visible()
    assert [i["provider"] for i in hooks.user(uid)["identities"]] == ["auth0"]


def test_cancelling_a_pending_link_links_nothing(alice_page, hooks, bff_server):
    page = alice_page
    uid = user_id(page)
    open_view(page, "Linked accounts")
    page.get_by_role("button", name="Link Google").click()
    page.locator("button[name=account]").last.click()  # an account with another email
    page.wait_for_url(f"{bff_server.url}/linked-accounts?pending=1")

    expect(page.locator("form.pending-link .alert-warning").first).to_be_visible()
    page.locator("form.pending-link").get_by_role("button", name="Cancel").click()

    expect(page.get_by_text("Linking was cancelled.")).to_be_visible()
    expect(page.locator("form.pending-link")).to_have_count(0)
    assert len(hooks.user(uid)["identities"]) == 1


def test_remove_the_mfa_enrollment_after_confirming(alice_page_without_my_account, hooks,
                                                   tenant):
    """The Management API's MFA enrollments on their own (a tenant that gives this page no
    My Account API token), removed after a confirmation."""
    page = alice_page_without_my_account
    open_view(page, "Sign-in methods")
    expect(page.get_by_test_id("sign-in-methods-unavailable")).to_be_visible()
    mfa = page.locator("section[aria-labelledby=mfa-title]")
    expect(mfa.get_by_text("Alice's phone")).to_be_visible()
    expect(mfa.get_by_text("Authenticator app")).to_be_visible()

    mfa.get_by_role("button", name="Remove").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("less protected")
    screenshot(page, "security-confirm-removal")
    dialog.get_by_role("button", name="Remove").click()

    expect(page.get_by_text("You have no MFA methods enrolled.")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name="Sign-in methods")).to_be_focused()
    page.reload()
    expect(page.get_by_text("You have no MFA methods enrolled.")).to_be_visible()


def test_register_this_browser_as_a_device_then_revoke_it(alice_page):
    page = alice_page
    open_view(page, "Devices")
    expect(page.get_by_text("No devices registered from this page.")).to_be_visible()

    page.get_by_label("Device name").fill("Test laptop")
    page.get_by_role("button", name="Register this browser").click()

    expect(page.get_by_text("This browser is registered.")).to_be_visible()
    expect(page.get_by_text("Registered as “Test laptop”.")).to_be_visible()
    device = page.locator("li.device")
    expect(device).to_have_count(1)
    expect(device).to_contain_text("This browser")
    # The private key stays in this browser, not extractable even by our own script.
    stored = page.evaluate("""() => new Promise((resolve, reject) => {
        const open = indexedDB.open("selfserve");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction("device-keys").objectStore("device-keys").getAll();
          get.onsuccess = () => resolve(get.result.map((r) => ({
            extractable: r.privateKey.extractable, type: r.privateKey.type,
            algorithm: r.privateKey.algorithm.name, curve: r.privateKey.algorithm.namedCurve,
            credential: r.credential_id})));
        };
    })""")
    assert len(stored) == 1
    assert stored[0]["extractable"] is False
    assert (stored[0]["type"], stored[0]["algorithm"], stored[0]["curve"]) == (
        "private", "ECDSA", "P-256")
    screenshot(page, "devices-registered")

    page.get_by_role("button", name="Revoke Test laptop").click()
    page.get_by_role("dialog").get_by_role("button", name="Revoke").click()

    expect(page.get_by_text("Test laptop was revoked.")).to_be_visible()
    expect(page.get_by_text("No devices registered from this page.")).to_be_visible()
    expect(page.get_by_role("button", name="Register this browser")).to_be_visible()


def test_a_view_that_fails_to_load_says_so_and_retries(alice_page, hooks):
    page = alice_page
    hooks.fault("/api/v2/users/", method="GET", status=500, times=20)

    open_view(page, "Sign-in methods")

    failure = page.get_by_role("alert").filter(has_text="Something went wrong")
    expect(failure).to_be_visible()
    screenshot(page, "security-load-failed")
    hooks.clear_faults()
    failure.get_by_role("button", name="Try again").click()
    expect(page.get_by_test_id("sign-in-methods").get_by_text("Alice's phone")
           ).to_be_visible()
