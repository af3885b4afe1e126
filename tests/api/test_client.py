"""The Management API client against the local tenant, with tokens the tenant mints."""

from __future__ import annotations

import time

import pytest

from app.selfservice.client import (
    Caller,
    ManagementClient,
    ManagementHTTPError,
    RateLimited,
    TenantUnavailable,
    WriteOutcomeUnknown,
)
from tests.api.conftest import ALICE_ID
from tests.support.servers import free_port

SCOPES = ("read:current_user update:current_user_metadata delete:current_user_metadata"
          " update:current_user_identities")


@pytest.fixture
def alice(hooks, tenant) -> Caller:
    now = int(time.time())
    token = hooks.mint({"iss": tenant.issuer, "sub": ALICE_ID, "aud": tenant.audience,
                        "azp": "selfserve-demo-bff", "scope": SCOPES, "iat": now,
                        "exp": now + 600})
    return Caller(ALICE_ID, token)


@pytest.fixture
def client(tenant) -> ManagementClient:
    return ManagementClient(tenant.url, timeout=1, max_rate_limit_wait=2)


def test_reads_and_writes(client, alice, hooks):
    assert client.get_user(alice)["user_id"] == ALICE_ID
    updated = client.update_user_metadata(alice, {"theme": None, "x": 1})
    assert "theme" not in updated["user_metadata"]
    assert hooks.user(ALICE_ID)["user_metadata"] == updated["user_metadata"]
    assert [e["status"] for e in client.get_enrollments(alice)] == ["confirmed"]


def test_tenant_errors_keep_status_and_code(client, alice, hooks, tenant):
    now = int(time.time())
    read_only = Caller(ALICE_ID, hooks.mint({
        "iss": tenant.issuer, "sub": ALICE_ID, "aud": tenant.audience,
        "azp": "selfserve-demo-bff", "scope": "read:current_user", "iat": now,
        "exp": now + 600}))
    with pytest.raises(ManagementHTTPError) as caught:
        client.update_user_metadata(read_only, {"x": 1})
    assert caught.value.status == 403
    assert caught.value.error_code == "insufficient_scope"
    with pytest.raises(ManagementHTTPError) as caught:
        client.get_user(Caller(ALICE_ID, "not-a-token"))
    assert caught.value.status == 401


def test_rate_limit_waits_for_the_reset_header_then_retries(client, alice, hooks):
    hooks.fault("/api/v2/users/", method="PATCH", status=429, ratelimit_reset_in=2)
    started = time.monotonic()
    client.update_user_metadata(alice, {"x": 1})
    # x-ratelimit-reset is whole UNIX seconds: now + 2 is at least 1 s away.
    assert time.monotonic() - started >= 1.0
    assert hooks.user(ALICE_ID)["user_metadata"]["x"] == 1


def test_rate_limit_gives_up_when_the_wait_is_long_or_repeats(client, alice, hooks):
    hooks.fault("/api/v2/users/", status=429, retry_after=60)
    with pytest.raises(RateLimited) as caught:
        client.get_user(alice)
    assert caught.value.retry_after == 60
    hooks.fault("/api/v2/users/", status=429, retry_after=0, times=5)
    with pytest.raises(RateLimited):
        client.get_user(alice)


def test_reads_retry_then_give_up(client, alice, hooks):
    hooks.fault("/api/v2/users/", status=502, times=2)
    assert client.get_user(alice)["user_id"] == ALICE_ID
    hooks.fault("/api/v2/users/", status=502, times=3)
    with pytest.raises(TenantUnavailable) as caught:
        client.get_user(alice)
    assert caught.value.timed_out is False


def test_writes_are_not_repeated(client, alice, hooks):
    hooks.fault("/api/v2/users/", method="PATCH", status=500, times=1)
    with pytest.raises(ManagementHTTPError) as caught:
        client.update_user_metadata(alice, {"x": 1})
    assert caught.value.status == 500
    hooks.fault("/api/v2/users/", method="PATCH", drop=True, times=1)
    with pytest.raises(WriteOutcomeUnknown):
        client.update_user_metadata(alice, {"x": 2})
    assert "x" not in hooks.user(ALICE_ID)["user_metadata"]


def test_an_unreachable_tenant_is_unavailable_even_for_writes(alice):
    client = ManagementClient(f"http://127.0.0.1:{free_port()}", timeout=1, backoff=0.01)
    # Nothing listens: the request provably never left, so even a write may be retried,
    # and the answer is "unavailable", not "outcome unknown".
    with pytest.raises(TenantUnavailable):
        client.update_user_metadata(alice, {"x": 1})
