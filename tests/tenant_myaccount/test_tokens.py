"""Tokens for the My Account API: /authorize with audience `{issuer}me/` (first-party
clients with a client grant only) and multi-resource refresh tokens (MRRT)."""

from __future__ import annotations

import requests

from app.tenant.directory import BOB_ID
from app.tenant.oauth.scopes import MY_ACCOUNT_SCOPES
from tests.support.tenant import BOB, authorize, pkce_pair, redirect_params, verify_jwt
from tests.tenant_myaccount.support import ME_SCOPE, MyAccount, refresh, sign_in_for_tokens

MANAGEMENT_SCOPE = "openid offline_access read:current_user read:me:authentication_methods"


def test_authorize_with_the_me_audience_issues_a_my_account_token(tenant, bob_tokens):
    claims = verify_jwt(tenant.url, bob_tokens["access_token"], tenant.issuer + "me/")
    assert claims["sub"] == BOB_ID
    assert set(claims["scope"].split()) == {"openid", "offline_access", *MY_ACCOUNT_SCOPES}
    assert MyAccount(tenant, bob_tokens["access_token"]).methods()[0]["type"] == "password"


def test_me_scopes_never_come_with_the_management_audience(tenant, hooks, bff_server):
    tokens = sign_in_for_tokens(tenant, bff_server.url, user=BOB, audience=tenant.audience,
                                scope=MANAGEMENT_SCOPE)
    assert tokens["scope"].split() == ["openid", "offline_access", "read:current_user"]
    refused = MyAccount(tenant, tokens["access_token"]).call("GET", "/authentication-methods")
    assert refused.status_code == 401


def test_a_client_without_a_client_grant_gets_access_denied(tenant, hooks, browser_session,
                                                           bff_server):
    hooks.http.post(tenant.url + "/__test__/clients/selfserve-demo-bff/api-access",
                    json={"client_grants": {}, "refresh_token_policies": {}}, timeout=10)
    answer = authorize(browser_session, tenant.url, client_id="selfserve-demo-bff",
                       response_type="code", redirect_uri=bff_server.url + "/callback",
                       scope="openid", audience=tenant.issuer + "me/", state="s")
    params = redirect_params(answer)
    assert params["error"] == "access_denied"
    assert "not authorized to access resource server" in params["error_description"]


def test_a_refresh_for_the_me_audience_gives_a_working_my_account_token(tenant, hooks,
                                                                      bff_server):
    tokens = sign_in_for_tokens(tenant, bff_server.url, user=BOB, audience=tenant.audience,
                                scope=MANAGEMENT_SCOPE)
    response = refresh(tenant, tokens["refresh_token"], audience=tenant.issuer + "me/",
                       scope="openid read:me:authentication_methods read:current_user")
    assert response.status_code == 200, response.text
    body = response.json()
    claims = verify_jwt(tenant.url, body["access_token"], tenant.issuer + "me/")
    assert claims["scope"].split() == ["openid", "read:me:authentication_methods"]
    assert body["scope"] == claims["scope"]
    me = MyAccount(tenant, body["access_token"])
    assert me.call("GET", "/authentication-methods").status_code == 200
    assert me.call("GET", "/factors").status_code == 403  # not asked for
    # The rotated refresh token still carries the sign-in's grant for the Management API.
    again = refresh(tenant, body["refresh_token"])
    assert again.status_code == 200, again.text
    back = verify_jwt(tenant.url, again.json()["access_token"], [tenant.audience])
    assert "read:current_user" in back["scope"].split()
    # Without `scope`, the policy's scopes and the sign-in's OIDC scopes.
    widest = refresh(tenant, again.json()["refresh_token"], audience=tenant.issuer + "me/")
    assert set(widest.json()["scope"].split()) == {"openid", "offline_access",
                                                   *MY_ACCOUNT_SCOPES}


def test_an_audience_outside_the_refresh_token_policy_is_refused(tenant, hooks, bff_server):
    tokens = sign_in_for_tokens(tenant, bff_server.url, user=BOB, audience=tenant.audience,
                                scope=MANAGEMENT_SCOPE)
    unknown = refresh(tenant, tokens["refresh_token"], audience="https://api.example.com/")
    assert unknown.status_code == 403
    assert unknown.json()["error"] == "access_denied"
    hooks.http.post(tenant.url + "/__test__/clients/selfserve-demo-bff/api-access",
                    json={"client_grants": {"my_account": list(MY_ACCOUNT_SCOPES)},
                          "refresh_token_policies": {}}, timeout=10)
    outside = refresh(tenant, tokens["refresh_token"], audience=tenant.issuer + "me/")
    assert outside.status_code == 403
    assert "refresh token policy" in outside.json()["error_description"]
    # A refused exchange does not use the refresh token up.
    assert refresh(tenant, tokens["refresh_token"]).status_code == 200


