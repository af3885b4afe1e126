"""Server-side sessions on both stores (SQLite and a real Redis): cookie, id rotation,
timeouts, size, back-channel logout across workers, and single-flight token refresh."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
import redis
import requests

from app import create_app
from tests.support.backchannel import logout_claims, sid_of
from tests.support.login import sign_in
from tests.support.servers import LiveServer
from tests.support.store import live_rows

COOKIE = "selfserve-session"


@pytest.fixture
def bff_url(make_bff, store_env, bff_server) -> str:
    make_bff(**store_env)
    return bff_server.url


def user_status(http: requests.Session, bff_url: str) -> int:
    return http.get(bff_url + "/bff/user", timeout=10).status_code


def test_the_session_id_changes_at_sign_in_and_the_cookie_is_locked_down(bff_url, hooks):
    with requests.Session() as http:
        http.cookies.set(COOKIE, "fixed-by-an-attacker", domain="localhost.local")
        response = http.get(bff_url + "/login", allow_redirects=False, timeout=10)
        assert response.status_code == 302
        page = sign_in(http, bff_url)
        assert page.status_code == 200
        first = http.cookies.get(COOKIE, domain="localhost.local")
        assert first and first != "fixed-by-an-attacker"
        # Signing in again (another user, same browser) gives yet another id.
        http.cookies.clear(domain="127.0.0.1")  # no SSO session at the tenant: log in as bob
        sign_in(http, bff_url, "bob@example.com", "bob-demo-password")
        second = http.cookies.get(COOKIE, domain="localhost.local")
        assert second != first
        assert http.get(bff_url + "/bff/user", timeout=10).json()["user"]["email"] == \
            "bob@example.com"
        # The old id is no session any more.
        with requests.Session() as replay:
            replay.cookies.set(COOKIE, first, domain="localhost.local")
            assert user_status(replay, bff_url) == 401


def test_the_session_cookie_attributes(bff_url, hooks):
    with requests.Session() as http:
        http.get(bff_url + "/login", allow_redirects=False, timeout=10)
        login = http.get(bff_url + "/login", allow_redirects=False, timeout=10)
        binding = login.headers["Set-Cookie"]
        assert "HttpOnly" in binding and "SameSite=Lax" in binding and "Path=/" in binding
        captured: list[str] = []
        http.hooks["response"].append(
            lambda r, *a, **k: captured.extend(
                h for h in r.raw.headers.getlist("Set-Cookie") if h.startswith(COOKIE)
            )
        )
        sign_in(http, bff_url)
    assert captured, "no session cookie was set"
    cookie = captured[-1]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http on localhost


def test_over_https_cookies_are_secure_and_host_prefixed(bff_env, tenant):
    app = create_app({**bff_env, "PUBLIC_URL": "https://account.example.com"})
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-selfserve-session"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_PATH"] == "/"
    server = LiveServer().serve(app)
    try:
        response = requests.get(server.url + "/login", allow_redirects=False, timeout=10)
        binding = response.headers["Set-Cookie"]
        assert binding.startswith("__Host-selfserve-tx-")
        assert "Secure" in binding and "Path=/" in binding and "Domain" not in binding
        assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    finally:
        server.stop()


def test_the_idle_timeout_ends_the_session(make_bff, store_env, bff_server, hooks):
    # Long enough that the check right after signing in (two form posts and a second
    # factor) is within it on a loaded machine; then idle past it.
    make_bff(**store_env, SESSION_IDLE_TIMEOUT="3")
    with requests.Session() as http:
        sign_in(http, bff_server.url)
        assert user_status(http, bff_server.url) == 200
        time.sleep(3.5)
        assert user_status(http, bff_server.url) == 401


def test_the_absolute_timeout_ends_an_active_session(make_bff, store_env, bff_server, hooks):
    make_bff(**store_env, SESSION_ABSOLUTE_TIMEOUT="4")
    with requests.Session() as http:
        sign_in(http, bff_server.url)
        signed_in = time.monotonic()
        # Active all along (well inside the 4 s, whatever the load)...
        while time.monotonic() < signed_in + 1.5:
            assert user_status(http, bff_server.url) == 200
            time.sleep(0.3)
        # ...and still ended once the absolute timeout has passed.
        time.sleep(max(0.0, signed_in + 4.5 - time.monotonic()))
        assert user_status(http, bff_server.url) == 401


def test_the_stored_session_stays_small(make_bff, store_env, bff_server, bff_env, hooks):
    make_bff(**store_env)
    with requests.Session() as http:
        sign_in(http, bff_server.url)
        session_id = http.cookies[COOKIE]
    if store_env["SESSION_TYPE"] == "redis":
        client = redis.from_url(store_env["REDIS_URL"])
        session_size = client.strlen("selfserve:session:" + session_id)
        grant_sizes = [client.strlen(k) for k in client.keys("selfserve:grant:*")]
    else:
        rows = live_rows(bff_env["DATA_DIR"])
        session_size = len(rows["session:" + session_id])
        grant_sizes = [len(v) for k, v in rows.items() if k.startswith("grant:")]
    assert 0 < session_size < 512
    assert max(grant_sizes) < 8 * 1024


def test_logging_out_at_the_tenant_ends_the_bff_session_by_back_channel(bff_url, hooks, tenant):
    with requests.Session() as http:
        sign_in(http, bff_url)
        assert user_status(http, bff_url) == 200
        # The user signs out at the tenant (e.g. from another application).
        http.get(tenant.url + "/v2/logout", timeout=10, allow_redirects=False,
                 params={"client_id": "selfserve-demo-bff", "returnTo": bff_url + "/"})
        # The tenant sends the logout token from a queue, as Auth0 does: wait for it.
        deliveries = hooks.wait_for_deliveries(1, uri=bff_url + "/backchannel-logout")
        assert [d["status"] for d in deliveries] == [200], deliveries
        assert user_status(http, bff_url) == 401


def test_bff_logout_ends_the_session_and_continues_at_the_tenant(bff_url, hooks, tenant):
    with requests.Session() as http:
        sign_in(http, bff_url)
        out = http.post(bff_url + "/logout", headers={"X-CSRF": "1", "Origin": bff_url},
                        allow_redirects=False, timeout=10)
        assert out.status_code == 303
        assert out.headers["Location"].startswith(tenant.url + "/v2/logout?client_id=")
        assert user_status(http, bff_url) == 401
        json_out = http.post(bff_url + "/logout", timeout=10, headers={
            "X-CSRF": "1", "Origin": bff_url, "Accept": "application/json"})
        assert json_out.json()["logout_url"] == out.headers["Location"]


def test_back_channel_logout_ends_sessions_held_by_another_worker(
    bff_url, store_env, bff_env, hooks, tenant
):
    """Two workers on one store: worker B receives the logout token for A's session."""
    worker_b = LiveServer().serve(create_app({**bff_env, **store_env}))
    try:
        with requests.Session() as alice, requests.Session() as bob:
            sign_in(alice, bff_url)
            sign_in(bob, bff_url, "bob@example.com", "bob-demo-password")
            alice_sub = alice.get(bff_url + "/bff/user", timeout=10).json()["user"]["sub"]
            token = hooks.mint(logout_claims(tenant, sub=alice_sub, sid=sid_of(tenant, alice_sub)))
            answer = requests.post(worker_b.url + "/backchannel-logout",
                                   data={"logout_token": token}, timeout=10)
            assert answer.status_code == 200, answer.text
            assert user_status(alice, bff_url) == 401
            assert user_status(bob, bff_url) == 200
            # The same token again is a replay.
            again = requests.post(worker_b.url + "/backchannel-logout",
                                  data={"logout_token": token}, timeout=10)
            assert again.status_code == 400
            assert "jti" in again.json()["detail"]
    finally:
        worker_b.stop()


