"""Authorization code flow: login page, response modes, token endpoint, PKCE, code reuse."""

from __future__ import annotations

import jwt
import pytest
import requests

from app.tenant.directory import ALICE_ID, BOB_ID
from tests.support.tenant import (
    ALICE,
    BOB,
    TIMEOUT,
    authorize,
    authorize_and_sign_in,
    form_post_params,
    parse_forms,
    pkce_pair,
    redirect_params,
    submit_form,
    verify_jwt,
)

BFF = "selfserve-demo-bff"
PUBLIC = "selfserve-demo-bff-public"
SCOPE = "openid profile email offline_access read:current_user update:current_user_metadata"


def code_params(tenant, bff_server, **overrides):
    params = {
        "client_id": BFF,
        "response_type": "code",
        "redirect_uri": f"{bff_server.url}/callback",
        "scope": SCOPE,
        "audience": tenant.audience,
        "state": "st-123",
        "nonce": "n-456",
    }
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}


def exchange(tenant, code, redirect_uri, *, auth="post", **extra):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            **extra}
    kwargs = {}
    if auth == "post":
        data.update(client_id=BFF, client_secret=tenant.bff_client_secret)
    elif auth == "basic":
        kwargs["auth"] = (BFF, tenant.bff_client_secret)
    return requests.post(f"{tenant.url}/oauth/token", data=data, timeout=TIMEOUT, **kwargs)


def test_login_page_is_a_form_that_carries_the_transaction(fresh, bff_server, agent):
    start = authorize(agent, fresh.url, **code_params(fresh, bff_server, login_hint="bob@x"))
    assert start.status_code == 302
    page = agent.get(fresh.url + start.headers["Location"], timeout=TIMEOUT)
    (form,) = parse_forms(page.text)
    assert form.method == "post"
    assert set(form.fields) == {"state", "username", "password"}
    assert form.fields["username"] == "bob@x"  # login_hint prefills
    assert "github" in page.text and "google-oauth2" in page.text
    assert "'self'" in page.headers["Content-Security-Policy"]


def test_wrong_password_stays_on_the_login_page(fresh, bff_server, agent):
    start = authorize(agent, fresh.url, **code_params(fresh, bff_server))
    page = agent.get(fresh.url + start.headers["Location"], timeout=TIMEOUT)
    answer = submit_form(agent, page, username=ALICE[0], password="nope")
    assert answer.status_code == 400
    assert "Wrong email or password" in answer.text
    assert "auth0" not in agent.cookies


@pytest.mark.parametrize("auth", ["post", "basic"])
def test_code_flow_issues_auth0_shaped_tokens(fresh, bff_server, agent, auth):
    params = code_params(fresh, bff_server)
    answer = authorize_and_sign_in(agent, fresh.url, **params)
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith(params["redirect_uri"] + "?")
    got = redirect_params(answer)
    assert got["state"] == "st-123"

    cookie = next(c for c in agent.cookies if c.name == "auth0")
    assert cookie.has_nonstandard_attr("HttpOnly") and cookie.path == "/"
    assert cookie.get_nonstandard_attr("SameSite") == "Lax"

    tokens = exchange(fresh, got["code"], params["redirect_uri"], auth=auth)
    assert tokens.status_code == 200, tokens.text
    body = tokens.json()
    assert body["token_type"] == "Bearer"
    assert body["refresh_token"]
    assert tokens.headers["Cache-Control"] == "no-store"

    access = verify_jwt(fresh.url, body["access_token"], fresh.audience)
    assert access["aud"] == [fresh.audience, fresh.issuer + "userinfo"]
    assert access["sub"] == ALICE_ID
    assert access["azp"] == BFF
    assert access["scope"].split() == SCOPE.split()
    assert {"iss", "sub", "aud", "azp", "iat", "exp", "scope"} <= set(access)

    id_claims = verify_jwt(fresh.url, body["id_token"], BFF)
    assert id_claims["aud"] == BFF
    assert id_claims["sub"] == access["sub"]
    assert id_claims["nonce"] == "n-456"
    assert id_claims["email"] == ALICE[0] and id_claims["email_verified"] is True
    assert {"name", "nickname", "picture", "updated_at", "sid", "auth_time"} <= set(id_claims)
    assert "at_hash" not in id_claims
    assert jwt.get_unverified_header(body["id_token"])["kid"] == fresh.app.extensions[
        "tenant"].keys.active_kid


