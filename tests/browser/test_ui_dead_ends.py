"""Dead ends and rough edges: an error page that is not JSON, the restored-draft
notice after an outage, the main sign-in method in words, an empty "Set by the site"
card, a picture that cannot load, a success message while its card reloads, no
unstyled flash, what the page cannot change, and alice-gh's own preferences when
linking."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.ui_fixtures import open_view, sign_in_ui, user_id

pytestmark = pytest.mark.browser

BOB = ("bob@example.com", "bob-demo-password")


class HeldRequests:
    """Requests matching a route, held until `release()`: what a slow network does to
    one resource, with the real server's answer in the end."""

    def __init__(self, page, pattern) -> None:
        self.routes = []
        self.page = page
        self.pattern = pattern
        page.route(pattern, lambda route: self.routes.append(route))

    def wait(self, count: int = 1) -> None:
        deadline_ms = 20_000
        waited = 0
        while len(self.routes) < count:  # until the request was made, or the deadline
            assert waited < deadline_ms, f"no request for {self.pattern} within {deadline_ms} ms"
            self.page.wait_for_timeout(50)
            waited += 50

    def release(self, fail: str | None = None) -> None:
        """Let the held requests through to the server (or `fail` them, e.g. "failed")."""
        for route in self.routes:
            if fail:
                route.abort(fail)
            else:
                route.continue_()
        self.page.unroute(self.pattern)


def test_an_error_page_that_is_not_json_is_said_in_a_sentence_with_a_way_on(alice_page):
    page = alice_page
    # What a proxy in front of the BFF answers when the BFF behind it is gone.
    page.route(re.compile(r".*/api/me/enrollments$"), lambda route: route.fulfill(
        status=502, content_type="text/html", body="<h1>Internal Server Error</h1>"))
    open_view(page, "Sign-in methods")

    failure = page.get_by_role("alert").filter(has_text="Something went wrong")
    expect(failure).to_contain_text("The account service had a problem and could not answer (502)")
    expect(failure).not_to_contain_text("<h1>")
    page.unroute(re.compile(r".*/api/me/enrollments$"))
    failure.get_by_role("button", name="Try again").click()
    expect(page.get_by_test_id("sign-in-methods").get_by_text("Alice's phone")
           ).to_be_visible()


def test_after_an_outage_the_restored_draft_says_nothing_of_a_sign_in(console_errors,
                                                                       alice_page, hooks):
    console_errors.allow(502, "/api/me/metadata")  # the outage this test makes
    page = alice_page
    open_view(page, "Preferences")
    page.get_by_label("theme", exact=True).fill("outage-blue")
    hooks.fault("/api/v2/users/", method="PATCH", status=503, times=5)
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your changes were not saved.")).to_be_visible()
    hooks.clear_faults()

    page.reload()
    notice = page.get_by_text("We kept the changes you had not saved")
    expect(notice).to_have_text("We kept the changes you had not saved. Review and save them.")
    expect(page.get_by_label("theme", exact=True)).to_have_value("outage-blue")
    assert console_errors == [], "\n".join(console_errors)


def test_the_profile_says_what_the_sign_in_method_is_and_what_it_cannot_change(alice_page):
    page = alice_page
    methods = page.locator("selfserve-account").locator(".identity-text")
    expect(methods).to_have_text(["Email and password, alice@example.com"])
    note = page.get_by_role("note")
    expect(note.get_by_role("heading", name="Name, email and password")).to_be_visible()
    expect(note).to_contain_text("This page cannot change your name, email address or password")
    expect(note).to_contain_text("Forgot password?")


def test_no_set_by_the_site_card_when_the_site_keeps_nothing(ui_page, ui_bff, hooks,
                                                              bff_server):
    sign_in_ui(ui_page, bff_server.url, account=BOB)
    expect(ui_page.get_by_role("heading", level=1, name="Profile")).to_be_visible()
    expect(ui_page.get_by_text("bob@example.com").first).to_be_visible()
    expect(ui_page.get_by_role("heading", name="Set by the site")).to_have_count(0)
    expect(ui_page.get_by_text("keeps no extra information")).to_have_count(0)


