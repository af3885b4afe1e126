"""CSRF checks, security headers, returnTo validation and silent re-authentication."""

from __future__ import annotations

import pytest
import requests

from tests.support.login import sign_in
from tests.support.tenant import parse_forms


def logout(http: requests.Session, bff_url: str, **headers: str) -> requests.Response:
    return http.post(bff_url + "/logout", headers={"Accept": "application/json", **headers},
                     allow_redirects=False, timeout=10)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Origin": "SAME"},
        {"X-CSRF": "1"},
        {"X-CSRF": "0", "Origin": "SAME"},
        {"X-CSRF": "1", "Origin": "https://evil.example"},
        {"X-CSRF": "1", "Origin": "null"},
        {"X-CSRF": "1", "Sec-Fetch-Site": "same-site"},
        {"X-CSRF": "1", "Sec-Fetch-Site": "cross-site"},
    ],
    ids=["nothing", "origin only", "header only", "wrong header", "foreign origin",
         "null origin", "same-site fetch", "cross-site fetch"],
)
def test_a_state_changing_request_without_the_csrf_proofs_is_refused(signed_in, headers):
    bff_url = signed_in.bff_url
    headers = {k: (bff_url if v == "SAME" else v) for k, v in headers.items()}
    response = logout(signed_in, bff_url, **headers)
    assert response.status_code == 403
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "csrf_failed"
    # Nothing happened: the session is still there.
    assert signed_in.get(bff_url + "/bff/user", timeout=10).status_code == 200


def test_the_api_refuses_a_write_without_csrf_proofs(signed_in):
    response = signed_in.patch(signed_in.bff_url + "/api/me/metadata", json={"x": 1},
                               timeout=10)
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


@pytest.mark.parametrize("proof", ["origin", "sec-fetch-site"])
def test_same_origin_proofs_are_accepted(signed_in, proof):
    bff_url = signed_in.bff_url
    extra = {"Origin": bff_url} if proof == "origin" else {"Sec-Fetch-Site": "same-origin"}
    response = logout(signed_in, bff_url, **{"X-CSRF": "1", **extra})
    assert response.status_code == 200
    assert "logout_url" in response.json()


def test_an_allowed_embedding_origin_passes_the_csrf_check(make_bff, bff_server, hooks):
    make_bff(EMBED_ALLOWED_ORIGINS="https://www.example.com")
    with requests.Session() as http:
        sign_in(http, bff_server.url)
        response = logout(http, bff_server.url, **{"X-CSRF": "1",
                                                   "Origin": "https://www.example.com"})
        assert response.status_code == 200


def test_security_headers_on_every_kind_of_response(make_bff, bff_server, hooks):
    make_bff(EMBED_ALLOWED_ORIGINS="https://www.example.com")
    url = bff_server.url
    responses = [
        requests.get(url + "/", timeout=10),
        requests.get(url + "/bff/user", timeout=10),
        requests.get(url + "/login", allow_redirects=False, timeout=10),
        requests.get(url + "/callback?state=x&code=y", timeout=10),
        requests.get(url + "/no-such-page", timeout=10),
        requests.post(url + "/logout", timeout=10),
    ]
    for response in responses:
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, response.url
        assert "frame-ancestors 'self' https://www.example.com" in csp
        assert "object-src 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in response.headers  # plain http
    assert responses[2].headers["Cache-Control"] == "no-store"


def test_frame_ancestors_default_to_self(bff, bff_server):
    csp = requests.get(bff_server.url + "/", timeout=10).headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp.split(";")[-1]


@pytest.mark.parametrize(
    ("asked", "landed"),
    [
        ("/devices?tab=keys", "/devices?tab=keys"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("profile", "/"),
    ],
)
def test_return_to_is_a_path_of_this_app_or_the_root(bff, http, hooks, asked, landed):
    page = sign_in(http, http.bff_url, return_to=asked)
    assert page.url == http.bff_url + landed


def test_a_failed_silent_sign_in_continues_with_the_login_page(signed_in, tenant, hooks):
    """prompt=none without an SSO session at the tenant: straight on to the login form."""
    signed_in.cookies.clear(domain="127.0.0.1")
    page = signed_in.get(signed_in.bff_url + "/login?prompt=none&returnTo=/security",
                         timeout=10)
    assert page.url.startswith(tenant.url)
    login = next(f for f in parse_forms(page.text) if "password" in f.fields)
    assert login is not None
    back = sign_in(signed_in, signed_in.bff_url, start_path="/login?returnTo=/security")
    assert back.url == signed_in.bff_url + "/security"


def test_a_tenant_outage_at_sign_in_start_is_a_clear_503_page(bff, http, hooks):
    hooks.fault("/.well-known/openid-configuration", status=503, times=3)
    response = http.get(http.bff_url + "/login?returnTo=/profile", timeout=10)
    assert response.status_code == 503
    assert "not answering" in response.text
    assert 'href="/login?returnTo=/profile"' in response.text
    assert "Traceback" not in response.text
    hooks.clear_faults()
    assert sign_in(http, http.bff_url, return_to="/profile").url == http.bff_url + "/profile"


def test_a_form_post_without_state_is_not_parked(bff, http):
    response = http.post(http.bff_url + "/callback", data={"id_token": "x"}, timeout=10)
    assert response.status_code == 400
    assert "<code>invalid_state</code>" in response.text


def test_an_oversized_form_post_is_refused_before_it_is_parked(bff, http):
    fields = {"state": "x", "id_token": "x" * (70 * 1024)}
    response = http.post(http.bff_url + "/callback", data=fields, allow_redirects=False,
                         timeout=10)
    assert response.status_code == 413
    assert "<code>request_entity_too_large</code>" in response.text
