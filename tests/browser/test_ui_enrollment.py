"""Adding sign-in methods from the Security view (Chromium, the real BFF and tenant):
an authenticator app set up by reading the QR code off the screen, a wrong code
refused without adding anything, the next sign-in asking for the app's code; a recovery
code shown once and replaced by a new one. axe finds nothing serious in the steps."""

from __future__ import annotations

import io
import re
from urllib.parse import quote

import pyotp
import pytest
from PIL import Image
from playwright.sync_api import expect
from pyzbar import pyzbar

from tests.browser.test_ui_views import serious_violations, wait_loaded
from tests.browser.ui_fixtures import open_view, screenshot, sign_in_ui
from tests.support.tenant import BOB

pytestmark = pytest.mark.browser
BASE = "/api/me/authentication-methods"


@pytest.fixture
def bob_security(ui_page, ui_bff, bff_server):
    """bob (no second factor yet) signed in, on the Security view."""
    sign_in_ui(ui_page, bff_server.url, account=BOB)
    open_view(ui_page, "Sign-in methods")
    wait_loaded(ui_page)
    expect(ui_page.get_by_test_id("sign-in-methods").locator("li")).to_have_count(1)
    return ui_page


def axe_finds_nothing_serious(page, console_errors) -> None:
    """axe's run, mid-test: what its own injected styles make the CSP report is axe's,
    not the page's, and is dropped from the console errors."""
    before = len(console_errors)
    assert serious_violations(page) == []
    del console_errors[before:]


def _types(page) -> list[str]:
    return sorted(page.get_by_test_id("sign-in-methods").locator("li").evaluate_all(
        "items => items.map((item) => item.dataset.type)"))


def _pending_id(page) -> str:
    return page.locator("form[data-enrollment-id]").get_attribute("data-enrollment-id")


def _qr_uri(page) -> str:
    """The otpauth URI of the QR code on the screen, read as a phone's camera would."""
    image = page.get_by_test_id("totp-qr")
    expect(image).to_be_visible()
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0",
                           arg=image.element_handle())
    # A page screenshot cut to the image (an element screenshot injects a style the
    # page's CSP refuses, which the console check would report).
    picture = page.screenshot(clip=image.bounding_box())
    found = pyzbar.decode(Image.open(io.BytesIO(picture)))
    assert len(found) == 1, found
    return found[0].data.decode()


def test_an_authenticator_app_is_added_from_the_qr_code_and_asked_for_at_sign_in(
    bob_security, bff_server, browser, console_errors
):
    page = bob_security
    page.get_by_role("button", name="Add an authenticator app").click()
    expect(page.get_by_role("heading", level=3, name=re.compile("Scan the code"))).to_be_visible()
    expect(page.get_by_label("Code from the app")).to_be_focused()
    uri = _qr_uri(page)
    totp = pyotp.parse_uri(uri)
    assert uri.startswith("otpauth://totp/")
    shown = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    assert shown == totp.secret  # the key to type by hand is the QR code's
    code = page.get_by_label("Code from the app")
    assert code.get_attribute("autocomplete") == "one-time-code"
    axe_finds_nothing_serious(page, console_errors)

    console_errors.allow(400, f"{BASE}/{quote(_pending_id(page), safe='')}/verify")
    now = totp.now()
    code.fill("000000" if now != "000000" else "111111")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("#enroll-code-error")).to_contain_text("not right")
    expect(code).to_have_attribute("aria-invalid", "true")
    assert _types(page) == ["password"]  # nothing added

    code.fill(totp.now())
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_test_id("sign-in-methods").locator("li[data-type=totp]")).to_be_visible()
    assert _types(page) == ["password", "totp"]
    expect(page.locator(".announcer, [aria-live]").filter(
        has_text="authenticator app was added").first).to_be_attached()
    screenshot(page, "enroll-totp-done")

    # The next sign-in (another browser) asks for the app's code, and the code lets bob in.
    other = browser.new_context()
    try:
        fresh = other.new_page()
        fresh.goto(bff_server.url + "/")
        fresh.get_by_role("button", name="Sign in").click()
        fresh.locator("#username").fill(BOB[0])
        fresh.locator("#password").fill(BOB[1])
        fresh.get_by_role("button", name="Continue").click()
        fresh.wait_for_url(re.compile(r".*/u/mfa.*"))
        fresh.locator("#code").fill(totp.now())
        fresh.get_by_role("button", name="Continue").click()
        expect(fresh.locator(".topbar")).to_be_visible()
    finally:
        other.close()
    assert console_errors == []


def test_a_recovery_code_is_shown_once_and_a_new_one_replaces_it(bob_security, console_errors):
    page = bob_security
    page.get_by_role("button", name="Get a recovery code").click()
    first = page.get_by_test_id("recovery-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{16,}", first.replace(" ", "")), first
    use = page.get_by_role("button", name="Use this code")
    expect(use).to_be_disabled()  # not before the user says it is saved
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    assert first in download.value.path().read_text()
    axe_finds_nothing_serious(page, console_errors)
    page.get_by_label("I have saved this code").check()
    use.click()
    expect(page.get_by_test_id("sign-in-methods").locator("li[data-type=recovery-code]")).to_have_count(1)
    # Shown once: nowhere on the page any more, and not in the list.
    expect(page.get_by_test_id("recovery-code")).to_have_count(0)
    assert first not in page.content()

    page.get_by_role("button", name="Get a new recovery code").click()
    second = page.get_by_test_id("recovery-code").inner_text()
    assert second != first
    page.get_by_label("I have saved this code").check()
    page.get_by_role("button", name="Use this code").click()
    methods = page.get_by_test_id("sign-in-methods")
    expect(methods.locator("li[data-type=recovery-code]")).to_have_count(1)
    assert second not in page.content()
    assert console_errors == []


