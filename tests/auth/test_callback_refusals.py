"""Every forged or broken token, replayed or stale callback is refused, and nothing is stored.

Each case is a full sign-in through the BFF against the local tenant, whose test hooks
mint the bad token on the next issuance (AUTH0_WIRE_FACTS.md, "What a relying party
must reject").
"""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.auth.conftest import session_files
from tests.support.login import sign_in
from tests.support.tenant import parse_forms, past_second_factor

PAST = int(time.time()) - 3600

#: case -> (tweak of the next issued token, what the error page must name)
ID_TOKEN_CASES = {
    "bad signature": ({"sign": "rogue"}, "Signature verification failed"),
    "alg none": ({"sign": "none"}, "algorithm &#39;none&#39; is not allowed"),
    "hs256 with the public key": ({"sign": "hs256_pubkey"}, "&#39;HS256&#39; is not allowed"),
    "wrong iss": ({"set": {"iss": "http://127.0.0.1:1/"}}, "Invalid issuer"),
    "missing sub": ({"unset": ["sub"]}, "&#34;sub&#34;"),
    "missing aud": ({"unset": ["aud"]}, "&#34;aud&#34;"),
    "wrong aud": ({"set": {"aud": "someone-else"}}, "Audience"),
    "missing iat": ({"unset": ["iat"]}, "&#34;iat&#34;"),
    "expired": ({"set": {"iat": PAST - 600, "exp": PAST}}, "expired"),
    "wrong nonce": ({"set": {"nonce": "not-the-one-we-sent"}}, "nonce"),
    "missing nonce": ({"unset": ["nonce"]}, "nonce"),
    "unknown kid": ({"sign": "unknown_kid"}, "does not publish"),
}

ACCESS_TOKEN_CASES = {
    "bad signature": ({"sign": "rogue"}, "access token: Signature verification failed"),
    "wrong aud": ({"set": {"aud": "https://other.example.com/api/"}}, "access token: Audience"),
    "expired": ({"set": {"iat": PAST - 600, "exp": PAST}}, "access token: Signature has expired"),
    "another user": ({"set": {"sub": "auth0|someone-else"}}, "access token: sub differs"),
    "another client": ({"set": {"azp": "another-client"}}, "access token: azp"),
}


def assert_refused(response: requests.Response, http: requests.Session, bff_url: str,
                   sessions: Path, code: str = "invalid_token") -> None:
    assert response.status_code == 400, response.text[:300]
    assert "text/html" in response.headers["Content-Type"]
    assert f"<code>{code}</code>" in response.text
    assert "Try again" in response.text
    assert "Traceback" not in response.text
    me = http.get(bff_url + "/bff/user", timeout=10)
    assert me.status_code == 401
    assert session_files(sessions) == []


@pytest.fixture
def sessions(bff_env) -> Path:
    return Path(bff_env["DATA_DIR"])


@pytest.mark.parametrize(("spec", "reason"), ID_TOKEN_CASES.values(), ids=ID_TOKEN_CASES.keys())
def test_a_bad_id_token_is_refused(hooks, bff, http, sessions, spec, reason):
    hooks.tweak_tokens(id_token=spec)
    response = sign_in(http, http.bff_url)
    assert_refused(response, http, http.bff_url, sessions)
    assert reason in response.text


@pytest.mark.parametrize(
    ("spec", "reason"), ACCESS_TOKEN_CASES.values(), ids=ACCESS_TOKEN_CASES.keys()
)
def test_a_bad_access_token_is_refused(hooks, bff, http, sessions, spec, reason):
    hooks.tweak_tokens(access_token=spec)
    response = sign_in(http, http.bff_url)
    assert_refused(response, http, http.bff_url, sessions)
    assert reason in response.text


@pytest.mark.parametrize(
    "spec",
    [{"set": {"at_hash": "AAAAAAAAAAAAAAAAAAAAAA"}}, {"unset": ["at_hash"]}],
    ids=["wrong at_hash", "missing at_hash"],
)
def test_the_implicit_flow_checks_at_hash(hooks, make_bff, bff_server, sessions, spec):
    make_bff(AUTH0_FLOW="implicit")
    hooks.tweak_tokens(id_token=spec)
    with requests.Session() as http:
        response = sign_in(http, bff_server.url)
        assert_refused(response, http, bff_server.url, sessions)
        assert "at_hash" in response.text