@pytest.mark.parametrize(
    ("changes", "sign", "reason"),
    [
        ({}, "none", "algorithm"),
        ({"events": None}, "current", "events"),
        ({"nonce": "n"}, "current", "nonce"),
        ({"aud": "another-client"}, "current", "Audience"),
        ({"iss": "http://127.0.0.1:1/"}, "current", "issuer"),
        ({"sub": None}, "current", "neither sid nor sub"),
    ],
    ids=["alg none", "no events", "a nonce", "wrong aud", "wrong iss", "no sid nor sub"],
)
def test_a_bad_logout_token_is_refused_and_ends_nothing(bff_url, hooks, tenant, changes, sign,
                                                         reason):
    with requests.Session() as http:
        sign_in(http, bff_url)
        sub = http.get(bff_url + "/bff/user", timeout=10).json()["user"]["sub"]
        token = hooks.mint(logout_claims(tenant, **{"sub": sub, **changes}), sign=sign)
        answer = requests.post(bff_url + "/backchannel-logout", data={"logout_token": token},
                               timeout=10)
        assert answer.status_code == 400
        assert reason in answer.json()["detail"]
        assert user_status(http, bff_url) == 200


def refresh_count(tenant) -> int:
    with sqlite3.connect(tenant.data_dir / "tenant.sqlite3") as conn:
        return conn.execute("SELECT COUNT(*) FROM oauth_refresh_tokens").fetchone()[0]