def _tenant_methods(tenant, hooks, user_id: str) -> list[str]:
    """The user's method types as the tenant itself has them (not the BFF's kept list),
    asked with the tenant's rate limits set back first (the question would count)."""
    import time

    import requests

    requests.post(tenant.url + "/__test__/myaccount/rate-limits", json={}, timeout=10)
    now = int(time.time())
    token = hooks.mint({"iss": tenant.issuer, "sub": user_id, "aud": tenant.issuer + "me/",
                        "azp": "selfserve-demo-bff", "scope": "read:me:authentication_methods",
                        "iat": now, "exp": now + 300})
    listed = requests.get(tenant.url + "/me/v1/authentication-methods", timeout=10,
                          headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200, listed.text
    return sorted(m["type"] for m in listed.json()["authentication_methods"])


def test_at_the_free_plans_rate_limits_an_app_is_added_once_with_a_visible_wait(
    ui_page, ui_bff, bff_server, tenant, hooks, console_errors
):
    """Auth0's Free plan: 2 authentication-method calls a minute per user. Listing and
    starting use both; the confirmation meets the limit, the page counts the wait down,
    then asks for the app's newest code (the one typed has gone stale meanwhile)."""
    import requests

    from app.tenant.directory import BOB_ID

    free = requests.post(tenant.url + "/__test__/myaccount/rate-limits",
                         json={"plan": "free"}, timeout=10)
    assert free.status_code == 200, free.text
    page = ui_page
    sign_in_ui(page, bff_server.url, account=BOB)
    open_view(page, "Sign-in methods")
    expect(page.get_by_test_id("sign-in-methods").locator("li")).to_have_count(1)
    page.get_by_role("button", name="Add an authenticator app").click()
    totp = pyotp.parse_uri(_qr_uri(page))
    console_errors.allow(429, f"{BASE}/{quote(_pending_id(page), safe='')}/verify")
    page.get_by_label("Code from the app").fill(totp.now())
    page.get_by_role("button", name="Confirm").click()
    wait = page.get_by_test_id("rate-limit-wait")
    expect(wait).to_contain_text(re.compile(r"Trying again in \d+ s"))
    axe_finds_nothing_serious(page, console_errors)
    # The wait ends by itself (at most a minute); then the newest code is asked for.
    expect(page.locator("#enroll-code-error")).to_contain_text("enter the code your app shows now",
                                                               timeout=90_000)
    page.get_by_label("Code from the app").fill(totp.now())
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_test_id("sign-in-methods").locator("li[data-type=totp]")).to_have_count(1)
    assert console_errors == []
    assert _tenant_methods(tenant, hooks, BOB_ID) == ["password", "totp"]  # once


def test_after_a_stale_sign_in_adding_an_app_goes_through_a_reauth_and_goes_on(
    make_bff, host_server, ui_page, bff_server, console_errors
):
    """Adding a method is sensitive: with a stale sign-in the page signs in again, comes
    back, asks once more, and the enrollment goes on where it was asked for."""
    import time

    from tests.browser.ui_fixtures import fill_tenant_login, reauthenticate
    from tests.support.waiting import wait_until_stale

    max_age = 5  # the re-authentication stays recent through the resumed start
    make_bff(EMBED_ALLOWED_ORIGINS=host_server.url, STEP_UP_MAX_AGE=str(max_age))
    page = ui_page
    sign_in_ui(page, bff_server.url, account=BOB)
    signed_in_at = time.time()
    open_view(page, "Sign-in methods")
    wait_loaded(page)
    wait_until_stale(signed_in_at, max_age)
    console_errors.allow(401, BASE)  # the refusal of the stale sign-in, on purpose
    page.get_by_role("button", name="Add an authenticator app").click()
    again = reauthenticate(page, bff_server.url, lambda page: fill_tenant_login(page, BOB))
    again.get_by_role("button", name="Yes, go ahead").click()
    expect(page.get_by_label("Code from the app")).to_be_focused()  # the flow goes on
    totp = pyotp.parse_uri(_qr_uri(page))
    page.get_by_label("Code from the app").fill(totp.now())
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_test_id("sign-in-methods").locator("li[data-type=totp]")).to_have_count(1)
    assert console_errors == []


def test_only_the_factors_the_tenant_enables_are_offered(ui_page, ui_bff, bff_server, tenant):
    import requests

    enabled = requests.post(tenant.url + "/__test__/myaccount/factors",
                            json={"types": ["password", "totp"]}, timeout=10)
    assert enabled.status_code == 200, enabled.text
    sign_in_ui(ui_page, bff_server.url, account=BOB)
    open_view(ui_page, "Sign-in methods")
    choices = ui_page.locator(".enroll-choices button")
    expect(choices).to_have_text(["Add an authenticator app", "Change password"])


def test_without_the_right_to_add_the_page_says_so_and_still_lists(
    ui_page, ui_bff, bff_server, tenant, hooks
):
    read_only = {"my_account": ["read:me:authentication_methods", "read:me:factors"]}
    answer = hooks.http.post(f"{tenant.url}/__test__/clients/selfserve-demo-bff/api-access",
                             json={"client_grants": read_only,
                                   "refresh_token_policies": read_only}, timeout=10)
    assert answer.status_code == 200, answer.text
    sign_in_ui(ui_page, bff_server.url, account=BOB)
    open_view(ui_page, "Sign-in methods")
    expect(ui_page.get_by_test_id("sign-in-methods").locator("li[data-type=password]")
           ).to_be_visible()
    expect(ui_page.get_by_test_id("enroll-unavailable")).to_contain_text(
        "create:me:authentication_methods")
    expect(ui_page.locator(".enroll-choices")).to_have_count(0)