def test_a_picture_that_does_not_load_leaves_the_initial(ui_page, ui_bff, hooks, bff_server):
    page = ui_page
    sign_in_ui(page, bff_server.url)
    picture = page.evaluate("fetch('/bff/user').then((r) => r.json())")["user"]["picture"]
    assert picture.startswith("https://")
    held = HeldRequests(page, picture)  # the picture's host does not answer (yet)
    page.reload()

    ui = page.locator("selfserve-account")
    expect(ui.locator(".topbar .avatar-letter")).to_have_text("A")
    expect(ui.locator(".topbar .avatar-letter")).to_be_visible()
    expect(ui.get_by_role("img", name="Profile picture of Alice Example")).to_have_text("A")
    expect(ui.locator("img.avatar-image:visible")).to_have_count(0)
    held.wait()
    held.release(fail="namenotresolved")  # and then it fails for good
    expect(ui.locator(".topbar .avatar-letter")).to_be_visible()
    expect(ui.locator("img.avatar-image")).to_have_count(0)


def test_a_success_message_goes_while_the_card_it_speaks_of_reloads(alice_page):
    page = alice_page
    open_view(page, "Devices")
    page.get_by_label("Device name").fill("Test laptop")
    page.get_by_role("button", name="Register this browser").click()
    expect(page.get_by_text("This browser is registered.")).to_be_visible()

    held = HeldRequests(page, re.compile(r".*/api/me/device-credentials$"))
    page.get_by_role("button", name="Revoke Test laptop").click()
    page.get_by_role("dialog").get_by_role("button", name="Revoke").click()
    held.wait()  # the list is reloading
    expect(page.get_by_text("This browser is registered.")).to_have_count(0)
    held.release()
    expect(page.get_by_text("Test laptop was revoked.")).to_be_visible()


def test_nothing_shows_before_the_stylesheet_applies(ui_page, ui_bff, bff_server):
    page = ui_page
    held = HeldRequests(page, re.compile(r".*/static/css/account\.css$"))
    page.goto(bff_server.url + "/", wait_until="commit")  # "load" waits for the stylesheet
    held.wait()
    # The UI has drawn its first screen by now, but shows none of it unstyled.
    ui = page.locator("selfserve-account")
    page.wait_for_function(
        "() => document.querySelector('selfserve-account').shadowRoot"
        "?.querySelector('.app')?.textContent.length > 0")
    expect(ui.get_by_text("Sign in to manage your account")).to_be_hidden()
    expect(ui.get_by_role("button", name="Sign in")).to_be_hidden()
    held.release()

    expect(ui.get_by_role("button", name="Sign in")).to_be_visible()
    background = ui.locator(".signin-card").evaluate("(el) => getComputedStyle(el).borderRadius")
    assert background != "0px"  # styled when it shows


def test_alice_gh_brings_preferences_of_its_own_that_can_be_copied_first(alice_page, hooks,
                                                                         bff_server):
    page = alice_page
    uid = user_id(page)
    open_view(page, "Linked accounts")
    page.get_by_role("button", name="Link GitHub").click()
    page.get_by_role("button", name="alice-gh").click()
    page.wait_for_url(f"{bff_server.url}/linked-accounts?pending=1")

    confirm = page.locator("form.pending-link")
    expect(confirm).to_contain_text(
        "The other account's own preferences will be lost when it is linked: editor, theme.")
    confirm.get_by_label("Copy the other account's preferences into this account first").check()
    confirm.get_by_role("button", name="Link account").click()

    outcome = "GitHub is now linked. Copied: editor. Kept yours: theme."
    expect(page.get_by_text(outcome)).to_be_visible()
    stored = hooks.user(uid)["user_metadata"]
    assert stored["editor"] == "vim" and stored["theme"] == "dark"
