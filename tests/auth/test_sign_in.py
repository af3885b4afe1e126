"""Sign-in through the BFF against the local tenant, with plain requests over loopback."""

from __future__ import annotations

import json

import requests

from tests.support.login import sign_in


def test_alice_signs_in_reads_her_session_and_signs_out(signed_in, tenant):
    me = signed_in.get(signed_in.bff_url + "/bff/user", timeout=10)
    assert me.status_code == 200
    body = me.json()
    assert body["user"]["email"] == "alice@example.com"
    assert body["user"]["sub"].startswith("auth0|")
    assert "read:current_user" in body["scopes"]
    assert body["features"]["profile"] is True
    assert body["csrf_header"] == "X-CSRF"
    # No token; the one word allowed is how the My Account token was had (a name).
    assert body["my_account"]["how"] == "refresh_token"
    without_how = json.dumps({**body, "my_account": {**body["my_account"], "how": None}})
    assert "token" not in without_how.lower().replace("csrf", "")

    out = signed_in.post(
        signed_in.bff_url + "/logout",
        headers={"X-CSRF": "1", "Origin": signed_in.bff_url},
        allow_redirects=False,
        timeout=10,
    )
    assert out.status_code == 303
    assert out.headers["Location"].startswith(tenant.url + "/v2/logout?")
    after = signed_in.get(signed_in.bff_url + "/bff/user", timeout=10)
    assert after.status_code == 401
    assert after.json()["code"] == "login_required"


def test_without_a_session_bff_user_is_401_json(http):
    response = http.get(http.bff_url + "/bff/user", allow_redirects=False, timeout=10)
    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["login_url"].startswith("/login?")
    # DESIGN.md's contract: {"error": "login_required", "login_url": ...}
    assert body["error"] == body["code"] == "login_required"


def test_the_implicit_flow_signs_in_by_form_post(make_bff, bff_server):
    make_bff(AUTH0_FLOW="implicit")
    with requests.Session() as http:
        page = sign_in(http, bff_server.url, return_to="/profile")
        assert page.status_code == 200
        assert page.url == bff_server.url + "/profile"
        me = http.get(bff_server.url + "/bff/user", timeout=10)
        assert me.status_code == 200, me.text


def test_a_public_client_signs_in_with_pkce(make_bff, bff_server):
    make_bff(AUTH0_CLIENT_ID="selfserve-demo-bff-public", AUTH0_CLIENT_SECRET=None)
    with requests.Session() as http:
        assert sign_in(http, bff_server.url).status_code == 200
        assert http.get(bff_server.url + "/bff/user", timeout=10).status_code == 200


def test_fewer_granted_scopes_sign_in_and_show_which_features_are_off(bff, http, hooks):
    hooks.tweak_tokens(access_token={"set": {"scope": "openid profile email read:current_user"}})
    assert sign_in(http, http.bff_url).status_code == 200
    body = http.get(http.bff_url + "/bff/user", timeout=10).json()
    assert body["scopes"] == ["email", "openid", "profile", "read:current_user"]
    assert body["features"] == {"profile": True, "metadata": False, "identities": False,
                                "mfa": False, "devices": False,
                                # The My Account token (had right after the sign-in) has
                                # scopes of its own.
                                "sign_in_methods": True}
    assert body["missing_scopes"] == {
        "profile": [], "metadata": ["update:current_user_metadata"],
        "identities": ["update:current_user_identities"],
        "mfa": ["delete:current_user_metadata"],
        "devices": ["create:current_user_device_credentials",
                    "delete:current_user_device_credentials"],
        "sign_in_methods": [],
    }
