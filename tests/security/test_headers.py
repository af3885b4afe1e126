"""Security headers on the responses the existing header test does not reach: static
files, 304s, 405 and 413 errors; and HSTS on all of them (and redirects) over https.
Also that the app decides "https" from PUBLIC_URL, never from a request header."""

from __future__ import annotations

import pytest
import requests

from app import create_app
from tests.support.servers import LiveServer


def assert_security_headers(response: requests.Response, *, https: bool = False) -> None:
    where = f"{response.request.method} {response.url} -> {response.status_code}"
    csp = response.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in csp and "frame-ancestors" in csp, where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") == "same-origin", where
    assert ("Strict-Transport-Security" in response.headers) is https, where


def odd_responses(url: str) -> list[requests.Response]:
    script = url + "/static/js/api.js"
    first = requests.get(script, timeout=10)
    assert first.status_code == 200
    responses = [
        first,
        requests.get(script, headers={"If-None-Match": first.headers["ETag"]}, timeout=10),
        requests.get(url + "/login?returnTo=/devices", allow_redirects=False, timeout=10),
        requests.get(url + "/logout", timeout=10),
        requests.post(url + "/backchannel-logout", data={"logout_token": "x" * (128 * 1024)},
                      timeout=10),
        requests.get(url + "/static/..%2fapp/config.py", timeout=10),
    ]
    assert [r.status_code for r in responses[1:6]] == [304, 302, 405, 413, 404]
    return responses


def test_security_headers_on_static_files_304s_redirects_and_errors(bff, bff_server):
    for response in odd_responses(bff_server.url):
        assert_security_headers(response)


@pytest.fixture
def https_bff(bff_env):
    """A BFF whose PUBLIC_URL is https (it is served on plain http here, as behind a proxy
    that terminates TLS)."""
    server = LiveServer(url_host="localhost")
    server.serve(create_app({**bff_env, "PUBLIC_URL": "https://account.example.com"}))
    yield server.url
    server.stop()


def test_over_https_hsts_is_on_every_kind_of_response(https_bff):
    for response in odd_responses(https_bff):
        assert_security_headers(response, https=True)
    for path in ("/", "/no-such-page", "/bff/user"):
        assert_security_headers(requests.get(https_bff + path, timeout=10), https=True)


def test_x_forwarded_proto_does_not_change_cookies_or_hsts(bff, bff_server):
    """PUBLIC_URL decides; a client cannot make a plain-http deployment set cookies it
    would then not send back (or drop Secure from an https one)."""
    response = requests.get(bff_server.url + "/login", allow_redirects=False, timeout=10,
                            headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil"})
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("selfserve-tx-") and "Secure" not in cookie
    assert "Strict-Transport-Security" not in response.headers
    assert "evil" not in response.headers["Location"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/no-such-endpoint", 404),
        ("GET", "/bff/no-such-endpoint", 404),
        ("PUT", "/bff/user", 405),
        ("PUT", "/api/openapi.json", 405),
        ("GET", "/no-such-page", 404),  # problem+json for a client that asks for JSON
    ],
)
def test_json_errors_are_never_cached(bff, bff_server, method, path, status):
    """Routing errors reach no blueprint's hook: the app-wide one marks them no-store."""
    url = bff_server.url
    response = requests.request(
        method, url + path, timeout=10,
        headers={"X-CSRF": "1", "Origin": url, "Accept": "application/json"},
    )
    assert response.status_code == status, response.text[:200]
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.headers.get("Cache-Control") == "no-store"


def test_the_spa_shell_keeps_its_own_cache_policy(bff, bff_server):
    response = requests.get(bff_server.url + "/", timeout=10)
    assert response.headers.get("Cache-Control") == "no-cache"