def test_scopes_without_audience_are_oidc_only(fresh, bff_server, agent):
    params = code_params(fresh, bff_server, audience=None, scope="openid read:current_user")
    got = redirect_params(authorize_and_sign_in(agent, fresh.url, **params))
    body = exchange(fresh, got["code"], params["redirect_uri"]).json()
    assert body["scope"] == "openid"
    assert "refresh_token" not in body
    # No audience: an opaque access token, good for /userinfo only (wire test_auth0_wire).
    assert body["access_token"].count(".") != 2


def test_api_audience_without_openid_is_a_single_audience(fresh, bff_server, agent):
    params = code_params(fresh, bff_server, scope="read:current_user", nonce=None)
    got = redirect_params(authorize_and_sign_in(agent, fresh.url, **params))
    body = exchange(fresh, got["code"], params["redirect_uri"]).json()
    assert "id_token" not in body
    assert verify_jwt(fresh.url, body["access_token"], fresh.audience)["aud"] == fresh.audience


@pytest.mark.parametrize("mode", ["fragment", "form_post"])
def test_code_in_other_response_modes(fresh, bff_server, agent, mode):
    params = code_params(fresh, bff_server, response_mode=mode)
    answer = authorize_and_sign_in(agent, fresh.url, **params)
    if mode == "fragment":
        assert answer.headers["Location"].startswith(params["redirect_uri"] + "#")
        got = redirect_params(answer)
    else:
        assert answer.status_code == 200
        action, got = form_post_params(answer)
        assert action == params["redirect_uri"]
        csp = answer.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and bff_server.url in csp
        assert "<noscript>" in answer.text and "form_post.js" in answer.text
        script = agent.get(fresh.url + "/assets/form_post.js", timeout=TIMEOUT)
        assert "submit()" in script.text
    assert got["state"] == "st-123"
    assert exchange(fresh, got["code"], params["redirect_uri"]).status_code == 200


def test_code_works_once(fresh, bff_server, agent):
    params = code_params(fresh, bff_server)
    got = redirect_params(authorize_and_sign_in(agent, fresh.url, **params))
    assert exchange(fresh, got["code"], params["redirect_uri"]).status_code == 200
    replay = exchange(fresh, got["code"], params["redirect_uri"])
    assert replay.status_code == 403
    assert replay.json()["error"] == "invalid_grant"


def test_token_endpoint_refuses_wrong_secret_and_wrong_redirect_uri(fresh, bff_server, agent):
    params = code_params(fresh, bff_server)
    got = redirect_params(authorize_and_sign_in(agent, fresh.url, **params))
    bad_secret = requests.post(f"{fresh.url}/oauth/token", timeout=TIMEOUT, data={
        "grant_type": "authorization_code", "code": got["code"],
        "redirect_uri": params["redirect_uri"], "client_id": BFF, "client_secret": "wrong"})
    assert bad_secret.status_code == 401
    assert bad_secret.json()["error"] == "access_denied"
    got = redirect_params(authorize_and_sign_in(agent, fresh.url, **params))
    wrong_uri = exchange(fresh, got["code"], f"{bff_server.url}/link/callback")
    assert wrong_uri.json()["error"] == "invalid_grant"


def test_confidential_client_must_authenticate(fresh, bff_server, agent):
    params = code_params(fresh, bff_server)
    got = redirect_params(authorize_and_sign_in(agent, fresh.url, **params))
    answer = requests.post(f"{fresh.url}/oauth/token", timeout=TIMEOUT, data={
        "grant_type": "authorization_code", "code": got["code"], "client_id": BFF,
        "redirect_uri": params["redirect_uri"]})
    assert answer.status_code == 401 and answer.json()["error"] == "access_denied"


def public_client_code(tenant, bff_server, agent) -> tuple[str, dict, str]:
    """Sign in through the public client with PKCE: its verifier, the /authorize
    parameters (to ask again for a code with the same challenge), and the code it got."""
    verifier, challenge = pkce_pair()
    params = code_params(tenant, bff_server, client_id=PUBLIC, code_challenge=challenge,
                         code_challenge_method="S256")
    got = redirect_params(authorize_and_sign_in(agent, tenant.url, **params))
    return verifier, params, got["code"]


def public_client_token(tenant, bff_server, code: str, **verifier: str) -> requests.Response:
    return requests.post(f"{tenant.url}/oauth/token", timeout=TIMEOUT, data={
        "grant_type": "authorization_code", "code": code, "client_id": PUBLIC,
        "redirect_uri": f"{bff_server.url}/callback", **verifier})


