"""How the BFF gets its My Account API (`{issuer}me/`) token right after a sign-in: by
multi-resource refresh where the tenant's refresh token policy lists the API, else by one
silent `/authorize` (`prompt=none`, code + PKCE) for that audience; what happens when the
tenant gives neither; the renewal of a silent sign-in's token with its own refresh token.

Real BFF, real tenant, real tokens. The tokens are read from the BFF's SQLite store (as
an observer) to prove that none of them reached the browser.
"""

from __future__ import annotations

import json
import re
import time

import pytest
import requests

from app.auth.tokens import unverified_segment
from tests.api.conftest import ApiSession
from tests.api.test_sign_in_methods_read import ME_SCOPES, _api_access
from tests.support.login import sign_in
from tests.support.store import live_values
from tests.tenant_myaccount.support import refresh

JWT = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+")


@pytest.fixture
def sqlite_bff(make_bff):
    """The BFF on SQLite, whose grants the tests read to know the tokens."""
    return make_bff(SESSION_TYPE="sqlite")


class Browser(ApiSession):
    """An `ApiSession` that keeps every response it saw, redirects included."""

    def __init__(self, bff_url: str) -> None:
        super().__init__(bff_url)
        self.seen: list[requests.Response] = []
        self.hooks["response"].append(lambda response, *a, **k: self.seen.append(response))

    def authorize_requests(self, tenant) -> list[str]:
        return [r.url for r in self.seen if r.url.startswith(tenant.url + "/authorize?")]


def _signed_in(bff_server, tenant) -> Browser:
    browser = Browser(bff_server.url)
    done = sign_in(browser, bff_server.url, return_to="/security")
    # The sign-in lands where it was asked to, whatever became of the My Account token.
    assert done.status_code == 200 and done.url == bff_server.url + "/security", done.url
    return browser


def _grant(bff_env) -> dict:
    [grant] = [v for v in live_values(bff_env["DATA_DIR"])
               if isinstance(v, dict) and "access_token" in v and "signed_in_at" in v]
    return grant


def _assert_no_token_reached_the_browser(browser: Browser, tenant, secrets: list[str]):
    everything = [r.text + json.dumps(dict(r.headers)) + r.url for r in browser.seen]
    everything.append(json.dumps(browser.cookies.get_dict()))
    for seen in everything:
        for secret in secrets:
            assert secret not in seen
        for candidate in JWT.findall(seen):
            try:
                audience = unverified_segment(candidate, 1).get("aud")
            except ValueError:
                continue
            audiences = audience if isinstance(audience, list) else [audience]
            assert tenant.issuer + "me/" not in audiences


def test_the_token_by_the_silent_authorize_alone(sqlite_bff, bff_server, bff_env, hooks,
                                                 tenant):
    _api_access(hooks, tenant, grants=ME_SCOPES, policy=None)
    browser = _signed_in(bff_server, tenant)
    # One sign-in, one silent attempt for the /me/ audience.
    authorizes = browser.authorize_requests(tenant)
    assert len(authorizes) == 2, authorizes
    assert "prompt=none" in authorizes[1] and "me%2F" in authorizes[1]
    assert "code_challenge=" in authorizes[1] and "offline_access" in authorizes[1]

    status = browser.get("/bff/session").json()["my_account"]
    assert status["available"] is True and status["how"] == "authorize", status
    assert set(status["scopes"]) == set(ME_SCOPES)
    listed = browser.get("/api/me/authentication-methods")
    assert listed.status_code == 200, listed.text
    assert {"password", "totp"} <= {m["type"] for m in listed.json()["methods"]}
    # The Management side is untouched: its own token and refresh token.
    assert browser.get("/api/me").status_code == 200
    assert browser.get("/api/me/enrollments").status_code == 200

    grant = _grant(bff_env)
    record = grant["my_account"]
    assert record["how"] == "authorize"
    assert record["refresh_token"] and record["refresh_token"] != grant["refresh_token"]
    for path in ("/bff/user", "/api/me/factors", "/api/me/export", "/"):
        browser.get(path)
    _assert_no_token_reached_the_browser(browser, tenant, [
        record["access_token"], record["refresh_token"], grant["refresh_token"],
        grant["access_token"]])


def test_the_token_by_multi_resource_refresh_alone(sqlite_bff, bff_server, bff_env, hooks,
                                                   tenant):
    # The demo defaults: the refresh token policy lists the My Account API.
    browser = _signed_in(bff_server, tenant)
    assert len(browser.authorize_requests(tenant)) == 1  # no second /authorize
    status = browser.get("/bff/session").json()["my_account"]
    assert status["available"] is True and status["how"] == "refresh_token", status
    assert "refresh_token" not in _grant(bff_env)["my_account"]
    assert browser.get("/api/me/authentication-methods").status_code == 200