def test_concurrent_requests_refresh_the_token_once(bff_url, hooks, tenant):
    hooks.settings(access_token_ttl=4)
    with requests.Session() as http:
        sign_in(http, bff_url)
        before = refresh_count(tenant)
        time.sleep(2.2)  # within half of the token's lifetime of its expiry: refresh due
        # Slow token answers widen the window in which a second refresh could start.
        hooks.fault("/oauth/token", delay=0.5, times=5)
        cookie = http.cookies[COOKIE]
        results: list[int] = []

        def call() -> None:
            with requests.Session() as tab:
                tab.cookies.set(COOKIE, cookie, domain="localhost.local")
                results.append(tab.get(bff_url + "/bff/user", timeout=20).status_code)

        threads = [threading.Thread(target=call) for _ in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert results == [200] * 12
        assert refresh_count(tenant) == before + 1
        assert user_status(http, bff_url) == 200


@pytest.mark.parametrize(("status", "error", "description"), [
    (403, "invalid_grant", "Unknown or invalid refresh token."),
    # Auth0's answer to a client authentication it refuses (tests/reference).
    (401, "access_denied", "Unauthorized"),
])
def test_a_refresh_the_tenant_refuses_ends_the_session(bff_url, hooks, status, error,
                                                       description):
    """A refused refresh is final: the session ends (401 login_required), it does not
    keep serving the old token as it would through a tenant outage."""
    hooks.settings(access_token_ttl=4)
    with requests.Session() as http:
        sign_in(http, bff_url)
        time.sleep(2.2)  # within half of the token's lifetime of its expiry: refresh due
        hooks.fault("/oauth/token", method="POST", status=status,
                    body={"error": error, "error_description": description})
        answer = http.get(bff_url + "/bff/user", timeout=10)
        assert answer.status_code == 401, answer.text
        assert answer.json()["code"] == "login_required"
        # The fault was for one answer: a session kept on the old token would refresh now.
        assert user_status(http, bff_url) == 401


def test_without_a_refresh_token_an_expiring_token_asks_for_a_silent_sign_in(
    make_bff, store_env, bff_server, hooks
):
    make_bff(**store_env, AUTH0_FLOW="implicit")
    hooks.settings(access_token_ttl=2)
    with requests.Session() as http:
        sign_in(http, bff_server.url, return_to="/devices")
        time.sleep(1.1)
        response = http.get(bff_server.url + "/bff/user", headers={"X-Return-To": "/devices"},
                            timeout=10)
        assert response.status_code == 401
        problem = response.json()
        assert problem["code"] == "login_required"
        assert problem["login_url"] == "/login?returnTo=/devices&prompt=none"
        # The silent sign-in works on the tenant's SSO session and returns to /devices
        # (sign_in only submits the form_post page: no login form is shown).
        hooks.settings(access_token_ttl=600)
        back = sign_in(http, bff_server.url, start_path=problem["login_url"])
        assert back.url == bff_server.url + "/devices"
        assert user_status(http, bff_server.url) == 200


def test_a_json_request_never_gets_a_redirect(bff_url):
    for path in ("/bff/user", "/api/me"):
        response = requests.get(bff_url + path, allow_redirects=False, timeout=10)
        assert response.status_code == 401
        assert response.headers["Content-Type"] == "application/problem+json"
