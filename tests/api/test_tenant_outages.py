"""Tenant outages injected through its test hooks: reads recover, writes report clearly,
and nothing is lost or applied twice (checked in the tenant's stored state)."""

from __future__ import annotations

import time

import pytest

from tests.api.conftest import ALICE_ID

USERS = "/api/v2/users/"


@pytest.fixture
def api(make_bff, new_api):
    """Alice on a BFF with a 1 s timeout, so that slow-tenant tests stay quick."""
    make_bff(HTTP_TIMEOUT="1")
    return new_api()


@pytest.mark.parametrize("fault", [
    {"status": 503, "times": 2},
    {"status": 500, "times": 1},
    {"drop": True, "times": 1},
    {"delay": 1.5, "times": 1},
])
def test_reads_recover_from_passing_failures(api, hooks, fault):
    hooks.faults(path=USERS, method="GET", **fault)
    response = api.get("/api/me/metadata")
    assert response.status_code == 200
    assert response.json()["user_metadata"] == hooks.user(ALICE_ID)["user_metadata"]


def test_reads_give_up_after_bounded_retries(api, hooks):
    hooks.faults(path=USERS, method="GET", status=503, times=10)
    started = time.monotonic()
    response = api.get("/api/me/enrollments")
    assert response.status_code == 502
    assert response.json()["code"] == "tenant_unavailable"
    assert time.monotonic() - started < 5


def test_reads_that_time_out_give_504(api, hooks):
    hooks.faults(path=USERS, method="GET", delay=1.5, times=10)
    response = api.get("/api/me/enrollments")
    assert response.status_code == 504
    assert response.json()["code"] == "tenant_unavailable"


def test_rate_limit_is_waited_out_when_short(api, hooks):
    hooks.faults(path=USERS, method="PATCH", status=429, retry_after=1, times=1)
    response = api.patch("/api/me/metadata", json={"theme": "light"})
    assert response.status_code == 200
    assert hooks.user(ALICE_ID)["user_metadata"]["theme"] == "light"


def test_rate_limit_reset_header_is_honoured(api, hooks):
    hooks.faults(path=USERS, method="GET", status=429, ratelimit_reset_in=2, times=1)
    started = time.monotonic()
    assert api.get("/api/me").status_code == 200
    # x-ratelimit-reset is whole UNIX seconds: now + 2 is at least 1 s away.
    assert time.monotonic() - started >= 1.0  # it waited for the reset, then retried


def test_a_long_rate_limit_is_passed_on_with_retry_after(api, hooks):
    hooks.faults(path=USERS, method="PATCH", status=429, retry_after=30, times=1)
    response = api.patch("/api/me/metadata", json={"theme": "light"})
    assert response.status_code == 429
    problem = response.json()
    assert problem["code"] == "rate_limited"
    assert problem["retry_after"] == 30
    assert response.headers["Retry-After"] == "30"
    assert "30 seconds" in problem["detail"]
    assert hooks.user(ALICE_ID)["user_metadata"]["theme"] == "dark"


def test_a_dropped_write_is_reported_as_unknown_and_not_repeated(api, hooks):
    before = hooks.user(ALICE_ID)
    hooks.faults(path=USERS, method="PATCH", drop=True, times=1)
    response = api.patch("/api/me/metadata", json={"visits": 1})
    assert response.status_code == 502
    assert response.json()["code"] == "write_outcome_unknown"
    assert "reload" in response.json()["detail"].lower()
    after = hooks.user(ALICE_ID)
    assert after["user_metadata"] == before["user_metadata"]
    assert after["updated_at"] == before["updated_at"]


def test_a_slow_write_is_reported_as_unknown_and_applied_once(api, hooks):
    # The tenant applies it after our timeout: we must not claim success nor send it again.
    hooks.faults(path="/api/v2/users/", method="DELETE", delay=1.5, times=1)
    response = api.delete("/api/me/multifactor/google-authenticator")
    assert response.status_code == 502
    assert response.json()["code"] == "write_outcome_unknown"
    time.sleep(0.8)
    assert "multifactor" not in hooks.user(ALICE_ID)


def test_a_failed_write_is_not_retried(api, hooks):
    hooks.faults(path=USERS, method="PATCH", status=503, times=1)
    response = api.patch("/api/me/metadata", json={"theme": "light"})
    assert response.status_code == 502
    assert response.json()["code"] == "tenant_unavailable"
    assert hooks.user(ALICE_ID)["user_metadata"]["theme"] == "dark"
    # The fault was used up by our single attempt: a retry by the user now succeeds.
    assert api.patch("/api/me/metadata", json={"theme": "light"}).status_code == 200


def test_device_registration_dropped_is_not_recorded(api, hooks):
    hooks.faults(path="/api/v2/device-credentials", method="POST", drop=True, times=1)
    response = api.post("/api/me/device-credentials", json={
        "device_name": "Phone", "device_id": "abc1",
        "public_key": "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE="})
    assert response.status_code == 502
    assert response.json()["code"] == "write_outcome_unknown"
    assert api.get("/api/me/device-credentials").json() == {"device_credentials": []}


def test_a_token_the_tenant_refuses_asks_for_a_new_sign_in(api, hooks):
    hooks.faults(path=USERS, method="GET", status=401, times=1)
    response = api.get("/api/me")
    assert response.status_code == 401
    assert response.json()["code"] == response.json()["error"] == "login_required"
    assert "prompt=none" in response.json()["login_url"]


def test_a_scope_the_tenant_withholds_names_the_feature(api, hooks):
    hooks.faults(path=USERS, method="GET", status=403, times=1, body={
        "statusCode": 403, "error": "Forbidden", "errorCode": "insufficient_scope",
        "message": "Insufficient scope, expected any of: read:users,read:current_user"})
    response = api.get("/api/me/enrollments")
    assert response.status_code == 403
    problem = response.json()
    assert problem["code"] == "feature_unavailable" and problem["feature"] == "mfa"
    assert "read:current_user" in problem["detail"]


def test_a_slow_device_registration_is_not_doubled(api, hooks, tenant):
    from app.tenant.db import connect
    from app.tenant.directory import credentials_of

    body = {"device_name": "Phone", "device_id": "abc2",
            "public_key": "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE="}
    hooks.faults(path="/api/v2/device-credentials", method="POST", delay=1.5, times=1)
    first = api.post("/api/me/device-credentials", json=body)
    assert first.json()["code"] == "write_outcome_unknown"
    time.sleep(0.8)  # the tenant finishes the registration after our timeout
    again = api.post("/api/me/device-credentials", json=body)
    assert again.status_code == 409
    assert again.json()["code"] == "device_exists"
    assert "another device id" in again.json()["detail"]
    conn = connect(tenant.data_dir / "tenant.sqlite3")
    try:
        assert len(credentials_of(conn, ALICE_ID)) == 1
    finally:
        conn.close()
