"""The My Account API's rate limits with Auth0's Free plan figures: 2 requests per minute
per user for authentication-method calls, 2 per second per tenant."""

from __future__ import annotations

import time

import pytest

from tests.tenant_myaccount.support import problem


@pytest.fixture
def free_plan(hooks, tenant):
    response = hooks.http.post(tenant.url + "/__test__/myaccount/rate-limits",
                               json={"plan": "free"}, timeout=10)
    assert response.status_code == 200, response.text


def test_the_per_user_limit_answers_429_with_when_to_retry(bob, free_plan):
    first = bob.call("GET", "/authentication-methods")
    assert first.status_code == 200
    assert first.headers["x-ratelimit-limit"] == "2"
    assert first.headers["x-ratelimit-remaining"] == "1"
    time.sleep(0.6)  # keep under the tenant's 2 per second: the user's limit is the one met
    assert bob.call("GET", "/authentication-methods").status_code == 200
    time.sleep(0.6)
    third = bob.call("GET", "/authentication-methods")
    assert third.status_code == 429
    assert 1 <= int(third.headers["retry-after"]) <= 60
    assert third.headers["x-ratelimit-remaining"] == "0"
    assert int(third.headers["x-ratelimit-reset"]) > time.time()
    assert "x-auth0-error-kind" not in third.headers
    assert problem(third)["status"] == 429


def test_the_tenant_wide_limit_is_a_global_rate_limit(tenant, bob, alice, free_plan):
    answers = [client.call("GET", "/factors") for client in (bob, alice, bob)]
    # Three requests inside one second: the third meets the tenant's 2 per second
    # (unless the window turned between them, which a loaded machine may do once).
    if answers[2].status_code != 429:
        answers = [client.call("GET", "/factors") for client in (alice, bob, alice)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].headers["x-auth0-error-kind"] == "global-rate-limit"
    assert problem(answers[2])["detail"] == "Global limit has been reached"


def test_the_demo_default_is_generous(bob):
    statuses = {bob.call("GET", "/authentication-methods").status_code for _ in range(10)}
    assert statuses == {200}
    assert int(bob.call("GET", "/factors").headers["x-ratelimit-limit"]) >= 100
