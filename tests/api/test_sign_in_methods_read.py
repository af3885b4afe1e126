"""The My Account API token beside the Management API one, and the read-only sign-in
methods endpoints built on it (`GET /api/me/authentication-methods`, `/api/me/factors`),
through the real BFF and the local tenant.

The token is got by the multi-resource refresh grant from the sign-in's refresh token;
it stays in the server-side grant: no answer the browser gets carries it.
"""

from __future__ import annotations

import json
import time
from urllib.parse import quote

import pytest

from tests.api.test_step_up import MAX_AGE, wait_until_stale
from tests.support.login import sign_in
from tests.support.store import live_values

CLIENT = "selfserve-demo-bff"
ME_SCOPES = ["read:me:authentication_methods", "create:me:authentication_methods",
             "update:me:authentication_methods", "delete:me:authentication_methods",
             "read:me:factors"]


def _api_access(hooks, tenant, *, grants: list[str] | None, policy: list[str] | None):
    """Replace the demo BFF client's My Account client grant and refresh token policy
    (None: none at all)."""
    body = {"client_grants": {} if grants is None else {"my_account": grants},
            "refresh_token_policies": {} if policy is None else {"my_account": policy}}
    answer = hooks.http.post(f"{tenant.url}/__test__/clients/{CLIENT}/api-access",
                             json=body, timeout=10)
    assert answer.status_code == 200, answer.text


def _my_account_records(data_dir: str) -> list[dict]:
    return [v["my_account"] for v in live_values(data_dir)
            if isinstance(v, dict) and isinstance(v.get("my_account"), dict)]


@pytest.fixture
def sqlite_bff(make_bff, bff_env):
    """The BFF on SQLite, whose grants the test reads to know the /me/ token."""
    return make_bff(SESSION_TYPE="sqlite")


def test_the_methods_are_read_with_a_my_account_token_got_by_multi_resource_refresh(
    api, bff
):
    # Asked for right after the sign-in (my_account.after_sign_in).
    session = api.get("/bff/session").json()
    assert session["my_account"]["available"] is True
    assert session["my_account"]["how"] == "refresh_token"

    listed = api.get("/api/me/authentication-methods")
    assert listed.status_code == 200, listed.text
    types = [m["type"] for m in listed.json()["methods"]]
    assert types[0] == "password" and "totp" in types  # alice's seeded authenticator
    for method in listed.json()["methods"]:
        assert not {"public_key", "user_handle", "key_id"} & set(method)

    session = api.get("/bff/session").json()
    status = session["my_account"]
    assert status["available"] is True and status["how"] == "refresh_token"
    assert set(status["scopes"]) == set(ME_SCOPES)
    assert session["features"]["sign_in_methods"] is True
    assert session["missing_scopes"]["sign_in_methods"] == []

    factors = api.get("/api/me/factors")
    assert factors.status_code == 200, factors.text
    assert {f["type"] for f in factors.json()["factors"]} >= {"passkey", "totp"}
    # The multi-resource refresh rotated the sign-in's refresh token: the Management API
    # side keeps working with the rotated one.
    assert api.get("/api/me").status_code == 200


def test_without_the_refresh_token_policy_the_tenant_refuses_and_the_page_says_why(
    new_api, bff, hooks, tenant
):
    # Neither a policy entry (multi-resource refresh) nor a client grant (the silent
    # /authorize, tests/api/test_my_account_token.py): the sign-in still works.
    _api_access(hooks, tenant, grants=None, policy=None)
    api = new_api()
    refused = api.get("/api/me/authentication-methods")
    assert refused.status_code == 403, refused.text
    problem = refused.json()
    assert problem["code"] == "my_account_unavailable" and problem["reason"] == "not_granted"
    assert "refresh token policy" in problem["detail"]
    status = api.get("/bff/session").json()["my_account"]
    assert status["available"] is False and status["reason"] == "not_granted"
    assert status["detail"] == problem["detail"]
    # The Management API's enrollments are still there, as before My Account.
    assert api.get("/api/me/enrollments").status_code == 200
    # The refusal is remembered: the tenant is not asked again on every page...
    assert api.get("/api/me/factors").json()["code"] == "my_account_unavailable"
    # ...and the session's own refresh token was not used up by the refused exchange.
    assert api.get("/api/me").status_code == 200


def test_without_the_client_grant_the_token_is_refused(new_api, bff, hooks, tenant):
    _api_access(hooks, tenant, grants=None, policy=ME_SCOPES)
    api = new_api()
    refused = api.get("/api/me/authentication-methods")
    assert refused.status_code == 403, refused.text
    assert refused.json()["reason"] == "not_granted"


