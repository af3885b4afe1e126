"""Discovery, JWKS and key rotation; the test hooks (faults, tweaks, mint, settings)."""

from __future__ import annotations

import base64
import hashlib
import time

import jwt
import pytest
import requests
from cryptography import x509

from app.tenant import create_tenant_app
from app.tenant.directory import ALICE_ID
from app.tenant.keys import KeyRing
from tests.support.tenant import TIMEOUT, authorize_and_sign_in, redirect_params, verify_jwt

BFF = "selfserve-demo-bff"


def jwks(tenant) -> dict:
    return requests.get(f"{tenant.url}/.well-known/jwks.json", timeout=TIMEOUT).json()


def id_token_for(tenant, bff_server, agent) -> str:
    got = redirect_params(authorize_and_sign_in(
        agent, tenant.url, client_id=BFF, response_type="id_token", scope="openid",
        redirect_uri=f"{bff_server.url}/callback", nonce="n", state="s"))
    return got["id_token"]


def test_discovery_document(fresh):
    doc = requests.get(f"{fresh.url}/.well-known/openid-configuration", timeout=TIMEOUT).json()
    issuer = fresh.url + "/"
    assert doc["issuer"] == issuer
    assert doc["authorization_endpoint"] == issuer + "authorize"
    assert doc["token_endpoint"] == issuer + "oauth/token"
    assert doc["userinfo_endpoint"] == issuer + "userinfo"
    assert doc["jwks_uri"] == issuer + ".well-known/jwks.json"
    assert doc["revocation_endpoint"] == issuer + "oauth/revoke"
    assert doc["end_session_endpoint"] == issuer + "oidc/logout"
    assert {"code", "token id_token", "id_token"} <= set(doc["response_types_supported"])
    assert {"query", "fragment", "form_post"} <= set(doc["response_modes_supported"])
    assert doc["code_challenge_methods_supported"] == ["S256", "plain"]
    assert doc["backchannel_logout_supported"] is True


def test_jwks_publishes_rs256_keys_with_certificates(fresh):
    (key,) = [k for k in jwks(fresh)["keys"]
              if k["kid"] == fresh.app.extensions["tenant"].keys.active_kid]
    assert {k: key[k] for k in ("kty", "use", "alg")} == {"kty": "RSA", "use": "sig",
                                                          "alg": "RS256"}
    der = base64.b64decode(key["x5c"][0])
    cert = x509.load_der_x509_certificate(der)
    assert cert.public_key().public_numbers().n == jwt.PyJWK(key).key.public_numbers().n
    assert key["x5t"] == base64.urlsafe_b64encode(hashlib.sha1(der).digest()).rstrip(
        b"=").decode()
    assert "d" not in key and "p" not in key


def test_key_rotation(fresh, hooks, bff_server, agent):
    old_token = id_token_for(fresh, bff_server, agent)
    old_kid = jwt.get_unverified_header(old_token)["kid"]
    new_kid = hooks.rotate_keys()
    assert new_kid != old_kid
    kids = [k["kid"] for k in jwks(fresh)["keys"]]
    assert old_kid in kids and new_kid in kids
    verify_jwt(fresh.url, old_token, BFF)  # still verifies after the rotation
    new_token = id_token_for(fresh, bff_server, agent)
    assert jwt.get_unverified_header(new_token)["kid"] == new_kid
    verify_jwt(fresh.url, new_token, BFF)
    previous = hooks.mint({"sub": "x"}, sign="previous")
    assert jwt.get_unverified_header(previous)["kid"] == old_kid


def test_keys_survive_a_restart_and_a_cli_rotation_is_picked_up(fresh, bff_server):
    before = jwks(fresh)
    # Same data folder and BFF URL: a restart (clients are re-registered for bff_url).
    again = create_tenant_app(fresh.data_dir, fresh.url, bff_url=bff_server.url)
    assert again.extensions["tenant"].keys.jwks() == before
    assert again.config["DEMO_BFF_CLIENT_SECRET"] == fresh.bff_client_secret
    new_kid = KeyRing(fresh.data_dir / "keys").rotate()  # what `selfserve rotate-keys` does
    assert new_kid in [k["kid"] for k in jwks(fresh)["keys"]]
    assert fresh.app.extensions["tenant"].keys.active_kid == new_kid


