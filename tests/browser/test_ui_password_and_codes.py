"""Changing the password, and adding e-mail or phone codes, from the Security view
(Chromium, the real BFF and tenant).

The password: the page shows the tenant's policy as a checklist that follows what is
typed (each rule met or not, in words). The page does not block a password its
checklist marks unmet: the tenant decides (a real tenant's policy can have rules the
page cannot check, such as a dictionary or the password history), so the refusal
tested here is the tenant's own, shown on the field with its reason, the form kept for
another try. Then a good password is taken, and a fresh browser's sign-in at the tenant
refuses the old password and accepts the new one. The password never reaches
sessionStorage or the URL.

The codes: an address (or number) the page's own check refuses is said on the field;
then the code goes to the tenant's outbox, a wrong code is refused and adds nothing,
the right one adds the method to the list. axe finds nothing serious on the password
form and the code step; the console stays clean but for the refusals caused here."""

from __future__ import annotations

import re
import time
from urllib.parse import quote

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.test_ui_enrollment import _pending_id, _types, axe_finds_nothing_serious
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
NEW_PASSWORD = "Bob-new-password-2"
WEAK_PASSWORD = "bobbybobby"  # long enough, but one kind of character only


@pytest.fixture
def bob_security(ui_page, ui_bff, bff_server):
    """bob (a password, nothing else yet) signed in, on the Security view."""
    sign_in_ui(ui_page, bff_server.url, account=BOB)
    open_view(ui_page, "Sign-in methods")
    wait_loaded(ui_page)
    expect(ui_page.get_by_test_id("sign-in-methods").locator("li")).to_have_count(1)
    return ui_page


def _rule(page, rule: str):
    return page.get_by_test_id("password-rules").locator(f"li[data-rule={rule}]")