def test_a_token_without_the_read_scope_gives_insufficient_scope(
    new_api, make_bff, hooks, tenant
):
    make_bff(AUTH0_MYACCOUNT_SCOPES="read:me:factors")
    api = new_api()
    assert api.get("/api/me/factors").status_code == 200
    refused = api.get("/api/me/authentication-methods")
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "insufficient_scope"
    assert refused.json()["missing_scopes"] == ["read:me:authentication_methods"]
    session = api.get("/bff/session").json()
    assert session["features"]["sign_in_methods"] is False
    assert session["missing_scopes"]["sign_in_methods"] == ["read:me:authentication_methods"]


def test_my_account_off_asks_the_tenant_nothing(new_api, make_bff):
    make_bff(AUTH0_MYACCOUNT="off")
    api = new_api()
    refused = api.get("/api/me/authentication-methods")
    assert refused.status_code == 403, refused.text
    assert refused.json()["reason"] == "off"
    assert "AUTH0_MYACCOUNT=off" in refused.json()["detail"]
    assert api.get("/bff/session").json()["my_account"]["reason"] == "off"


def test_the_my_account_token_is_renewed_near_expiry_and_never_reaches_the_browser(
    sqlite_bff, new_api, hooks, bff_env
):
    answers = []
    now = int(time.time())
    # The sign-in's two access tokens (Management, then the /me/ one by multi-resource
    # refresh) are already near expiry.
    hooks.tweak_tokens(access_token={"set": {"iat": now - 100, "exp": now + 5}}, times=2)
    api = new_api()
    [record] = _my_account_records(bff_env["DATA_DIR"])
    assert record["how"] == "refresh_token"
    old_token = record["access_token"]
    assert record["access_expires_at"] == now + 5

    second = api.get("/api/me/authentication-methods")
    answers.append(second)
    assert second.status_code == 200, second.text
    [renewed] = _my_account_records(bff_env["DATA_DIR"])
    assert renewed["access_token"] != old_token
    assert renewed["access_expires_at"] > now + 60

    for path in ("/bff/session", "/bff/user", "/api/me", "/api/me/factors",
                 "/api/me/export", "/"):
        answers.append(api.get(path))
    secrets = [old_token, renewed["access_token"]]
    grant = next(v for v in live_values(bff_env["DATA_DIR"])
                 if isinstance(v, dict) and "my_account" in v)
    secrets.append(grant["refresh_token"])
    for answer in answers:
        seen = answer.text + json.dumps(dict(answer.headers)) + json.dumps(
            api.cookies.get_dict())
        for secret in secrets:
            assert secret not in seen, answer.url


def test_a_second_factor_is_renamed_and_removed_through_the_my_account_api(
    api, bff, hooks
):
    from app.tenant.directory import ALICE_ID

    methods = api.get("/api/me/authentication-methods").json()["methods"]
    totp = next(m for m in methods if m["type"] == "totp")
    path = "/api/me/authentication-methods/" + quote(totp["id"], safe="")

    blank = api.patch(path, json={"name": "  "})
    assert blank.status_code == 400, blank.text
    renamed = api.patch(path, json={"name": "Work phone"})
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["name"] == "Work phone" and renamed.json()["id"] == totp["id"]

    password = next(m for m in methods if m["type"] == "password")
    kept = api.delete("/api/me/authentication-methods/" + quote(password["id"], safe=""))
    assert kept.status_code == 400 and kept.json()["code"] == "password_required"

    assert api.delete(path).status_code == 204
    after = api.get("/api/me/authentication-methods").json()["methods"]
    assert totp["id"] not in {m["id"] for m in after}
    # One record, two views: the Management API's enrollments lose it too.
    assert "authenticator" not in {e["type"] for e in
                                   api.get("/api/me/enrollments").json()["enrollments"]}
    actions = [(e["action"], e["outcome"], e["details"]) for e in
               api.get("/api/me/activity").json()["entries"][:3]]
    assert ("sign_in_method_removed", "ok", {"type": "totp"}) in actions
    assert ("sign_in_method_renamed", "ok", {"type": "totp"}) in actions
    assert "multifactor" not in hooks.user(ALICE_ID)


@pytest.fixture
def stale_bff(make_bff):
    return make_bff(STEP_UP_MAX_AGE=str(MAX_AGE))


