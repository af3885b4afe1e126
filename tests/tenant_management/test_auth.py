"""Bearer tokens, scopes, the token's own subject, error bodies and rate limits."""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest

from app.tenant.directory import ALICE_ID, BOB_ID
from tests.tenant_management.support import user_path

JSON_UTF8 = "application/json; charset=utf-8"


def assert_error(response, status: int, message: str, error_code: str | None = None):
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == JSON_UTF8
    body = response.json()
    assert body["statusCode"] == status
    assert body["message"] == message
    assert body.get("errorCode") == error_code
    return body


def test_missing_authentication(mgmt):
    response = mgmt.call("GET", user_path(ALICE_ID))
    body = assert_error(response, 401, "Missing authentication")
    assert body["error"] == "Unauthorized"


def test_not_a_bearer_header(mgmt):
    response = mgmt.call("GET", user_path(ALICE_ID), headers={"Authorization": "Basic YTpi"})
    assert response.status_code == 400
    assert response.json()["message"] == "Bad HTTP authentication header format"


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda api: "not-a-jwt", id="garbage"),
        pytest.param(lambda api: api.access_token(sign="unknown_kid"), id="unknown-kid"),
        pytest.param(lambda api: api.access_token(sign="none"), id="alg-none"),
        pytest.param(lambda api: api.access_token(sign="hs256_pubkey"), id="hs256-public-key"),
        pytest.param(lambda api: api.access_token(iss="https://evil.example/"), id="wrong-iss"),
        pytest.param(lambda api: api.access_token(sub=None), id="no-sub"),
    ],
)
def test_invalid_tokens(mgmt, make_token):
    response = mgmt.call("GET", user_path(ALICE_ID), make_token(mgmt))
    body = assert_error(response, 401, "Invalid token")
    assert body["attributes"] == {"error": "Invalid token"}


def test_token_signed_by_a_stranger(mgmt):
    response = mgmt.call("GET", user_path(ALICE_ID), mgmt.access_token(sign="rogue"))
    message = "Invalid signature received for JSON Web Token validation."
    body = assert_error(response, 401, message)
    assert body["attributes"] == {"error": message}


def test_expired_token(mgmt):
    past = int(time.time()) - 3600
    token = mgmt.access_token(iat=past - 600, exp=past)
    assert_error(
        mgmt.call("GET", user_path(ALICE_ID), token),
        401,
        "Expired token received for JSON Web Token validation",
    )


def test_id_token_is_not_an_access_token(mgmt):
    response = mgmt.call("GET", user_path(ALICE_ID), mgmt.id_token(ALICE_ID))
    assert_error(response, 401, "Bad audience: selfserve-demo-bff")


# (method, path with {id} for the user, body, the scopes Auth0's 403 lists)
OPERATIONS = [
    ("GET", "/users/{id}", None, "read:users,read:current_user,read:user_idp_tokens"),
    ("GET", "/users/{id}/enrollments", None, "read:users,read:current_user"),
    ("PATCH", "/users/{id}", {"user_metadata": {"a": 1}},
     "update:users,update:users_app_metadata,update:current_user_metadata"),
    ("POST", "/users/{id}/identities", {"link_with": "x"},
     "update:users,update:current_user_identities"),
    ("DELETE", "/users/{id}/identities/github/1000001", None,
     "update:users,update:current_user_identities"),
    ("DELETE", "/users/{id}/multifactor/google-authenticator", None,
     "update:users,delete:current_user_metadata"),
    ("POST", "/device-credentials",
     {"device_name": "d", "type": "public_key", "value": "aGk=", "device_id": "ab"},
     "create:current_user_device_credentials"),
    ("DELETE", "/device-credentials/dcr_0000000000000001", None,
     "delete:device_credentials,update:current_user,delete:current_user_device_credentials"),
]


