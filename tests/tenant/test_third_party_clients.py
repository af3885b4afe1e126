"""Clients written only from documentation work against the tenant unchanged:
authlib's OAuth 2.0 / OIDC client, and Auth0's own Python SDK (token endpoint, userinfo,
ID token verifier)."""

from __future__ import annotations

from urllib.parse import urljoin

import requests
from auth0.authentication import GetToken, Users
from auth0.authentication.token_verifier import AsymmetricSignatureVerifier, TokenVerifier
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt as jose_jwt
from joserfc.jwk import KeySet

from app.tenant.directory import ALICE_ID
from tests.support.tenant import ALICE, TIMEOUT, past_second_factor, submit_form, submit_login

BFF = "selfserve-demo-bff"
PUBLIC = "selfserve-demo-bff-public"


def _browser_to_callback(authorize_url: str, callback_prefix: str) -> str:
    """Play the browser: open the URL, sign in as alice, return the callback URL."""
    with requests.Session() as browser:
        start = browser.get(authorize_url, allow_redirects=False, timeout=TIMEOUT)
        page = browser.get(urljoin(start.url, start.headers["Location"]), timeout=TIMEOUT)
        callback = submit_login(browser, page, *ALICE).headers["Location"]
        assert callback.startswith(callback_prefix + "?")
        return callback


def test_authlib_oidc_client_with_pkce(fresh, bff_server):
    meta = requests.get(f"{fresh.url}/.well-known/openid-configuration", timeout=TIMEOUT).json()
    redirect_uri = f"{bff_server.url}/callback"
    client = OAuth2Session(
        client_id=PUBLIC, scope="openid profile email offline_access read:current_user",
        redirect_uri=redirect_uri, code_challenge_method="S256",
        token_endpoint_auth_method="none",
    )
    verifier = "v" * 20 + "-authlib-client-verifier-0123456789"
    url, state = client.create_authorization_url(
        meta["authorization_endpoint"], code_verifier=verifier, nonce="authlib-nonce",
        audience=fresh.audience,
    )
    callback = _browser_to_callback(url, redirect_uri)
    token = client.fetch_token(meta["token_endpoint"], authorization_response=callback,
                               code_verifier=verifier, state=state, timeout=TIMEOUT)
    assert token["token_type"] == "Bearer" and token["refresh_token"]

    keys = KeySet.import_key_set(requests.get(meta["jwks_uri"], timeout=TIMEOUT).json())
    decoded = jose_jwt.decode(token["id_token"], keys, algorithms=["RS256"])
    registry = jose_jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": meta["issuer"]},
        aud={"essential": True, "value": PUBLIC},
        nonce={"essential": True, "value": "authlib-nonce"},
        sub={"essential": True}, iat={"essential": True}, exp={"essential": True},
    )
    registry.validate(decoded.claims)
    assert decoded.claims["sub"] == ALICE_ID

    info = client.get(meta["userinfo_endpoint"], timeout=TIMEOUT).json()
    assert info["sub"] == ALICE_ID and info["email"] == ALICE[0]

    refreshed = client.refresh_token(meta["token_endpoint"], timeout=TIMEOUT)
    assert refreshed["refresh_token"] != token["refresh_token"]


def test_authlib_client_with_client_secret_basic(fresh, bff_server):
    redirect_uri = f"{bff_server.url}/callback"
    client = OAuth2Session(client_id=BFF, client_secret=fresh.bff_client_secret,
                           scope="openid email", redirect_uri=redirect_uri,
                           token_endpoint_auth_method="client_secret_basic")
    url, state = client.create_authorization_url(f"{fresh.url}/authorize", nonce="x")
    callback = _browser_to_callback(url, redirect_uri)
    token = client.fetch_token(f"{fresh.url}/oauth/token", authorization_response=callback,
                               state=state, timeout=TIMEOUT)
    assert token["scope"] == "openid email"


def test_auth0_python_sdk(fresh, bff_server):
    domain = fresh.url.removeprefix("http://")
    redirect_uri = f"{bff_server.url}/callback"
    url = requests.Request("GET", f"{fresh.url}/authorize", params={
        "client_id": BFF, "response_type": "code", "redirect_uri": redirect_uri,
        "scope": "openid profile email offline_access read:current_user",
        "audience": fresh.audience, "state": "sdk", "nonce": "sdk-nonce", "max_age": "600",
    }).prepare().url
    callback = _browser_to_callback(url, redirect_uri)
    code = requests.utils.urlparse(callback).query.split("code=")[1].split("&")[0]

    get_token = GetToken(domain, BFF, client_secret=fresh.bff_client_secret, protocol="http",
                         timeout=TIMEOUT)
    tokens = get_token.authorization_code(code=code, redirect_uri=redirect_uri)
    verifier = TokenVerifier(
        signature_verifier=AsymmetricSignatureVerifier(f"{fresh.url}/.well-known/jwks.json"),
        issuer=fresh.issuer, audience=BFF,
    )
    claims = verifier.verify(tokens["id_token"], nonce="sdk-nonce", max_age=600)
    assert claims["sub"] == ALICE_ID

    info = Users(domain, protocol="http", timeout=TIMEOUT).userinfo(tokens["access_token"])
    assert info["email"] == ALICE[0]

    renewed = get_token.refresh_token(tokens["refresh_token"])
    verifier.verify(renewed["id_token"])
    assert renewed["refresh_token"] != tokens["refresh_token"]


def test_form_helper_submits_like_a_browser(fresh, bff_server):
    """`submit_form` keeps hidden fields and resolves the action against the page URL."""
    with requests.Session() as browser:
        start = browser.get(f"{fresh.url}/authorize", allow_redirects=False, timeout=TIMEOUT,
                            params={"client_id": BFF, "response_type": "code", "state": "s",
                                    "redirect_uri": f"{bff_server.url}/callback"})
        page = browser.get(fresh.url + start.headers["Location"], timeout=TIMEOUT)
        answer = submit_form(browser, page, username=ALICE[0], password=ALICE[1])
        answer = past_second_factor(browser, answer)
        assert answer.status_code == 302 and "/authorize/resume" in answer.headers["Location"]
