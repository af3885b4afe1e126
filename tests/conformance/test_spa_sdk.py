"""Auth0's own SPA SDK (`@auth0/auth0-spa-js` from the npm registry, installed by
`scripts/setup --test` into tests/conformance/spa_sdk/node_modules) against the local
tenant, in Debian's Chromium: sign-in with redirect, the callback, silent renewal (the
hidden iframe with `response_mode=web_message`, then a CORS token request carrying the
`Auth0-Client` header) and a Management API call from the SPA's origin.

The page is served on 127.0.0.1 like the tenant (another port: another origin, the same
site), and the demo SPA client's URLs point at it through the test hook. Nothing of the
SDK is changed or stubbed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs

import jwt
import pytest
import requests

from app.tenant.directory import ALICE_ID
from tests.browser.ui_fixtures import fill_tenant_login
from tests.support.servers import LiveServer
from tests.support.tenant import ALICE

pytestmark = pytest.mark.browser

HERE = Path(__file__).resolve().parent / "spa_sdk"
SDK = HERE / "node_modules" / "@auth0" / "auth0-spa-js" / "dist" / "auth0-spa-js.production.js"
SPA = "selfserve-demo-spa"


class SpaPage:
    """WSGI app serving the conformance page, its script and the SDK's published bundle."""

    def __init__(self, tenant_url: str) -> None:
        if not SDK.exists():
            raise RuntimeError(f"{SDK} is missing: run scripts/setup --test (npm ci)")
        index = (HERE / "index.html").read_text()
        page = ("text/html; charset=utf-8",
                index.replace("{tenant}", tenant_url).replace("{client_id}", SPA).encode())
        self.files = {
            "/": page,
            "/refresh/": page,
            "/app.js": ("application/javascript", (HERE / "app.js").read_bytes()),
            "/sdk.js": ("application/javascript", SDK.read_bytes()),
        }

    def __call__(self, environ, start_response):
        found = self.files.get(environ["PATH_INFO"])
        if found is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not here"]
        content_type, body = found
        start_response("200 OK", [("Content-Type", content_type),
                                  ("Cache-Control", "no-store")])
        return [body]


@pytest.fixture
def spa_url(tenant, hooks) -> Iterator[str]:
    server = LiveServer(url_host="127.0.0.1").serve(SpaPage(tenant.url))
    hooks.client_urls(SPA, callbacks=[server.url + "/", server.url + "/refresh/"],
                      web_origins=[server.url],
                      allowed_logout_urls=[server.url + "/"])
    yield server.url
    server.stop()


def sign_in_with_redirect(page, tenant, url: str) -> None:
    """loginWithRedirect, the tenant's login page and second factor as alice, back to the
    page's callback."""
    page.goto(url)
    assert page.evaluate("window.spaReady") == "no-callback"
    assert page.evaluate("spa.isAuthenticated()") is False
    page.evaluate("spa.loginWithRedirect()")
    page.wait_for_url(tenant.url + "/u/login*")
    fill_tenant_login(page)  # as alice, answering her enrolled authenticator
    page.wait_for_url(url + "?*")
    assert page.evaluate("window.spaReady") == "signed-in"


def test_auth0_spa_js_signs_in_renews_silently_and_calls_the_management_api(
        chromium, tenant, spa_url):
    chromium.run(signs_in_renews_silently_and_calls_the_management_api, tenant, spa_url)