def test_no_kid_with_several_published_keys_is_refused(hooks, bff, http, sessions):
    hooks.rotate_keys()
    hooks.tweak_tokens(id_token={"sign": "no_kid"})
    assert_refused(sign_in(http, http.bff_url), http, http.bff_url, sessions)


def test_a_rotated_key_is_accepted(hooks, bff, http, tenant):
    assert sign_in(http, http.bff_url).status_code == 200
    hooks.rotate_keys()
    with requests.Session() as other:
        assert sign_in(other, http.bff_url).status_code == 200
        assert other.get(http.bff_url + "/bff/user", timeout=10).status_code == 200


def test_a_jwks_outage_with_a_cached_key_keeps_sign_in_working(hooks, bff, http):
    assert sign_in(http, http.bff_url).status_code == 200
    hooks.fault("/.well-known/jwks.json", status=503, times=50)
    with requests.Session() as other:
        assert sign_in(other, http.bff_url).status_code == 200


def test_a_replayed_callback_is_refused(hooks, bff, http, sessions):
    with requests.Session() as browser:
        url = _first_callback(browser, http.bff_url)
        first = browser.get(url, timeout=10)
        assert first.status_code == 200
        again = browser.get(url, timeout=10)
        assert again.status_code == 400
        assert "already used" in again.text


def _first_callback(browser: requests.Session, bff_url: str) -> str:
    """Sign in but stop before the BFF's callback; its URL (with code and state)."""
    start = browser.get(bff_url + "/login", allow_redirects=False, timeout=10)
    response = browser.get(start.headers["Location"], timeout=10)
    login = next(f for f in parse_forms(response.text) if "password" in f.fields)
    action = requests.compat.urljoin(response.url, login.action)
    answer = browser.post(action, data={**login.fields, "username": "alice@example.com",
                                        "password": "alice-demo-password"},
                          allow_redirects=False, timeout=10)
    answer = past_second_factor(browser, answer)
    for _ in range(5):
        location = requests.compat.urljoin(answer.url, answer.headers["Location"])
        if location.startswith(bff_url + "/callback"):
            return location
        answer = browser.get(location, allow_redirects=False, timeout=10)
    raise AssertionError("no redirect to /callback")


def test_a_callback_from_another_browser_is_refused(hooks, bff, http, sessions):
    """Login CSRF: the attacker's callback URL opened in the victim's browser."""
    with requests.Session() as attacker:
        url = _first_callback(attacker, http.bff_url)
    response = http.get(url, timeout=10)
    assert response.status_code == 400
    assert "another browser" in response.text
    assert http.get(http.bff_url + "/bff/user", timeout=10).status_code == 401
    assert session_files(sessions) == []


def test_an_expired_transaction_is_refused(hooks, make_bff, bff_server, sessions):
    make_bff(AUTH_TRANSACTION_TTL="1")
    with requests.Session() as browser:
        url = _first_callback(browser, bff_server.url)
        time.sleep(1.2)
        response = browser.get(url, timeout=10)
        assert response.status_code == 400
        assert "expired" in response.text
        assert session_files(sessions) == []


def test_a_callback_with_an_unknown_state_is_refused(bff, http, sessions):
    response = http.get(http.bff_url + "/callback", params={"code": "x", "state": "forged"},
                        timeout=10)
    assert_refused(response, http, http.bff_url, sessions, code="invalid_state")


def test_access_denied_shows_a_page_with_a_way_to_try_again(hooks, bff, http, sessions):
    start = http.get(http.bff_url + "/login?returnTo=/devices", allow_redirects=False, timeout=10)
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    response = http.get(http.bff_url + "/callback", timeout=10, params={
        "error": "access_denied", "error_description": "User cancelled", "state": state})
    assert response.status_code == 400
    assert "cancelled" in response.text
    assert 'href="/login?returnTo=/devices"' in response.text
    assert session_files(sessions) == []
