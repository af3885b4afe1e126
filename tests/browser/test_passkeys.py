"""Passkeys in Chromium with a virtual authenticator (the DevTools protocol's WebAuthn
domain): enrolled through the My Account API's options from a page of the application
(the BFF's origin, http://localhost), then used to sign in at the tenant's login page.

The tenant runs on 127.0.0.1, which cannot be an rp.id: its rp.id is `localhost`, and
its passkey page runs on http://localhost:<tenant port> (docs/myaccount.md)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from playwright.sync_api import expect

from app.tenant.directory import BOB_ID
from tests.browser.conftest import TIMEOUT_MS
from tests.support.tenant import BOB, TIMEOUT, pkce_pair, verify_jwt
from tests.tenant_myaccount.support import MyAccount, sign_in_for_tokens

CREATE = """async (options) => {
  const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(options);
  const credential = await navigator.credentials.create({ publicKey });
  return credential.toJSON();
}"""


def _test_page(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
    return [b"<!doctype html><title>application page</title><p>application page</p>"]


@pytest.fixture
def app_page_origin(bff_server):
    """The BFF's port serves a plain page of 'the application' for this test."""
    previous = bff_server._app
    bff_server.swap(_test_page)
    yield bff_server.url
    bff_server.swap(previous)


@pytest.fixture
def bob(tenant, hooks, bff_server) -> MyAccount:
    """bob's My Account client (a token from a real sign-in)."""
    return MyAccount(tenant, sign_in_for_tokens(tenant, bff_server.url, user=BOB)["access_token"])


@pytest.fixture
def chromium_page(browser):
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }})
    yield page
    context.close()


def test_a_passkey_enrolled_through_the_api_signs_in_at_the_tenant(
    tenant, bob, chromium_page, app_page_origin
):
    page = chromium_page
    started = bob.start(type="passkey")
    assert started.status_code == 202, started.text
    assert started.headers["Location"].endswith("/authentication-methods/passkey%7Cnew")
    options = started.json()["authn_params_public_key"]
    assert options["rp"]["id"] == "localhost"

    page.goto(app_page_origin + "/account")
    credential = page.evaluate(CREATE, options)
    tampered = {**credential, "response": {**credential["response"],
                                           "clientDataJSON": credential["response"][
                                               "attestationObject"][:40]}}
    refused = bob.verify("passkey|new", auth_session=started.json()["auth_session"],
                         authn_response=tampered)
    assert refused.status_code == 400
    assert [m["type"] for m in bob.methods()] == ["password"]
    verified = bob.verify("passkey|new", auth_session=started.json()["auth_session"],
                          authn_response=credential)
    assert verified.status_code == 201, verified.text
    passkey = verified.json()
    assert passkey["type"] == "passkey" and passkey["key_id"] == credential["id"]
    assert passkey["relying_party_id"] == "localhost"
    assert [m["type"] for m in bob.methods()] == ["password", "passkey"]

    verifier, challenge = pkce_pair()
    callback = app_page_origin + "/callback"
    page.goto(tenant.url + "/authorize?" + urlencode({
        "client_id": "selfserve-demo-bff", "response_type": "code", "scope": "openid",
        "redirect_uri": callback, "state": "passkey-state", "code_challenge": challenge,
        "code_challenge_method": "S256",
    }))
    page.get_by_role("link", name="Sign in with a passkey").click()
    page.wait_for_url(re.compile(re.escape(callback) + r"\?"))
    params = {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}
    assert params["state"] == "passkey-state"
    tokens = requests.post(tenant.url + "/oauth/token", data={
        "grant_type": "authorization_code", "code": params["code"], "code_verifier": verifier,
        "redirect_uri": callback, "client_id": "selfserve-demo-bff",
        "client_secret": tenant.bff_client_secret,
    }, timeout=TIMEOUT)
    assert tokens.status_code == 200, tokens.text
    claims = verify_jwt(tenant.url, tokens.json()["id_token"], "selfserve-demo-bff")
    assert claims["sub"] == BOB_ID
    used = bob.call("GET", bob.method_path(passkey["id"])).json()
    assert "last_auth_at" in used


def test_without_an_enrolled_passkey_the_tenant_signs_no_one_in(tenant, hooks, chromium_page,
                                                                bff_server):
    page = chromium_page
    _verifier, challenge = pkce_pair()
    page.goto(tenant.url + "/authorize?" + urlencode({
        "client_id": "selfserve-demo-bff", "response_type": "code", "scope": "openid",
        "redirect_uri": bff_server.url + "/callback", "state": "s",
        "code_challenge": challenge, "code_challenge_method": "S256",
    }))
    # The login page links to the ceremony origin; the authenticator holds no passkey.
    page.get_by_role("link", name="Sign in with a passkey").click()
    expect(page.locator("#passkey-status")).to_contain_text("No passkey sign-in",
                                                           timeout=TIMEOUT_MS)
    assert page.url.startswith("http://localhost:") and "/u/passkey" in page.url