def signs_in_renews_silently_and_calls_the_management_api(page, tenant, spa_url) -> None:
    sign_in_with_redirect(page, tenant, spa_url + "/")
    assert page.evaluate("spa.isAuthenticated()") is True
    user = page.evaluate("spa.getUser()")
    assert user["sub"] == ALICE_ID and user["email"] == ALICE[0]
    first = page.evaluate("spa.getTokenSilently()")  # from the SDK's cache

    # Silent renewal: cache off forces the iframe (prompt=none, web_message) and a new
    # token request from the page's origin.
    requests: list = []
    page.on("request", lambda request: requests.append(request))
    renewed = page.evaluate("spa.getTokenSilently({cacheMode: 'off', detailedResponse: true})")
    assert renewed["id_token"] and renewed["scope"]
    silent = [r for r in requests if r.url.startswith(tenant.url + "/authorize?")]
    assert len(silent) == 1 and r"response_mode=web_message" in silent[0].url
    assert "prompt=none" in silent[0].url and silent[0].frame != page.main_frame
    exchanges = [r for r in requests if r.url == tenant.url + "/oauth/token"
                 and r.method == "POST"]
    assert len(exchanges) == 1
    sent = exchanges[0].all_headers()
    assert sent["auth0-client"]  # a non-simple header: the tenant's preflight allowed it
    assert sent["origin"] == spa_url
    old, new = (jwt.decode(t, options={"verify_signature": False})
                for t in (first, renewed["access_token"]))
    assert new["sub"] == old["sub"] == ALICE_ID and new["iat"] >= old["iat"]

    # The Management API, straight from the browser with the SPA's access token.
    answer = page.evaluate("(token) => managementApi('/users/' + encodeURIComponent("
                           f"'{ALICE_ID}'), token)", renewed["access_token"])
    assert answer["status"] == 200, answer
    assert answer["body"]["user_id"] == ALICE_ID and answer["body"]["email"] == ALICE[0]


def test_auth0_spa_js_with_refresh_tokens_falls_back_to_its_iframe_after_reuse(
        chromium, tenant, spa_url):
    """With `useRefreshTokens` the SDK renews with the refresh token grant; when the
    tenant refuses a refresh token in Auth0's words it signs in again in its iframe."""
    chromium.run(refreshes_then_falls_back_to_the_iframe, tenant, spa_url)


def refreshes_then_falls_back_to_the_iframe(page, tenant, spa_url) -> None:
    answers: list = []
    page.on("response", lambda response: answers.append(response))

    def issued() -> list[dict]:
        """The token endpoint's answers to the page so far (bodies read outside the
        event handler: Playwright cannot read them from inside it)."""
        return [a.json() for a in answers
                if a.url == tenant.url + "/oauth/token" and a.request.method == "POST"]

    sign_in_with_redirect(page, tenant, spa_url + "/refresh/")
    (signed_in,) = issued()
    assert signed_in["refresh_token"]

    requests_seen: list = []
    page.on("request", lambda request: requests_seen.append(request))
    page.evaluate("spa.getTokenSilently({cacheMode: 'off'})")
    grants = [parse_qs(r.post_data or "").get("grant_type") or [
        json.loads(r.post_data or "{}").get("grant_type")] for r in requests_seen
        if r.url == tenant.url + "/oauth/token"]
    assert grants == [["refresh_token"]]
    assert not [r for r in requests_seen if "/authorize?" in r.url]
    rotated = issued()[-1]["refresh_token"]
    assert rotated != signed_in["refresh_token"]

    # Someone else uses the SDK's current refresh token first: the SDK's next use is
    # reuse, the tenant revokes the family and says "Unknown or invalid refresh token.".
    stolen = requests.post(tenant.url + "/oauth/token", timeout=10, data={
        "grant_type": "refresh_token", "refresh_token": rotated, "client_id": SPA})
    assert stolen.status_code == 200, stolen.text
    requests_seen.clear()
    renewed = page.evaluate("spa.getTokenSilently({cacheMode: 'off', detailedResponse: true})")
    assert renewed["access_token"]
    refused = [answer for answer in issued() if "error" in answer]
    assert refused == [{"error": "invalid_grant",
                        "error_description": "Unknown or invalid refresh token."}]
    fallback = [r for r in requests_seen if r.url.startswith(tenant.url + "/authorize?")]
    assert len(fallback) == 1 and "response_mode=web_message" in fallback[0].url
