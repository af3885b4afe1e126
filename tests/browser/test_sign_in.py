"""Sign-in in a real Chromium, both flows, and login CSRF refused in the browser.

The implicit flow's `form_post` answer is a cross-site POST from the tenant
(127.0.0.1) to the BFF (localhost), on which Chromium sends no SameSite=Lax cookie;
these tests prove the transaction binding still completes the sign-in, and still
refuses a sign-in response that another browser started.
"""

from __future__ import annotations

import json
import re
from html import escape

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.browser.ui_fixtures import ALICE, answer_second_factor_ui, fill_tenant_login
from tests.support.servers import LiveServer
from tests.support.tenant import parse_forms


def bff_user(page: Page) -> tuple[int, dict]:
    result = page.evaluate(
        "fetch('/bff/user').then(async (r) => [r.status, await r.text()])"
    )
    return result[0], json.loads(result[1])


def sign_in_at_tenant(page: Page, bff_url: str, return_to: str) -> None:
    page.goto(f"{bff_url}/login?returnTo={return_to}")
    fill_tenant_login(page)
    page.wait_for_url(bff_url + return_to)


@pytest.mark.parametrize("flow", ["code", "implicit"])
def test_alice_signs_in_and_out_in_chromium(page, make_bff, bff_server, hooks, tenant, flow):
    make_bff(AUTH0_FLOW=flow)
    bff_url = bff_server.url
    sign_in_at_tenant(page, bff_url, "/profile")

    status, body = bff_user(page)
    assert status == 200
    assert body["user"]["email"] == ALICE[0]
    cookies = {c["name"]: c for c in page.context.cookies(bff_url)}
    session = cookies["selfserve-session"]
    assert session["httpOnly"] and session["sameSite"] == "Lax"
    assert not any(name.startswith("selfserve-tx-") for name in cookies)
    # No token reached the page: not in a cookie, the DOM, or the URL.
    assert "eyJ" not in page.content() and "eyJ" not in page.url
    assert not any("eyJ" in c["value"] for c in page.context.cookies(bff_url))

    logout_url = page.evaluate(
        """fetch('/logout', {method: 'POST', headers: {'X-CSRF': '1',
             'Accept': 'application/json'}}).then((r) => r.json()).then((b) => b.logout_url)"""
    )
    assert logout_url.startswith(tenant.url + "/v2/logout?")
    page.goto(logout_url)
    page.wait_for_url(bff_url + "/")
    status, body = bff_user(page)
    assert status == 401 and body["code"] == "login_required"


def test_two_tabs_sign_in_at_once(context, bff, bff_server, hooks):
    bff_url = bff_server.url
    first, second = context.new_page(), context.new_page()
    first.goto(bff_url + "/login?returnTo=/profile")
    second.goto(bff_url + "/login?returnTo=/devices")
    for tab in (first, second):
        tab.locator("#username").fill(ALICE[0])
        tab.locator("#password").fill(ALICE[1])
    first.get_by_role("button", name="Continue").click()
    answer_second_factor_ui(first)
    first.wait_for_url(bff_url + "/profile")
    second.get_by_role("button", name="Continue").click()
    answer_second_factor_ui(second)
    second.wait_for_url(bff_url + "/devices")
    assert bff_user(second)[0] == 200


def attacker_form_post(bff_url: str, tenant_url: str) -> tuple[str, dict[str, str]]:
    """The attacker signs in as bob in their own client; the form_post they received."""
    with requests.Session() as attacker:
        start = attacker.get(bff_url + "/login", allow_redirects=True, timeout=10)
        form = next(f for f in parse_forms(start.text) if "password" in f.fields)
        answer = attacker.post(
            requests.compat.urljoin(start.url, form.action),
            data={**form.fields, "username": "bob@example.com", "password": "bob-demo-password"},
            timeout=10,
        )
        posted = next(f for f in parse_forms(answer.text) if "id_token" in f.fields)
        return requests.compat.urljoin(answer.url, posted.action), posted.fields


def test_login_csrf_with_a_form_post_from_another_site_is_refused(
    page, make_bff, bff_server, hooks, tenant
):
    make_bff(AUTH0_FLOW="implicit")
    bff_url = bff_server.url
    action, fields = attacker_form_post(bff_url, tenant.url)
    inputs = "".join(
        f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in fields.items()
    )
    html = (f'<!doctype html><form method="post" action="{escape(action)}">{inputs}'
            '<button>Win a prize</button></form>').encode()

    def evil_site(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html")])
        return [html]

    evil = LiveServer(url_host="127.0.0.1").serve(evil_site)
    try:
        page.goto(evil.url + "/")
        page.get_by_role("button", name="Win a prize").click()
        page.wait_for_url(re.compile(re.escape(bff_url) + r"/callback\?resume="))
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "This sign-in was started elsewhere"
        )
        expect(page.get_by_role("link", name="Try again")).to_be_visible()
        assert bff_user(page)[0] == 401
    finally:
        evil.stop()


def test_login_csrf_with_a_code_callback_link_is_refused(page, bff, bff_server, hooks):
    bff_url = bff_server.url
    with requests.Session() as attacker:
        start = attacker.get(bff_url + "/login", timeout=10)
        form = next(f for f in parse_forms(start.text) if "password" in f.fields)
        answer = attacker.post(
            requests.compat.urljoin(start.url, form.action),
            data={**form.fields, "username": "bob@example.com", "password": "bob-demo-password"},
            timeout=10, allow_redirects=False,
        )
        for _ in range(5):
            location = requests.compat.urljoin(answer.url, answer.headers["Location"])
            if location.startswith(bff_url + "/callback"):
                break
            answer = attacker.get(location, allow_redirects=False, timeout=10)
    page.goto(location)
    expect(page.get_by_role("heading", level=1)).to_have_text("This sign-in was started elsewhere")
    assert bff_user(page)[0] == 401
