"""§4.1 in Chromium: after linking, a silent sign-in as the linked account stops and asks.

Alice signs in, links alice-gh (the tenant's single sign-on session is then alice-gh's),
and her BFF session ends without the tenant's logout. "Sign in" must not land in
alice-gh's account without a word: the page offers to continue, or to sign in as alice.
"""

from __future__ import annotations

import json
import time

from playwright.sync_api import Page, expect

from tests.browser.ui_fixtures import ALICE, answer_second_factor_ui, fill_tenant_login
from tests.support.login import wait_for_the_next_second


def bff_user(page: Page) -> tuple[int, dict]:
    status, text = page.evaluate(
        "fetch('/bff/user').then(async (r) => [r.status, await r.text()])"
    )
    return status, json.loads(text)


def end_the_bff_session_only(page: Page, bff_url: str) -> None:
    """Sign out here but do not follow the tenant's logout URL (as when the session
    times out): the tenant's own session stays. From a page without the SPA, which
    would navigate away once its session ends."""
    page.goto(bff_url + "/healthz")
    page.evaluate("""fetch('/logout', {method: 'POST', headers: {'X-CSRF': '1',
                     'Accept': 'application/json'}}).then((r) => r.json())""")
    assert bff_user(page)[0] == 401


def link_github_and_sign_in_again(page: Page, bff_url: str) -> None:
    """Alice signs in, links alice-gh (left pending), her BFF session ends, and she
    signs in again: the browser ends on the choice page."""
    page.goto(bff_url + "/login?returnTo=/profile")
    fill_tenant_login(page)
    page.wait_for_url(bff_url + "/profile")
    page.goto(bff_url + "/link/github")
    page.get_by_role("button", name="alice-gh").click()
    page.wait_for_url(bff_url + "/linked-accounts?pending=1")
    linked_at = time.time()
    end_the_bff_session_only(page, bff_url)
    wait_for_the_next_second(linked_at)
    page.goto(bff_url + "/login?returnTo=/profile")
    page.wait_for_url(bff_url + "/login/choose")


def test_a_silent_switch_asks_and_sign_in_as_alice_shows_the_form(page, bff, bff_server,
                                                                   hooks):
    bff_url = bff_server.url
    link_github_and_sign_in_again(page, bff_url)
    expect(page.get_by_role("heading", name="You are about to continue as")).to_be_visible()
    assert bff_user(page)[0] == 401
    cookies = {c["name"]: c for c in page.context.cookies(bff_url)}
    assert cookies["selfserve-last-user"]["httpOnly"]
    assert cookies["selfserve-last-user"]["sameSite"] == "Lax"
    assert not any("eyJ" in c["value"] for c in cookies.values())

    page.get_by_role("link", name="Sign in as alice@example.com").click()
    expect(page.locator("#username")).to_have_value(ALICE[0])  # login_hint
    page.locator("#password").fill(ALICE[1])
    page.get_by_role("button", name="Continue").click()
    answer_second_factor_ui(page)  # alice's enrolled authenticator
    page.wait_for_url(bff_url + "/profile")
    status, body = bff_user(page)
    assert status == 200 and body["user"]["email"] == ALICE[0]


def test_continue_as_the_other_account_in_chromium(page, bff, bff_server, hooks):
    bff_url = bff_server.url
    link_github_and_sign_in_again(page, bff_url)
    page.get_by_role("button", name="Continue as").click()  # a real form POST, CSRF-checked
    page.wait_for_url(bff_url + "/profile")
    status, body = bff_user(page)
    assert status == 200 and body["user"]["sub"].startswith("github|")
