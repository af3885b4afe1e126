"""The BFF under gunicorn with several worker processes (tests/deploy/conftest.py):
sessions, token refresh, back-channel logout and conditional writes hold whichever
worker takes a request, on every store (SQLite, Redis, a three-node Redis Cluster).
Each test shows from the access log that several workers answered."""

from __future__ import annotations

import re
import secrets
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from app.tenant.directory import ALICE_ID
from tests.api.conftest import ApiSession
from tests.deploy.conftest import COOKIE, Deployment, Gunicorn, start_gunicorn
from tests.support.login import sign_in
from tests.support.servers import free_port

SYNC_REDIS = Deployment(store="redis")
SYNC_SQLITE = Deployment(store="sqlite")
SYNC_CLUSTER = Deployment(store="cluster")
GTHREAD_REDIS = Deployment(store="redis", worker_class="gthread", threads=4)
EVERY_STORE = pytest.mark.parametrize("gunicorn_server", [SYNC_REDIS, SYNC_SQLITE, SYNC_CLUSTER],
                                      indirect=True, ids=str)
JWT = re.compile(r"eyJ[\w-]+\.eyJ[\w-]+")
EVERY_DEPLOYMENT = pytest.mark.parametrize(
    "gunicorn_server", [SYNC_REDIS, SYNC_SQLITE, SYNC_CLUSTER, GTHREAD_REDIS], indirect=True,
    ids=str)


def signed_in_cookie(server: Gunicorn, user: str = "alice@example.com",
                     password: str = "alice-demo-password") -> tuple[requests.Session, str]:
    """A browser signed in through the gunicorn BFF, and its session cookie."""
    browser = requests.Session()
    page = sign_in(browser, server.url, user, password)
    assert page.status_code == 200 and page.url == server.url + "/", page.text[:300]
    return browser, browser.cookies[COOKIE]


def probe_many(server: Gunicorn, path: str, cookie: str | None, count: int = 12,
               parallel: int = 4) -> list[tuple[str, requests.Response]]:
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        return list(pool.map(lambda _: server.probe(path, cookie=cookie), range(count)))


def answering_workers(server: Gunicorn, probes: list[tuple[str, requests.Response]]) -> set[int]:
    pids = set(server.pids(probe_id for probe_id, _ in probes).values())
    assert pids <= server.worker_pids()
    return pids


def assert_no_token_logged(server: Gunicorn) -> None:
    """Neither log holds a JWT (ID, access or logout token)."""
    logs = server.log_text() + server.access_log.read_text()
    assert not JWT.search(logs), JWT.search(logs).group(0)[:40]


def refresh_count(tenant) -> int:
    """Refresh tokens the tenant has issued: one at sign-in, one more per refresh
    (it rotates them)."""
    with sqlite3.connect(tenant.data_dir / "tenant.sqlite3") as conn:
        return conn.execute("SELECT COUNT(*) FROM oauth_refresh_tokens").fetchone()[0]


@EVERY_DEPLOYMENT
def test_a_session_holds_on_every_worker(deployed):
    browser, cookie = signed_in_cookie(deployed)
    with browser:
        probes = probe_many(deployed, "/bff/user", cookie)
        assert [r.status_code for _, r in probes] == [200] * len(probes)
        assert {r.json()["user"]["email"] for _, r in probes} == {"alice@example.com"}
        assert len(answering_workers(deployed, probes)) >= 2
        # Without the cookie, every worker says so as JSON.
        anonymous = probe_many(deployed, "/bff/user", None, count=6)
        assert {r.status_code for _, r in anonymous} == {401}
    assert_no_token_logged(deployed)


@EVERY_DEPLOYMENT
def test_concurrent_requests_across_workers_refresh_the_token_once(deployed, hooks, tenant):
    hooks.settings(access_token_ttl=4)
    browser, cookie = signed_in_cookie(deployed)
    with browser:
        before = refresh_count(tenant)
        logged = deployed.log_text().count("access token refreshed")
        time.sleep(2.2)  # within half of the token's lifetime of its expiry: refresh due
        # Slow token answers widen the window in which a second refresh could start.
        hooks.fault("/oauth/token", delay=0.5, times=5)
        probes = probe_many(deployed, "/bff/user", cookie, count=12, parallel=12)
        assert [r.status_code for _, r in probes] == [200] * 12
        assert refresh_count(tenant) == before + 1
        assert len(answering_workers(deployed, probes)) >= 2
        # The rotated refresh token is the one every worker now holds: the session goes on.
        after = probe_many(deployed, "/bff/user", cookie, count=6)
        assert {r.status_code for _, r in after} == {200}
        assert refresh_count(tenant) == before + 1
    # The app's own log (configured as docs/deployment.md says) saw one refresh too.
    assert deployed.log_text().count("access token refreshed") == logged + 1
    assert_no_token_logged(deployed)