def test_pkce_right_and_wrong(fresh, bff_server, agent):
    verifier, params, code = public_client_code(fresh, bff_server, agent)
    wrong = public_client_token(fresh, bff_server, code, code_verifier=pkce_pair()[0])
    assert wrong.status_code == 403 and wrong.json()["error"] == "invalid_grant"

    got = redirect_params(authorize(agent, fresh.url, **params))  # SSO: no login page
    right = public_client_token(fresh, bff_server, got["code"], code_verifier=verifier)
    assert right.status_code == 200, right.text
    assert verify_jwt(fresh.url, right.json()["id_token"], PUBLIC)["aud"] == PUBLIC


def test_pkce_with_a_confidential_client_checks_both(fresh, bff_server, agent):
    verifier, challenge = pkce_pair()
    params = code_params(fresh, bff_server, code_challenge=challenge,
                         code_challenge_method="S256")
    got = redirect_params(authorize_and_sign_in(agent, fresh.url, **params))
    missing = exchange(fresh, got["code"], params["redirect_uri"])
    assert missing.json()["error"] == "invalid_request"
    got = redirect_params(authorize(agent, fresh.url, **params))
    assert exchange(fresh, got["code"], params["redirect_uri"],
                    code_verifier=verifier).status_code == 200


def test_public_client_without_pkce_is_refused(fresh, bff_server, agent):
    answer = authorize(agent, fresh.url, **code_params(fresh, bff_server, client_id=PUBLIC))
    assert answer.status_code == 302
    got = redirect_params(answer)
    assert got["error"] == "invalid_request"
    assert "PKCE" in got["error_description"]
    assert got["state"] == "st-123"


def test_unknown_pkce_method_is_refused(fresh, bff_server, agent):
    verifier, _ = pkce_pair()
    answer = authorize(agent, fresh.url, **code_params(
        fresh, bff_server, client_id=PUBLIC, code_challenge=verifier,
        code_challenge_method="S512"))
    assert redirect_params(answer)["error"] == "invalid_request"


def test_public_client_cannot_skip_the_verifier(fresh, bff_server, agent):
    _, _, code = public_client_code(fresh, bff_server, agent)
    answer = public_client_token(fresh, bff_server, code)
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_request"


@pytest.mark.parametrize("redirect_uri", [
    "http://evil.example/callback", "{bff}/callback/extra", "{bff}/callback?x=1", "{bff}/",
])
def test_unregistered_redirect_uri_shows_an_error_page(fresh, bff_server, agent, redirect_uri):
    params = code_params(fresh, bff_server, redirect_uri=redirect_uri.format(bff=bff_server.url))
    answer = authorize(agent, fresh.url, **params)
    assert answer.status_code == 400
    assert "Location" not in answer.headers
    assert answer.headers["Content-Type"].startswith("text/html")
    assert "invalid_request" in answer.text


def test_unknown_client_shows_an_error_page(fresh, bff_server, agent):
    answer = authorize(agent, fresh.url, **code_params(fresh, bff_server, client_id="nope"))
    assert answer.status_code == 400 and "Location" not in answer.headers
    assert "invalid_client" in answer.text


def test_errors_go_back_to_a_registered_redirect_uri(fresh, bff_server, agent):
    answer = authorize(agent, fresh.url, **code_params(
        fresh, bff_server, audience="https://other.example/api"))
    got = redirect_params(answer)
    assert got["error"] == "access_denied"
    assert got["error_description"] == "Service not found: https://other.example/api"
    assert got["state"] == "st-123"
    bad_type = redirect_params(authorize(agent, fresh.url, **code_params(
        fresh, bff_server, response_type="code device")))
    assert bad_type["error"] == "unsupported_response_type"
    bad_connection = redirect_params(authorize(agent, fresh.url, **code_params(
        fresh, bff_server, connection="twitter")))
    assert bad_connection["error"] == "invalid_request"


def test_bob_gets_his_own_subject(fresh, bff_server, agent):
    params = code_params(fresh, bff_server)
    got = redirect_params(authorize_and_sign_in(agent, fresh.url, BOB, **params))
    body = exchange(fresh, got["code"], params["redirect_uri"]).json()
    claims = verify_jwt(fresh.url, body["id_token"], BFF)
    assert claims["email"] == BOB[0]
    assert claims["sub"] == BOB_ID