def test_neither_way_the_sign_in_still_succeeds_and_the_page_says_why(
    sqlite_bff, bff_server, hooks, tenant
):
    _api_access(hooks, tenant, grants=None, policy=None)
    browser = _signed_in(bff_server, tenant)
    assert len(browser.authorize_requests(tenant)) == 2  # one silent attempt, no loop
    status = browser.get("/bff/session").json()["my_account"]
    assert status["available"] is False and status["reason"] == "not_granted"
    assert "client grant" in status["detail"] and "access_denied" in status["detail"]
    refused = browser.get("/api/me/authentication-methods")
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "my_account_unavailable"
    assert refused.json()["reason"] == "not_granted"
    assert browser.get("/api/me/enrollments").status_code == 200
    # The refusal is remembered: a new page asks the tenant for nothing more.
    before = len(browser.authorize_requests(tenant))
    browser.get("/")
    assert browser.get("/api/me/factors").status_code == 403
    assert len(browser.authorize_requests(tenant)) == before


def _wait_for_renewal(record: dict) -> None:
    # Renewed once less than half of its (short) life is left.
    lifetime = record["access_expires_at"] - record["access_issued_at"]
    time.sleep(max(record["access_expires_at"] - lifetime / 2 - time.time() + 0.3, 0))


def test_a_silent_sign_ins_token_is_renewed_with_its_own_refresh_token(
    sqlite_bff, bff_server, bff_env, hooks, tenant
):
    _api_access(hooks, tenant, grants=ME_SCOPES, policy=None)
    hooks.settings(access_token_ttl=6)
    browser = _signed_in(bff_server, tenant)
    old = _grant(bff_env)["my_account"]
    assert old["how"] == "authorize"
    _wait_for_renewal(old)
    listed = browser.get("/api/me/authentication-methods")
    assert listed.status_code == 200, listed.text
    grant = _grant(bff_env)
    renewed = grant["my_account"]
    assert renewed["how"] == "authorize"
    assert renewed["access_token"] != old["access_token"]
    assert renewed["access_expires_at"] > old["access_expires_at"]
    assert renewed["refresh_token"] != old["refresh_token"]  # rotated, and kept
    assert renewed["refresh_token"] != grant["refresh_token"]
    assert browser.get("/bff/session").json()["my_account"]["how"] == "authorize"
    assert browser.get("/api/me").status_code == 200
    _assert_no_token_reached_the_browser(browser, tenant, [
        old["access_token"], renewed["access_token"], old["refresh_token"],
        renewed["refresh_token"]])


def test_a_refused_renewal_drops_the_token_and_keeps_the_session(
    sqlite_bff, bff_server, bff_env, hooks, tenant
):
    _api_access(hooks, tenant, grants=ME_SCOPES, policy=None)
    hooks.settings(access_token_ttl=6)
    browser = _signed_in(bff_server, tenant)
    record = _grant(bff_env)["my_account"]
    # Someone else uses the /me/ refresh token first: the BFF's copy is then a used one,
    # which the tenant refuses (and it revokes that family, not the sign-in's).
    assert refresh(tenant, record["refresh_token"]).status_code == 200
    _wait_for_renewal(record)
    refused = browser.get("/api/me/authentication-methods")
    assert refused.status_code == 403, refused.text
    assert refused.json()["reason"] == "not_granted"
    assert "no longer renews" in refused.json()["detail"]
    assert "access_token" not in _grant(bff_env)["my_account"]
    assert browser.get("/api/me").status_code == 200  # the session goes on
    assert browser.get("/bff/session").json()["my_account"]["reason"] == "not_granted"


def test_a_re_authentication_keeps_the_silent_sign_ins_token(
    sqlite_bff, bff_server, bff_env, hooks, tenant
):
    _api_access(hooks, tenant, grants=ME_SCOPES, policy=None)
    browser = _signed_in(bff_server, tenant)
    record = _grant(bff_env)["my_account"]
    before = len(browser.authorize_requests(tenant))
    done = sign_in(browser, bff_server.url, start_path="/reauth?returnTo=/security")
    assert done.url == bff_server.url + "/security", done.url
    # One /authorize for the re-authentication, none more: the token was kept.
    assert len(browser.authorize_requests(tenant)) == before + 1
    grant = _grant(bff_env)
    assert grant["my_account"] == record
    assert browser.get("/api/me/authentication-methods").status_code == 200


def test_the_implicit_flow_does_not_try_it(make_bff, bff_server, hooks, tenant):
    make_bff(AUTH0_FLOW="implicit")
    browser = _signed_in(bff_server, tenant)
    assert len(browser.authorize_requests(tenant)) == 1
    assert browser.get("/bff/session").json()["my_account"]["available"] is None