@pytest.mark.parametrize(("method", "path", "body", "expected"), OPERATIONS)
def test_each_operation_needs_its_scope(mgmt, method, path, body, expected):
    token = mgmt.access_token(scopes=["openid"])
    response = mgmt.call(method, path.format(id=quote(ALICE_ID)), token, json=body)
    assert_error(
        response, 403, f"Insufficient scope, expected any of: {expected}", "insufficient_scope"
    )


@pytest.mark.parametrize(("method", "path", "body", "expected"), OPERATIONS[:6])
def test_current_user_token_cannot_act_on_another_user(mgmt, method, path, body, expected):
    response = mgmt.call(method, path.format(id=quote(BOB_ID)), mgmt.access_token(), json=body)
    assert_error(
        response,
        403,
        "User to be acted on does not match subject in bearer token.",
        "unowned_resource",
    )


def test_rate_limit_headers_on_every_response(mgmt, alice_token):
    for response in (
        mgmt.call("GET", user_path(ALICE_ID), alice_token),
        mgmt.call("GET", user_path(BOB_ID), alice_token),
        mgmt.call("GET", user_path(ALICE_ID)),
    ):
        limit = int(response.headers["x-ratelimit-limit"])
        remaining = int(response.headers["x-ratelimit-remaining"])
        reset = int(response.headers["x-ratelimit-reset"])
        assert 0 <= remaining < limit
        assert time.time() - 1 <= reset <= time.time() + 3600


def test_remaining_counts_down_per_token(mgmt, alice_token):
    first = mgmt.call("GET", user_path(ALICE_ID), alice_token)
    second = mgmt.call("GET", user_path(ALICE_ID), alice_token)
    other = mgmt.call("GET", user_path(BOB_ID), mgmt.access_token(sub=BOB_ID))
    assert int(second.headers["x-ratelimit-remaining"]) == (
        int(first.headers["x-ratelimit-remaining"]) - 1
    )
    assert other.headers["x-ratelimit-remaining"] == first.headers["x-ratelimit-remaining"]


def test_too_many_requests(mgmt, alice_token):
    mgmt.set_rate_limit(limit=2, window=30)
    assert mgmt.call("GET", user_path(ALICE_ID), alice_token).status_code == 200
    assert mgmt.call("GET", user_path(ALICE_ID), alice_token).status_code == 200
    response = mgmt.call("GET", user_path(ALICE_ID), alice_token)
    assert_error(response, 429, "Global limit has been reached", "too_many_requests")
    assert response.headers["x-ratelimit-limit"] == "2"
    assert response.headers["x-ratelimit-remaining"] == "0"
    assert int(response.headers["x-ratelimit-reset"]) > time.time()
    # Another token has its own budget.
    other = mgmt.call("GET", user_path(BOB_ID), mgmt.access_token(sub=BOB_ID))
    assert other.status_code == 200


def test_window_refills(mgmt, alice_token):
    mgmt.set_rate_limit(limit=1, window=0.3)
    assert mgmt.call("GET", user_path(ALICE_ID), alice_token).status_code == 200
    assert mgmt.call("GET", user_path(ALICE_ID), alice_token).status_code == 429
    time.sleep(0.35)
    assert mgmt.call("GET", user_path(ALICE_ID), alice_token).status_code == 200


def test_reset_restores_the_default_limit(mgmt, alice_token):
    mgmt.set_rate_limit(limit=1, window=30)
    mgmt.call("GET", user_path(ALICE_ID), alice_token)
    mgmt.reset()
    response = mgmt.call("GET", user_path(ALICE_ID), alice_token)
    assert response.status_code == 200
    assert int(response.headers["x-ratelimit-limit"]) > 1


def test_rate_limit_hook_without_values_restores_the_configuration(mgmt, alice_token):
    mgmt.set_rate_limit(limit=1, window=30)
    mgmt.hooks.rate_limit()
    response = mgmt.call("GET", user_path(ALICE_ID), alice_token)
    assert int(response.headers["x-ratelimit-limit"]) > 1
