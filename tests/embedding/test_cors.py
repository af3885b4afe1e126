"""CORS with credentials for EMBED_ALLOWED_ORIGINS, and nothing for anyone else."""

from __future__ import annotations

from tests.embedding.conftest import HOST_ORIGIN, OTHER_ORIGIN


def preflight(http, url, origin, method="PATCH", headers="x-csrf, content-type, if-match"):
    return http.options(url, timeout=10, headers={
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": headers,
    })


def test_preflight_from_an_allowed_origin_allows_credentials_and_the_csrf_header(bff_url, http):
    response = preflight(http, bff_url + "/api/me/metadata", HOST_ORIGIN)

    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == HOST_ORIGIN
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    allowed_headers = {
        h.strip().lower() for h in response.headers["Access-Control-Allow-Headers"].split(",")
    }
    assert {"x-csrf", "content-type", "if-match"} <= allowed_headers
    methods = {m.strip() for m in response.headers["Access-Control-Allow-Methods"].split(",")}
    assert {"GET", "POST", "PATCH", "DELETE"} <= methods
    assert "Origin" in response.headers["Vary"]


def test_preflight_from_another_origin_is_refused(bff_url, http):
    response = preflight(http, bff_url + "/api/me/metadata", OTHER_ORIGIN)

    assert response.status_code == 403
    assert response.json()["code"] == "origin_not_allowed"
    assert "Access-Control-Allow-Origin" not in response.headers


def test_an_allowed_origin_reads_json_errors_with_credentials(bff_url, http):
    response = http.get(bff_url + "/bff/user", headers={"Origin": HOST_ORIGIN}, timeout=10)

    assert response.status_code == 401
    assert response.json()["code"] == "login_required"
    assert response.headers["Access-Control-Allow-Origin"] == HOST_ORIGIN
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]


def test_another_origin_gets_no_cors_headers(bff_url, http):
    response = http.get(bff_url + "/bff/user", headers={"Origin": OTHER_ORIGIN}, timeout=10)

    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "Origin" in response.headers["Vary"]


def test_the_element_script_loads_as_a_module_from_an_allowed_origin(bff_url, http):
    # <script type="module"> fetches in CORS mode: without these headers the host
    # page could not load the element at all.
    response = http.get(bff_url + "/static/js/selfserve-account.js",
                        headers={"Origin": HOST_ORIGIN}, timeout=10)

    assert response.status_code == 200
    assert "javascript" in response.headers["Content-Type"]
    assert response.headers["Access-Control-Allow-Origin"] == HOST_ORIGIN


def test_writes_from_an_allowed_origin_pass_csrf_and_others_do_not(bff_url, http):
    allowed = http.patch(bff_url + "/api/me/metadata", json={"a": 1}, timeout=10,
                         headers={"Origin": HOST_ORIGIN, "X-CSRF": "1"})
    foreign = http.patch(bff_url + "/api/me/metadata", json={"a": 1}, timeout=10,
                         headers={"Origin": OTHER_ORIGIN, "X-CSRF": "1"})

    # Past the CSRF check, the allowed origin meets the login check.
    assert allowed.status_code == 401
    assert allowed.json()["code"] == "login_required"
    assert foreign.status_code == 403
    assert foreign.json()["code"] == "csrf_failed"
