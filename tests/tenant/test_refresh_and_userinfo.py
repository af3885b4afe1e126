"""Refresh tokens with rotation, revocation, and /userinfo."""

from __future__ import annotations

import requests

from app.tenant.directory import ALICE_ID
from tests.support.tenant import (
    TIMEOUT,
    authorize_and_sign_in,
    pkce_pair,
    redirect_params,
    verify_jwt,
)

BFF = "selfserve-demo-bff"
PUBLIC = "selfserve-demo-bff-public"


def sign_in_for_tokens(tenant, bff_server, agent, scope, client_id=BFF):
    verifier, challenge = pkce_pair()
    redirect_uri = f"{bff_server.url}/callback"
    got = redirect_params(authorize_and_sign_in(
        agent, tenant.url, client_id=client_id, response_type="code", redirect_uri=redirect_uri,
        scope=scope, audience=tenant.audience, state="s", code_challenge=challenge,
        code_challenge_method="S256"))
    data = {"grant_type": "authorization_code", "code": got["code"], "client_id": client_id,
            "redirect_uri": redirect_uri, "code_verifier": verifier}
    if client_id == BFF:
        data["client_secret"] = tenant.bff_client_secret
    answer = requests.post(f"{tenant.url}/oauth/token", data=data, timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    return answer.json()


def refresh(tenant, refresh_token, client_id=BFF, **extra):
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token,
            "client_id": client_id, **extra}
    if client_id == BFF:
        data["client_secret"] = tenant.bff_client_secret
    return requests.post(f"{tenant.url}/oauth/token", data=data, timeout=TIMEOUT)


def test_refresh_rotates(fresh, bff_server, agent):
    first = sign_in_for_tokens(fresh, bff_server, agent,
                               "openid profile email offline_access read:current_user")
    second = refresh(fresh, first["refresh_token"])
    assert second.status_code == 200, second.text
    body = second.json()
    assert body["refresh_token"] != first["refresh_token"]
    assert body["scope"] == first["scope"]
    access = verify_jwt(fresh.url, body["access_token"], fresh.audience)
    assert access["sub"] == ALICE_ID and access["azp"] == BFF
    id_claims = verify_jwt(fresh.url, body["id_token"], BFF)
    first_claims = verify_jwt(fresh.url, first["id_token"], BFF)
    assert id_claims["sid"] == first_claims["sid"]
    assert id_claims["auth_time"] == first_claims["auth_time"]
    assert "nonce" not in id_claims

    third = refresh(fresh, body["refresh_token"])
    assert third.status_code == 200, third.text
    assert refresh(fresh, body["refresh_token"]).status_code == 403  # used: reuse


def test_refresh_for_a_public_client(fresh, bff_server, agent):
    first = sign_in_for_tokens(fresh, bff_server, agent, "openid offline_access",
                               client_id=PUBLIC)
    second = refresh(fresh, first["refresh_token"], client_id=PUBLIC)
    assert second.status_code == 200, second.text
    assert refresh(fresh, first["refresh_token"], client_id=PUBLIC).status_code == 403


def test_refresh_token_belongs_to_its_client(fresh, bff_server, agent):
    first = sign_in_for_tokens(fresh, bff_server, agent, "openid offline_access")
    stolen = refresh(fresh, first["refresh_token"], client_id=PUBLIC)
    assert stolen.status_code == 403 and stolen.json()["error"] == "invalid_grant"


def test_no_refresh_token_without_offline_access(fresh, bff_server, agent):
    body = sign_in_for_tokens(fresh, bff_server, agent, "openid read:current_user")
    assert "refresh_token" not in body


def test_refresh_may_narrow_but_not_widen_the_scope(fresh, bff_server, agent):
    first = sign_in_for_tokens(fresh, bff_server, agent,
                               "openid offline_access read:current_user")
    wider = refresh(fresh, first["refresh_token"],
                    scope="openid offline_access update:current_user_metadata")
    assert wider.status_code == 400 and wider.json()["error"] == "invalid_scope"


def test_refresh_token_ttl_setting(fresh, hooks, bff_server, agent):
    hooks.settings(access_token_ttl=60)
    body = sign_in_for_tokens(fresh, bff_server, agent, "openid offline_access")
    claims = verify_jwt(fresh.url, body["access_token"], fresh.issuer + "userinfo")
    assert claims["exp"] - claims["iat"] == 60 and body["expires_in"] == 60


def test_revoked_refresh_token_stops_working(fresh, bff_server, agent):
    body = sign_in_for_tokens(fresh, bff_server, agent, "openid offline_access")
    revoked = requests.post(f"{fresh.url}/oauth/revoke", timeout=TIMEOUT, data={
        "token": body["refresh_token"], "client_id": BFF,
        "client_secret": fresh.bff_client_secret})
    assert revoked.status_code == 200
    assert refresh(fresh, body["refresh_token"]).json()["error"] == "invalid_grant"


def test_userinfo(fresh, bff_server, agent):
    body = sign_in_for_tokens(fresh, bff_server, agent, "openid profile email read:current_user")
    answer = requests.get(f"{fresh.url}/userinfo", timeout=TIMEOUT,
                          headers={"Authorization": f"Bearer {body['access_token']}"})
    assert answer.status_code == 200
    info = answer.json()
    assert info["sub"] == ALICE_ID and info["email"] == "alice@example.com"
    assert {"name", "nickname", "picture", "updated_at", "email_verified"} <= set(info)


def test_userinfo_only_with_its_claims(fresh, bff_server, agent):
    body = sign_in_for_tokens(fresh, bff_server, agent, "openid")
    info = requests.get(f"{fresh.url}/userinfo", timeout=TIMEOUT,
                        headers={"Authorization": f"Bearer {body['access_token']}"}).json()
    assert info == {"sub": ALICE_ID}


def test_userinfo_refuses_bad_tokens(fresh, hooks, bff_server, agent):
    body = sign_in_for_tokens(fresh, bff_server, agent, "read:current_user")
    for token in (body["access_token"],  # no openid: not for /userinfo
                  hooks.mint({"iss": fresh.issuer, "sub": ALICE_ID, "aud": fresh.issuer +
                              "userinfo", "iat": 1, "exp": 2}),
                  hooks.mint({"iss": fresh.issuer, "sub": ALICE_ID, "aud": fresh.issuer +
                              "userinfo", "iat": 1, "exp": 9999999999}, sign="rogue"),
                  "not-a-jwt"):
        answer = requests.get(f"{fresh.url}/userinfo", timeout=TIMEOUT,
                              headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert requests.get(f"{fresh.url}/userinfo", timeout=TIMEOUT).status_code == 401