def _tenant_login(browser, bff_url: str, password: str):
    """A fresh browser's sign-in as bob with `password`: the page it ends on."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(bff_url + "/")
    page.get_by_role("button", name="Sign in").click()
    page.locator("#username").fill(BOB[0])
    page.locator("#password").fill(password)
    page.get_by_role("button", name="Continue").click()
    return context, page


def test_bob_changes_his_password_after_the_tenant_refuses_a_weak_one(
    bob_security, bff_server, browser, console_errors
):
    page = bob_security
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("heading", level=3, name="Choose a new password")).to_be_visible()
    new = page.get_by_label("New password", exact=True)
    expect(new).to_be_focused()
    again = page.get_by_label("New password again")
    for field in (new, again):
        assert field.get_attribute("autocomplete") == "new-password"
    assert new.get_attribute("type") == "password"
    rules = page.get_by_test_id("password-rules")
    expect(rules).to_contain_text("at least 8 characters")
    expect(rules).to_contain_text("3 of these 4 kinds of characters")

    # The checklist follows the typing, in words.
    new.fill(WEAK_PASSWORD)
    expect(_rule(page, "length")).to_have_attribute("data-met", "true")
    expect(_rule(page, "length").locator("> .rule-state")).to_have_text("Met:")
    expect(_rule(page, "types")).to_have_attribute("data-met", "false")
    expect(_rule(page, "types").locator("> .rule-state")).to_have_text("Not yet:")
    expect(_rule(page, "lowercase")).to_have_attribute("data-met", "true")
    expect(_rule(page, "uppercase")).to_have_attribute("data-met", "false")
    expect(page.locator("#password-rules-summary")).to_have_text("1 rule is not met yet.")
    # The show toggle shows both fields' text, and hides it again.
    toggle = page.get_by_role("button", name="Show passwords")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(new).to_have_attribute("type", "text")
    toggle.click()
    expect(new).to_have_attribute("type", "password")
    axe_finds_nothing_serious(page, console_errors)

    # The two fields must agree before anything is sent.
    again.fill(WEAK_PASSWORD + "x")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#new-password-again-error")).to_contain_text("not the same")
    expect(again).to_have_attribute("aria-invalid", "true")

    # Submitted anyway: the tenant refuses it, with its reason on the field.
    console_errors.allow(400, f"{BASE}/{quote(_pending_id(page), safe='')}/verify")
    again.fill(WEAK_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#new-password-error")).to_contain_text("needs 3 of")
    expect(new).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#new-password-again-error")).to_have_text("")

    # The same form, another try: a password the policy takes.
    new.fill(NEW_PASSWORD)
    expect(page.locator("#password-rules-summary")).to_have_text(
        "Your new password meets every rule.")
    again.fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".security-message")).to_contain_text("stay signed in")
    expect(page.locator(".announcer, [aria-live]").filter(
        has_text="Your password was changed").first).to_be_attached()
    expect(page.get_by_test_id("enroll-panel")).to_be_empty()
    assert _types(page) == ["password"]
    screenshot(page, "password-changed")
    stored = page.evaluate("JSON.stringify(Object.entries(sessionStorage))")
    assert NEW_PASSWORD not in stored and WEAK_PASSWORD not in stored
    assert NEW_PASSWORD not in page.url

    # A fresh browser: the tenant refuses the old password and signs in with the new.
    context, fresh = _tenant_login(browser, bff_server.url, BOB[1])
    try:
        expect(fresh.get_by_text("Wrong email or password.")).to_be_visible()
        assert "/u/login" in fresh.url
    finally:
        context.close()
    context, fresh = _tenant_login(browser, bff_server.url, NEW_PASSWORD)
    try:
        fresh.wait_for_url(re.compile(re.escape(bff_server.url) + r"/.*"))
        expect(fresh.locator(".topbar")).to_be_visible()
    finally:
        context.close()
    assert console_errors == []


def _outbox_code(tenant, to: str) -> str:
    """The 6-digit code of the newest outbox message to `to` (the tenant writes it
    before it answers the start, which the page waited for)."""
    messages = requests.get(tenant.url + "/outbox/messages", params={"to": to},
                            timeout=10).json()
    assert messages, f"no message to {to} in the outbox"
    return re.findall(r"\b[0-9]{6}\b", messages[0]["text"])[-1]


CODES = [
    pytest.param("email", "Add an email address for codes", "Email address",
                 "bob@example", "bob.codes@example.com", "Code from the email", id="email"),
    pytest.param("phone", "Add a phone for codes", "Phone number",
                 "555 1234", "+1 555 765 4321", "Code from the message or call", id="phone"),
]


@pytest.mark.parametrize(("kind", "button", "field", "bad", "good", "code_label"), CODES)
def test_a_code_method_is_added_after_a_wrong_code_is_refused(
    bob_security, tenant, console_errors, kind, button, field, bad, good, code_label
):
    page = bob_security
    page.get_by_role("button", name=button).click()
    where = page.get_by_label(field)
    expect(where).to_be_focused()
    shape = (where.get_attribute("type"), where.get_attribute("autocomplete"))
    if kind == "email":
        assert shape == ("email", "email")
    else:
        assert shape == ("tel", "tel")
        expect(page.get_by_text("International format")).to_be_visible()
        page.get_by_label("Voice call").check()

    # The page's own check: said on the field, nothing sent.
    where.fill(bad)
    page.get_by_role("button", name="Send the code").click()
    expect(page.locator(f"#{where.get_attribute('id')}-error")).not_to_be_empty()
    expect(where).to_have_attribute("aria-invalid", "true")

    where.fill(good)
    page.get_by_role("button", name="Send the code").click()
    to = good.replace(" ", "")
    expect(page.get_by_text(f"We sent a 6-digit code to {to}")).to_be_visible()
    code = page.get_by_label(code_label)
    expect(code).to_be_focused()
    right = _outbox_code(tenant, to)
    axe_finds_nothing_serious(page, console_errors)

    console_errors.allow(400, f"{BASE}/{quote(_pending_id(page), safe='')}/verify")
    code.fill("000000" if right != "000000" else "111111")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("#enroll-code-error")).to_contain_text("not right")
    assert _types(page) == ["password"]  # nothing added

    code.fill(right)
    page.get_by_role("button", name="Confirm").click()
    added = page.get_by_test_id("sign-in-methods").locator(f"li[data-type={kind}]")
    expect(added).to_contain_text(to)
    assert _types(page) == sorted(["password", kind])
    assert console_errors == []


def test_after_a_stale_sign_in_the_password_form_comes_back_from_the_step_up(
    make_bff, host_server, hooks, ui_page, bff_server, console_errors
):
    """The start goes through the step-up (sign in again, confirm) and the page comes back
    at the password form; what waited in sessionStorage meanwhile was the start's
    `{type: "password"}`, and the new password is never written there."""
    # Long enough that the sign-in again is still fresh when the resumed start is sent
    # (with 2 s, a slow machine's re-login and confirm can outlast it).
    max_age = 6
    make_bff(EMBED_ALLOWED_ORIGINS=host_server.url, STEP_UP_MAX_AGE=str(max_age))
    page = ui_page
    sign_in_ui(page, bff_server.url, account=BOB)
    signed_in_at = time.time()
    open_view(page, "Sign-in methods")
    wait_loaded(page)
    wait_until_stale(signed_in_at, max_age)

    console_errors.allow(401, BASE)  # the stale sign-in's reauthentication_required
    page.get_by_role("button", name="Change password").click()
    again = reauthenticate(page, bff_server.url, lambda page: fill_tenant_login(page, BOB))
    waiting = page.evaluate("sessionStorage.getItem('selfserve.pendingAction')")
    assert waiting and '"body":{"type":"password"}' in waiting, waiting
    again.get_by_role("button", name="Yes, go ahead").click()
    new = page.get_by_label("New password", exact=True)
    expect(new).to_be_focused()
    new.fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".security-message")).to_contain_text("stay signed in")
    stored = page.evaluate("JSON.stringify(Object.entries(sessionStorage))")
    assert NEW_PASSWORD not in stored
    assert console_errors == []