@EVERY_STORE
def test_back_channel_logout_to_one_worker_ends_the_session_on_all(deployed, hooks, tenant):
    alice, alice_cookie = signed_in_cookie(deployed)
    bob, bob_cookie = signed_in_cookie(deployed, "bob@example.com", "bob-demo-password")
    with alice, bob:
        assert {r.status_code for _, r in probe_many(deployed, "/bff/user", alice_cookie)} \
            == {200}
        # Alice signs out at the tenant (e.g. from another application).
        alice.get(tenant.url + "/v2/logout", timeout=10, allow_redirects=False,
                  params={"client_id": "selfserve-demo-bff", "returnTo": deployed.url + "/"})
        # The tenant sends the logout token from a queue, as Auth0 does: wait for it.
        deliveries = hooks.wait_for_deliveries(1, uri=deployed.url + "/backchannel-logout")
        assert [d["status"] for d in deliveries] == [200], deliveries
        receivers = {e.pid for e in deployed.access() if "/backchannel-logout" in e.request}
        assert len(receivers) == 1

        ended = probe_many(deployed, "/bff/user", alice_cookie)
        assert {r.status_code for _, r in ended} == {401}
        # At least one worker that did not receive the logout token ended it too.
        assert answering_workers(deployed, ended) - receivers
        assert {r.status_code for _, r in probe_many(deployed, "/bff/user", bob_cookie)} \
            == {200}
    assert "back-channel logout ended 1 session(s)" in deployed.log_text()
    assert_no_token_logged(deployed)


@EVERY_STORE
def test_concurrent_edits_with_one_etag_on_two_workers_one_wins(deployed, hooks):
    browser, _ = signed_in_cookie(deployed)
    with browser:
        tabs = [ApiSession(deployed.url) for _ in range(2)]
        for tab in tabs:
            tab.cookies.update(browser.cookies)
        tag = tabs[0].get("/api/me/metadata").headers["ETag"]
        # A slow tenant keeps the first edit in its worker while the second arrives.
        hooks.fault("/api/v2/users/", method="PATCH", delay=0.3, times=2)

        def edit(index: int) -> tuple[str, int]:
            probe_id, response = deployed.probe(
                "/api/me/metadata", method="PATCH", cookie=browser.cookies[COOKIE],
                json={f"tab{index}": index},
                headers={"If-Match": tag, "X-CSRF": "1", "Origin": deployed.url,
                         "Accept": "application/json"})
            return probe_id, response.status_code

        with ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(edit, range(2)))
        assert sorted(status for _, status in results) == [200, 409]
        pids = deployed.pids(probe_id for probe_id, _ in results)
        assert len(set(pids.values())) == 2, "both edits were answered by one worker"
        written = [k for k in hooks.user(ALICE_ID)["user_metadata"] if k.startswith("tab")]
        assert len(written) == 1
        # The loser can retry with the new tag (nothing is lost silently).
        fresh = tabs[1].get("/api/me/metadata").headers["ETag"]
        retry = tabs[1].patch("/api/me/metadata", json={"retried": True},
                              headers={"If-Match": fresh})
        assert retry.status_code == 200
        for tab in tabs:
            tab.close()


def test_a_bad_configuration_stops_gunicorn_with_a_message(tenant, tmp_path):
    env = {"AUTH0_DOMAIN": tenant.url, "AUTH0_CLIENT_ID": "selfserve-demo-bff",
           "APP_SECRET_KEY": "too-short", "DATA_DIR": str(tmp_path / "data")}
    with pytest.raises(AssertionError, match="APP_SECRET_KEY must be at least 32"):
        start_gunicorn(Deployment(store="sqlite", workers=1), env, tmp_path / "gunicorn")


def test_health_endpoints_tell_alive_from_ready(tenant, tmp_path):
    """/healthz: the process answers; /readyz: it can also use its store (here a Redis
    nobody listens on), so a load balancer keeps it out of rotation."""
    env = {"AUTH0_DOMAIN": tenant.url, "AUTH0_CLIENT_ID": "selfserve-demo-bff",
           "APP_SECRET_KEY": secrets.token_urlsafe(48), "SESSION_TYPE": "redis",
           "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0", "HTTP_TIMEOUT": "1"}
    server = start_gunicorn(Deployment(workers=1), env, tmp_path / "gunicorn",
                            ready_path="/healthz")
    try:
        alive = requests.get(server.url + "/healthz", timeout=10)
        assert (alive.status_code, alive.json()) == (200, {"status": "ok"})
        ready = requests.get(server.url + "/readyz", timeout=10)
        assert ready.status_code == 503
        assert ready.json() == {"status": "unavailable", "failed": ["session_store"]}
        assert ready.headers["Cache-Control"] == "no-store"
        # The cause is logged, not returned.
        assert "readiness: session_store is not usable: " in server.log_text()
    finally:
        server.stop()