def test_removing_a_method_needs_a_recent_sign_in(stale_bff, new_api):
    api = new_api()
    signed_in_at = time.time()
    totp = next(m for m in api.get("/api/me/authentication-methods").json()["methods"]
                if m["type"] == "totp")
    path = "/api/me/authentication-methods/" + quote(totp["id"], safe="")
    wait_until_stale(signed_in_at)
    refused = api.delete(path, headers={"X-Return-To": "/security"})
    assert refused.status_code == 401, refused.text
    assert refused.json()["code"] == "reauthentication_required"
    adding = api.post("/api/me/authentication-methods", json={"type": "recovery-code"})
    assert adding.status_code == 401, adding.text  # adding a method is sensitive too
    assert adding.json()["code"] == "reauthentication_required"
    still = api.get("/api/me/authentication-methods").json()["methods"]
    assert totp["id"] in {m["id"] for m in still}  # nothing changed
    assert "recovery-code" not in {m["type"] for m in still}

    done = sign_in(api, api.bff_url, start_path=refused.json()["reauth_url"])
    assert done.url == api.bff_url + "/security", done.url
    # The re-authentication renewed the grant: the My Account token is had again.
    assert api.delete(path).status_code == 204
    after = api.get("/api/me/authentication-methods").json()["methods"]
    assert totp["id"] not in {m["id"] for m in after}


def test_a_removal_through_the_management_api_shows_in_the_list_at_once(api, bff):
    """The list kept for the Free plan's rate limits goes stale with the user's profile:
    an MFA removal through the Management API is not hidden by it."""
    listed = api.get("/api/me/authentication-methods")
    assert "totp" in [m["type"] for m in listed.json()["methods"]], listed.text
    assert api.delete("/api/me/multifactor/google-authenticator").status_code == 204
    after = api.get("/api/me/authentication-methods")
    assert after.status_code == 200, after.text
    assert "totp" not in [m["type"] for m in after.json()["methods"]]


def _age_the_grant(data_dir: str, **fields) -> dict:
    """Rewrite the one grant in the BFF's SQLite store (`fields` at its top level, or in
    its My Account record under `my_account`): how a token nears its expiry without a
    test waiting for it. Returns the grant as it was."""
    import sqlite3

    from tests.support.store import database

    with sqlite3.connect(database(data_dir)) as conn:
        [(key, raw)] = [(k, v) for k, v in conn.execute("SELECT key, value FROM entries")
                        if isinstance(json.loads(v), dict) and "my_account" in json.loads(v)]
        grant = json.loads(raw)
        aged = {**grant, **{k: v for k, v in fields.items() if k != "my_account"},
                "my_account": {**grant["my_account"], **fields.get("my_account", {})}}
        conn.execute("UPDATE entries SET value = ? WHERE key = ?", (json.dumps(aged), key))
    return grant


def test_a_my_account_token_that_fails_validation_keeps_the_rotated_refresh_token(
    sqlite_bff, new_api, hooks, bff_env
):
    """The tenant rotates the sign-in's refresh token in a multi-resource refresh even when
    the access token it gives is no good here: the rotated one must be kept, or the next
    refresh reuses a spent token and the tenant ends the whole session."""
    api = new_api()
    now = int(time.time())
    before = _age_the_grant(bff_env["DATA_DIR"], my_account={"access_expires_at": now})
    hooks.tweak_tokens(access_token={"set": {"aud": "https://not-the-my-account-api/"}})
    refused = api.get("/api/me/authentication-methods")
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "my_account_unavailable"
    assert refused.json()["reason"] == "not_granted"
    [after] = [v for v in live_values(bff_env["DATA_DIR"])
               if isinstance(v, dict) and "my_account" in v]
    assert after["refresh_token"] != before["refresh_token"]  # the rotated one, kept

    # The Management token's next refresh uses it: the session lives on.
    _age_the_grant(bff_env["DATA_DIR"], access_expires_at=now)
    profile = api.get("/api/me")
    assert profile.status_code == 200, profile.text
    assert api.get("/bff/session").json()["signed_in"] is True


def test_a_refusal_is_asked_again_after_ten_minutes(sqlite_bff, new_api, hooks, tenant,
                                                    bff_env):
    from app.auth.my_account import REFUSAL_TTL

    _api_access(hooks, tenant, grants=None, policy=ME_SCOPES)
    api = new_api()
    assert api.get("/bff/session").json()["my_account"]["available"] is False
    # Ten minutes later (the refusal's time set back), /bff/session no longer says no,
    _age_the_grant(bff_env["DATA_DIR"],
                   my_account={"at": time.time() - REFUSAL_TTL - 1})
    assert api.get("/bff/session").json()["my_account"]["available"] is None
    # and the next request asks the tenant, which now gives the token.
    _api_access(hooks, tenant, grants=ME_SCOPES, policy=ME_SCOPES)
    listed = api.get("/api/me/authentication-methods")
    assert listed.status_code == 200, listed.text
    assert api.get("/bff/session").json()["my_account"]["available"] is True
