"""Step-up: a sensitive change needs a recent sign-in (STEP_UP_MAX_AGE), renewed through
`/reauth` (`prompt=login`, `max_age=0` at the local tenant) for the same user only."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest

from app.tenant.db import connect
from app.tenant.directory import credentials_of
from tests.api.conftest import ALICE_ID
from tests.api.test_mfa_and_devices import public_key_pem
from tests.auth.test_link import start_link
from tests.support import waiting
from tests.support.login import sign_in
from tests.support.tenant import answer_second_factor, parse_forms, submit_form

#: Small enough for a test to outwait, large enough for three calls after a re-auth
#: (`auth_time` has whole seconds).
MAX_AGE = 3


def wait_until_stale(signed_in_at: float) -> None:
    """Wait until a sign-in at `signed_in_at` is older than MAX_AGE."""
    waiting.wait_until_stale(signed_in_at, MAX_AGE)


@pytest.fixture
def stale_bff(make_bff):
    return make_bff(STEP_UP_MAX_AGE=str(MAX_AGE))


def device_keys(tenant) -> list[dict]:
    conn = connect(tenant.data_dir / "tenant.sqlite3")
    try:
        return credentials_of(conn, ALICE_ID)
    finally:
        conn.close()


def prepared_alice(new_api, tenant):
    """Alice with a linked github identity, her MFA enrollment and one device key."""
    api = new_api()
    signed_in_at = time.time()
    page = start_link(api, api.bff_url, "github")
    assert page.url.endswith("/linked-accounts?pending=1"), page.url
    assert api.post("/api/me/link", json={"copy_metadata": False}).status_code == 201
    created = api.post("/api/me/device-credentials", json={
        "device_name": "Laptop", "device_id": "00aa", "public_key": public_key_pem()})
    assert created.status_code == 201, created.text
    return api, created.json()["id"], signed_in_at


def sensitive_calls(key_id: str) -> list[tuple[str, str]]:
    return [("DELETE", "/api/me/identities/github/1000001"),
            ("DELETE", "/api/me/multifactor/google-authenticator"),
            ("DELETE", f"/api/me/device-credentials/{key_id}")]


def tenant_state(hooks, tenant) -> tuple:
    user = hooks.user(ALICE_ID)
    return (len(user["identities"]), "google-authenticator" in user.get("multifactor", []),
            len(device_keys(tenant)))


def test_each_sensitive_action_needs_a_recent_sign_in_and_works_after_reauth(
        stale_bff, new_api, hooks, tenant):
    api, key_id, signed_in_at = prepared_alice(new_api, tenant)
    assert tenant_state(hooks, tenant) == (2, True, 1)
    cookie_before = api.cookies.get("selfserve-session")
    wait_until_stale(signed_in_at)

    reauth_url = None
    for method, path in sensitive_calls(key_id):
        refused = api.request(method, path, headers={"X-Return-To": "/security"})
        assert refused.status_code == 401, (path, refused.text)
        problem = refused.json()
        assert problem["code"] == "reauthentication_required"
        assert problem["max_age"] == MAX_AGE
        reauth_url = problem["reauth_url"]
        assert urlsplit(reauth_url).path == "/reauth"
        assert parse_qs(urlsplit(reauth_url).query)["returnTo"] == ["/security"]
    assert tenant_state(hooks, tenant) == (2, True, 1)  # nothing changed
    assert api.get("/bff/user").status_code == 200  # the session itself goes on

    done = sign_in(api, api.bff_url, start_path=reauth_url)
    assert done.status_code == 200 and done.url == api.bff_url + "/security", done.url
    assert api.cookies.get("selfserve-session") == cookie_before  # same session id

    for method, path in sensitive_calls(key_id):
        answer = api.request(method, path)
        assert answer.status_code in (200, 204), (path, answer.text)
    assert tenant_state(hooks, tenant) == (1, False, 0)


def test_reauth_asks_the_tenant_for_a_fresh_login(stale_bff, new_api):
    api = new_api()
    start = api.get("/reauth", params={"returnTo": "/devices"}, allow_redirects=False)
    assert start.status_code == 302
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert query["prompt"] == ["login"] and query["max_age"] == ["0"]
    assert query["login_hint"] == ["alice@example.com"]
    # The browser has a tenant session, yet the tenant shows its password form.
    page = api.get(start.headers["Location"])
    assert any("password" in form.fields for form in parse_forms(page.text)), page.text[:300]


def test_a_reauth_as_another_user_is_refused(stale_bff, new_api, hooks, tenant):
    api, key_id, signed_in_at = prepared_alice(new_api, tenant)
    wait_until_stale(signed_in_at)
    page = api.get("/reauth", params={"returnTo": "/devices"})
    answer = submit_form(api, page, allow_redirects=True, username="bob@example.com",
                         password="bob-demo-password")
    assert answer.status_code == 403, answer.text[:300]
    assert "another user" in answer.text
    user = api.get("/bff/user")
    assert user.status_code == 200 and user.json()["user"]["sub"] == ALICE_ID
    refused = api.delete(f"/api/me/device-credentials/{key_id}")
    assert refused.json()["code"] == "reauthentication_required"  # still stale
    assert tenant_state(hooks, tenant) == (2, True, 1)


def test_a_reauth_token_older_than_max_age_is_refused(stale_bff, new_api, hooks, tenant):
    api, key_id, signed_in_at = prepared_alice(new_api, tenant)
    wait_until_stale(signed_in_at)
    hooks.tweak_tokens(id_token={"set": {"auth_time": int(time.time()) - 3600}})
    page = api.get("/reauth", params={"returnTo": "/devices"})
    answer = submit_form(api, page, allow_redirects=True, username="alice@example.com",
                         password="alice-demo-password")
    answer = answer_second_factor(api, answer)  # the tenant asks her authenticator code
    assert answer.status_code == 400, answer.text[:300]
    assert "max_age" in answer.text
    assert api.get("/bff/user").status_code == 200
    refused = api.delete(f"/api/me/device-credentials/{key_id}")
    assert refused.json()["code"] == "reauthentication_required"
    assert tenant_state(hooks, tenant) == (2, True, 1)


def test_a_logout_token_for_the_reauths_tenant_session_ends_the_session(
        stale_bff, new_api, hooks, tenant):
    """The re-authentication opened another tenant session (`sid`): a back-channel
    logout naming it ends this BFF session too."""
    from tests.auth.test_link import newest_tenant_session
    from tests.support.backchannel import logout_claims

    api = new_api()
    first_sid, _ = newest_tenant_session(tenant, "Username-Password-Authentication")
    done = sign_in(api, api.bff_url, start_path="/reauth?returnTo=/security")
    assert done.url == api.bff_url + "/security"
    reauth_sid, user = newest_tenant_session(tenant, "Username-Password-Authentication")
    assert reauth_sid != first_sid and user == ALICE_ID
    token = hooks.mint(logout_claims(tenant, sub=ALICE_ID, sid=reauth_sid))
    answer = api.post(api.bff_url + "/backchannel-logout", data={"logout_token": token})
    assert answer.status_code == 200, answer.text
    assert api.get("/bff/user").status_code == 401