def test_a_new_data_folder_gets_its_own_key_and_secret(fresh, tmp_path):
    other = create_tenant_app(tmp_path / "other", "http://127.0.0.1:1")
    assert other.config["DEMO_BFF_CLIENT_SECRET"] != fresh.bff_client_secret
    assert other.extensions["tenant"].keys.active_kid != fresh.app.extensions[
        "tenant"].keys.active_kid
    assert not any(rule.rule.startswith("/__test__") for rule in other.url_map.iter_rules())


@pytest.mark.parametrize("sign,alg,kid", [
    ("current", "RS256", "active"), ("rogue", "RS256", "active"), ("no_kid", "RS256", None),
    ("unknown_kid", "RS256", "other"), ("none", "none", "active"),
    ("hs256_pubkey", "HS256", "active"),
])
def test_mint_signs_as_asked(fresh, hooks, sign, alg, kid):
    active = fresh.app.extensions["tenant"].keys.active_kid
    token = hooks.mint({"sub": "someone", "iss": fresh.issuer}, sign=sign)
    header = jwt.get_unverified_header(token)
    assert header["alg"] == alg
    assert jwt.decode(token, options={"verify_signature": False}) == {
        "sub": "someone", "iss": fresh.issuer}
    if kid == "active":
        assert header["kid"] == active
    elif kid is None:
        assert "kid" not in header
    else:
        assert header["kid"] not in [k["kid"] for k in jwks(fresh)["keys"]]
    public = fresh.app.extensions["tenant"].keys.active_key()
    if sign in ("current", "no_kid"):
        jwt.decode(token, public.private_key.public_key(), algorithms=["RS256"])
    elif sign == "hs256_pubkey":
        import hmac

        signing_input, _, signature = token.rpartition(".")
        mac = hmac.new(public.public_pem, signing_input.encode(), hashlib.sha256).digest()
        assert base64.urlsafe_b64encode(mac).rstrip(b"=").decode() == signature
    elif sign != "none":
        with pytest.raises(jwt.InvalidSignatureError):
            jwt.decode(token, public.private_key.public_key(), algorithms=["RS256"])


def test_tweak_tokens_applies_to_the_next_tokens_only(fresh, hooks, bff_server, agent):
    hooks.tweak_tokens(id_token={"set": {"iss": "https://evil/"}, "unset": ["sid"],
                                 "sign": "current"})
    tweaked = jwt.decode(id_token_for(fresh, bff_server, agent),
                         options={"verify_signature": False})
    assert tweaked["iss"] == "https://evil/" and "sid" not in tweaked
    normal = verify_jwt(fresh.url, id_token_for(fresh, bff_server, agent), BFF)
    assert normal["iss"] == fresh.issuer and "sid" in normal


def test_tweak_signing_with_a_rogue_key(fresh, hooks, bff_server, agent):
    hooks.tweak_tokens(id_token={"sign": "rogue"}, times=2)
    for _ in range(2):
        with pytest.raises(jwt.InvalidSignatureError):
            verify_jwt(fresh.url, id_token_for(fresh, bff_server, agent), BFF)
    verify_jwt(fresh.url, id_token_for(fresh, bff_server, agent), BFF)


def test_hooks_refuse_bad_input(fresh):
    for path, body in (("faults", {"path": "no-slash"}), ("faults", {"path": "/", "status": 200}),
                       ("tweak-tokens", {"id_token": {"sign": "bogus"}}), ("mint", {}),
                       ("settings", {"access_token_ttl": -1}), ("settings", {"x": 1})):
        answer = requests.post(f"{fresh.url}/__test__/{path}", json=body, timeout=TIMEOUT)
        assert answer.status_code == 400, (path, body)


def test_fault_with_an_auth0_error(fresh, hooks):
    hooks.fault("/api/v2/", status=503, times=2)
    for _ in range(2):
        answer = requests.get(f"{fresh.url}/api/v2/users/x", timeout=TIMEOUT)
        assert answer.status_code == 503
        assert answer.json() == {"statusCode": 503, "error": "Service Unavailable",
                                 "message": "Service Unavailable",
                                 "errorCode": "service_unavailable"}
    assert requests.get(f"{fresh.url}/api/v2/users/x", timeout=TIMEOUT).status_code == 401


