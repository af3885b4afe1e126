"""The session around the UI: expiry mid-use (the edit survives the renewal),
silent renewal of an expired token, sign-out, and features whose scope was not granted."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.browser.ui_fixtures import fill_tenant_login, open_view, sign_in_ui, user_id
from tests.support.store import forget_sessions

pytestmark = pytest.mark.browser


def end_server_sessions(app) -> None:
    """What an idle timeout or a restart without the store does: the server forgets the session."""
    forget_sessions(app)


def test_a_session_ending_mid_edit_renews_and_keeps_the_unsaved_edit(alice_page, ui_bff,
                                                                     hooks, bff_server):
    page = alice_page
    uid = user_id(page)
    open_view(page, "Preferences")
    page.get_by_label("theme", exact=True).fill("midnight")
    end_server_sessions(ui_bff)

    page.get_by_role("button", name="Save changes").click()

    # Back through the tenant (its SSO session still knows alice) to the same view.
    page.wait_for_url(f"{bff_server.url}/metadata")
    expect(page.get_by_text("We kept the changes you had not saved")).to_be_visible()
    expect(page.get_by_label("theme", exact=True)).to_have_value("midnight")
    assert hooks.user(uid)["user_metadata"]["theme"] == "dark"
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your preferences are saved.")).to_be_visible()
    assert hooks.user(uid)["user_metadata"]["theme"] == "midnight"


def test_an_expired_access_token_renews_silently_to_the_same_view(ui_page, ui_bff, hooks,
                                                                   bff_server):
    hooks.settings(access_token_ttl=4)
    sign_in_ui(ui_page, bff_server.url, "/security")
    mfa = ui_page.get_by_test_id("sign-in-methods")
    expect(mfa.get_by_text("Alice's phone")).to_be_visible()
    hooks.settings(access_token_ttl=3600)
    time.sleep(4)

    open_view(ui_page, "Devices")

    ui_page.wait_for_url(f"{bff_server.url}/devices")
    expect(ui_page.get_by_role("button", name="Register this browser")).to_be_visible()
    expect(ui_page.locator("#username")).to_have_count(0)


def test_sign_out_ends_the_session_here_and_at_the_tenant(alice_page, bff_server):
    page = alice_page
    page.get_by_role("button", name="Sign out").click()

    page.wait_for_url(f"{bff_server.url}/")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    status = page.evaluate("fetch('/bff/user').then((r) => r.status)")
    assert status == 401
    # The tenant's single sign-on session ended too: signing in asks for the password.
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#password")).to_be_visible()
    fill_tenant_login(page)
    expect(page.get_by_role("heading", level=1, name="Profile")).to_be_visible()


def test_features_whose_scope_was_not_granted_are_explained(ui_page, ui_bff, make_bff,
                                                            host_server, bff_server):
    make_bff(AUTH0_SCOPES="read:current_user", EMBED_ALLOWED_ORIGINS=host_server.url)
    sign_in_ui(ui_page, bff_server.url)
    nav = ui_page.get_by_role("navigation")
    expect(nav.get_by_role("link", name="Preferences")).to_contain_text("Unavailable")
    expect(nav.get_by_role("link", name="Profile")).not_to_contain_text("Unavailable")

    nav.get_by_role("link", name="Preferences").click()

    title = ui_page.get_by_role("heading", level=1, name="Preferences is not available")
    expect(title).to_be_focused()
    expect(ui_page.get_by_text("update:current_user_metadata")).to_be_visible()
    nav.get_by_role("link", name="Devices").click()
    expect(ui_page.get_by_text("create:current_user_device_credentials")).to_be_visible()