def test_a_refresh_for_an_api_without_the_clients_client_grant_is_refused(
    tenant, hooks, bff_server
):
    # The My Account API requires a client grant (require_client_grant): a refresh token
    # policy alone gives no token, as /authorize gives none.
    tokens = sign_in_for_tokens(tenant, bff_server.url, user=BOB, audience=tenant.audience,
                                scope=MANAGEMENT_SCOPE)
    hooks.http.post(tenant.url + "/__test__/clients/selfserve-demo-bff/api-access",
                    json={"client_grants": {},
                          "refresh_token_policies": {"my_account": list(MY_ACCOUNT_SCOPES)}},
                    timeout=10)
    refused = refresh(tenant, tokens["refresh_token"], audience=tenant.issuer + "me/")
    assert refused.status_code == 403
    assert refused.json()["error"] == "access_denied"
    assert "client grant" in refused.json()["error_description"]
    assert refresh(tenant, tokens["refresh_token"]).status_code == 200


def test_the_management_api_is_never_an_mrrt_audience(tenant, hooks, bff_server):
    tokens = sign_in_for_tokens(tenant, bff_server.url, user=BOB)
    response = refresh(tenant, tokens["refresh_token"], audience=tenant.audience)
    assert response.status_code == 403
    assert response.json()["error"] == "access_denied"


def test_bob_signs_in_without_a_second_factor(tenant, hooks, bff_server):
    # bob has none: the login goes straight back to the client.
    assert sign_in_for_tokens(tenant, bff_server.url, user=BOB)["access_token"]
    assert BOB[0] == "bob@example.com"


def _silent_me_authorize(tenant, browser, bff_url: str, verifier_challenge):
    """`/authorize` with `prompt=none` for the `/me/` audience, code + PKCE, in `browser`."""
    _verifier, challenge = verifier_challenge
    return authorize(browser, tenant.url, client_id="selfserve-demo-bff", response_type="code",
                     redirect_uri=bff_url + "/callback", scope=ME_SCOPE, prompt="none",
                     audience=tenant.issuer + "me/", state="silent", nonce="n",
                     code_challenge=challenge, code_challenge_method="S256")


def test_a_silent_authorize_for_the_me_audience_gives_a_renewable_my_account_token(
    tenant, hooks, bff_server
):
    """The BFF's fallback when multi-resource refresh is refused: a second, silent
    /authorize on the tenant session of the sign-in, with the client grant alone."""
    hooks.http.post(tenant.url + "/__test__/clients/selfserve-demo-bff/api-access",
                    json={"client_grants": {"my_account": list(MY_ACCOUNT_SCOPES)},
                          "refresh_token_policies": {}}, timeout=10)
    browser = requests.Session()
    sign_in_for_tokens(tenant, bff_server.url, user=BOB, audience=tenant.audience,
                       scope=MANAGEMENT_SCOPE, session=browser)
    pair = pkce_pair()
    answer = _silent_me_authorize(tenant, browser, bff_server.url, pair)
    params = redirect_params(answer)
    assert "code" in params and params["state"] == "silent", params
    response = browser.post(tenant.url + "/oauth/token", data={
        "grant_type": "authorization_code", "code": params["code"], "code_verifier": pair[0],
        "redirect_uri": bff_server.url + "/callback", "client_id": "selfserve-demo-bff",
        "client_secret": tenant.bff_client_secret}, timeout=10)
    assert response.status_code == 200, response.text
    tokens = response.json()
    claims = verify_jwt(tenant.url, tokens["access_token"], tenant.issuer + "me/")
    assert claims["sub"] == BOB_ID
    assert set(claims["scope"].split()) == {"openid", "offline_access", *MY_ACCOUNT_SCOPES}
    assert tokens["refresh_token"]
    assert MyAccount(tenant, tokens["access_token"]).methods()[0]["type"] == "password"
    # Its own refresh token renews it, for the same audience, without naming one.
    renewed = refresh(tenant, tokens["refresh_token"])
    assert renewed.status_code == 200, renewed.text
    again = verify_jwt(tenant.url, renewed.json()["access_token"], tenant.issuer + "me/")
    assert set(again["scope"].split()) >= set(MY_ACCOUNT_SCOPES)
    assert renewed.json()["refresh_token"] != tokens["refresh_token"]  # rotated


def test_a_silent_authorize_for_the_me_audience_without_a_client_grant_is_refused(
    tenant, hooks, bff_server
):
    browser = requests.Session()
    sign_in_for_tokens(tenant, bff_server.url, user=BOB, audience=tenant.audience,
                       scope=MANAGEMENT_SCOPE, session=browser)
    hooks.http.post(tenant.url + "/__test__/clients/selfserve-demo-bff/api-access",
                    json={"client_grants": {}, "refresh_token_policies": {}}, timeout=10)
    params = redirect_params(_silent_me_authorize(tenant, browser, bff_server.url,
                                                  pkce_pair()))
    assert params["error"] == "access_denied", params
    assert "code" not in params
    assert "not authorized to access resource server" in params["error_description"]