def test_fault_429_with_rate_limit_headers(fresh, hooks):
    hooks.fault("/api/v2/", method="PATCH", status=429, ratelimit_reset_in=5, retry_after=5)
    assert requests.get(f"{fresh.url}/api/v2/users/x", timeout=TIMEOUT).status_code == 401
    answer = requests.patch(f"{fresh.url}/api/v2/users/x", json={}, timeout=TIMEOUT)
    assert answer.status_code == 429
    assert answer.json()["errorCode"] == "too_many_requests"
    assert answer.headers["x-ratelimit-remaining"] == "0"
    assert abs(int(answer.headers["x-ratelimit-reset"]) - (time.time() + 5)) <= 2
    assert answer.headers["Retry-After"] == "5"


def test_dropped_connection_and_jwks_outage(fresh, hooks):
    hooks.fault("/.well-known/jwks.json", drop=True)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{fresh.url}/.well-known/jwks.json", timeout=TIMEOUT)
    assert requests.get(f"{fresh.url}/.well-known/jwks.json", timeout=TIMEOUT).ok
    hooks.fault("/.well-known/jwks.json", status=500)
    assert requests.get(f"{fresh.url}/.well-known/jwks.json", timeout=TIMEOUT).status_code == 500


def test_slow_answer(fresh, hooks):
    hooks.fault("/.well-known/openid-configuration", delay=0.5)
    started = time.monotonic()
    assert requests.get(f"{fresh.url}/.well-known/openid-configuration", timeout=TIMEOUT).ok
    assert time.monotonic() - started >= 0.5
    with pytest.raises(requests.Timeout):
        hooks.fault("/.well-known/openid-configuration", delay=1)
        requests.get(f"{fresh.url}/.well-known/openid-configuration", timeout=0.3)


def test_clear_faults(fresh, hooks):
    hooks.fault("/.well-known/", status=500, times=5)
    hooks.clear_faults()
    assert requests.get(f"{fresh.url}/.well-known/jwks.json", timeout=TIMEOUT).ok


def test_settings_change_token_lifetimes_and_reset_restores_them(fresh, hooks, bff_server,
                                                                agent):
    assert hooks.settings(id_token_ttl=5)["id_token_ttl"] == 5
    claims = verify_jwt(fresh.url, id_token_for(fresh, bff_server, agent), BFF)
    assert claims["exp"] - claims["iat"] == 5
    hooks.reset()
    claims = verify_jwt(fresh.url, id_token_for(fresh, agent=requests.Session(),
                                                bff_server=bff_server), BFF)
    assert claims["exp"] - claims["iat"] == 36000


def test_reset_clears_faults_and_tweaks(fresh, hooks, bff_server, agent):
    hooks.fault("/.well-known/", status=500, times=5)
    hooks.tweak_tokens(id_token={"set": {"iss": "https://evil/"}}, times=5)
    hooks.reset()
    assert requests.get(f"{fresh.url}/.well-known/jwks.json", timeout=TIMEOUT).ok
    assert verify_jwt(fresh.url, id_token_for(fresh, bff_server, agent), BFF)["iss"] == (
        fresh.issuer)


def test_users_hook(fresh, hooks):
    alice = hooks.user(ALICE_ID)
    assert alice is not None and alice["email"] == "alice@example.com"
    assert hooks.user("auth0|nobody") is None


def test_reset_ends_sso_sessions(fresh, hooks, bff_server, agent):
    id_token_for(fresh, bff_server, agent)
    hooks.reset()
    got = redirect_params(requests.get(
        f"{fresh.url}/authorize", allow_redirects=False, timeout=TIMEOUT,
        cookies=agent.cookies, params={
            "client_id": BFF, "response_type": "id_token", "scope": "openid", "prompt": "none",
            "redirect_uri": f"{bff_server.url}/callback", "nonce": "n", "state": "s"}))
    assert got["error"] == "login_required"


def test_home_page_documents_the_demo(fresh):
    page = requests.get(f"{fresh.url}/", timeout=TIMEOUT)
    assert page.status_code == 200
    for text in ("selfserve-demo-bff-public", "selfserve-demo-spa", "alice@example.com",
                 fresh.issuer):
        assert text in page.text


def test_token_endpoint_cors_for_registered_web_origins(fresh, bff_server):
    allowed = requests.options(f"{fresh.url}/oauth/token", timeout=TIMEOUT,
                               headers={"Origin": bff_server.url})
    assert allowed.headers["Access-Control-Allow-Origin"] == bff_server.url
    other = requests.options(f"{fresh.url}/oauth/token", timeout=TIMEOUT,
                             headers={"Origin": "http://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
