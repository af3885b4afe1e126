"""The My Account API client: only the operations of Auth0's subset, only with the
caller's own token, refused before a byte is sent (a recording server proves it); and
against the real local tenant: a TOTP enrollment, a validation error read, a 429 with
when to retry."""

from __future__ import annotations

import pyotp
import pytest

from app.selfservice.my_account_client import MyAccountClient
from app.selfservice.tenant_http import (
    Caller,
    ForbiddenRequest,
    RateLimited,
    TenantHTTPError,
    token_subject,
)
from app.tenant.directory import BOB_ID
from tests.api.conftest import token_for
from tests.tenant_myaccount.support import sign_in_for_tokens

ALICE = "auth0|65f0a1c2b3d4e5f60718293a"


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/authentication-methods/x/y"),
    ("PUT", "/authentication-methods/x"),
    ("GET", "/connected-accounts"),
    ("GET", "/authentication-methods/%2e%2e"),
    ("GET", "/authentication-methods/../factors"),
    ("DELETE", "/factors"),
    ("GET", "/users/" + ALICE),
])
def test_anything_outside_the_subset_is_refused_before_sending(recorder, method, path):
    server, hits = recorder
    hits.clear()
    client = MyAccountClient(server.url)
    with pytest.raises(ForbiddenRequest):
        client.send(method, path, Caller(ALICE, token_for(ALICE)))
    assert hits == []


def test_another_users_token_is_refused_before_sending(recorder):
    server, hits = recorder
    hits.clear()
    client = MyAccountClient(server.url)
    with pytest.raises(ForbiddenRequest, match="not the caller's"):
        client.list_methods(Caller(ALICE, token_for(BOB_ID)))
    with pytest.raises(ForbiddenRequest):
        client.delete_method(Caller(ALICE, "not-a-jwt"), "totp|dev_1")
    assert hits == []
    client.delete_method(Caller(ALICE, token_for(ALICE)), "totp|dev_1/../x")
    # An opaque id is one percent-encoded path segment, whatever it holds (the server
    # decodes PATH_INFO; the dot segments were not resolved on the way).
    assert hits == ["DELETE /me/v1/authentication-methods/totp|dev_1/../x"]


@pytest.fixture
def bob(tenant, hooks, bff_server) -> Caller:
    token = sign_in_for_tokens(tenant, bff_server.url)["access_token"]
    assert token_subject(token) == BOB_ID
    return Caller(BOB_ID, token)


def test_a_totp_enrollment_through_the_client(tenant, bob):
    client = MyAccountClient(tenant.url)
    assert [m["type"] for m in client.list_methods(bob)] == ["password"]
    started = client.start_enrollment(bob, {"type": "totp"})
    assert started["id"].startswith("totp|")
    secret = pyotp.parse_uri(started["barcode_uri"]).secret
    with pytest.raises(TenantHTTPError) as wrong:
        client.verify_enrollment(bob, started["id"], {
            "auth_session": started["auth_session"], "otp_code": "000000"
            if pyotp.TOTP(secret).now() != "000000" else "111111"})
    assert wrong.value.status == 400 and wrong.value.fields == ("otp_code",)
    assert [m["type"] for m in client.list_methods(bob)] == ["password"]
    enrolled = client.verify_enrollment(bob, started["id"], {
        "auth_session": started["auth_session"], "otp_code": pyotp.TOTP(secret).now()})
    assert enrolled["type"] == "totp"
    renamed = client.update_method(bob, enrolled["id"], {"name": "Work phone app"})
    assert renamed["name"] == "Work phone app"
    assert client.list_methods(bob, "totp")[0]["id"] == enrolled["id"]
    client.delete_method(bob, enrolled["id"])
    assert [m["type"] for m in client.list_methods(bob)] == ["password"]


def test_a_held_rate_limit_is_raised_with_when_to_retry(tenant, hooks, bob):
    answer = hooks.http.post(tenant.url + "/__test__/myaccount/rate-limits",
                             json={"user": {"limit": 1, "window": 60}}, timeout=10)
    assert answer.status_code == 200, answer.text
    client = MyAccountClient(tenant.url, max_rate_limit_wait=1.0)
    client.list_methods(bob)
    with pytest.raises(RateLimited) as limited:
        client.list_methods(bob)
    assert 1 <= limited.value.retry_after <= 61  # the window, rounded up
    assert client.list_factors(bob)  # not an authentication-method call: no user limit
