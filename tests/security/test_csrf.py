"""CSRF on the JSON API's writes, signed in, with the proofs a cross-site attacker could
produce: look-alike origins, `Origin: null`, no Origin with each `Sec-Fetch-Site`, and a
same-origin `Sec-Fetch-Site` that a foreign `Origin` contradicts. Nothing may change."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

WRITES = [
    ("PATCH", "/api/me/metadata", {"json": {"csrf": "pwned"}}),
    ("POST", "/api/me/link", {"json": {"copy_metadata": False}}),
    ("DELETE", "/api/me/multifactor/google-authenticator", {}),
    ("PUT", "/api/me/metadata", {"json": {"csrf": "pwned"}}),
]


def lookalikes(bff_url: str) -> list[dict[str, str]]:
    parts = urlsplit(bff_url)
    return [
        {"Origin": "null"},
        {"Origin": bff_url + ".evil.example"},
        {"Origin": bff_url + "/"},
        {"Origin": f"{parts.scheme}://{parts.hostname}"},  # another port
        {"Origin": bff_url.replace("http://", "https://")},
        {"Origin": bff_url.upper()},
        {"Origin": "https://evil.example", "Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},
        {"Sec-Fetch-Site": "same-site"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "Same-Origin"},
        {},
    ]


@pytest.mark.parametrize(("method", "path", "body"), WRITES, ids=[w[0] for w in WRITES])
def test_api_writes_without_a_same_origin_proof_change_nothing(spa, hooks, method, path,
                                                               body):
    bff_url = spa.bff_url
    before = spa.get(bff_url + "/api/me", timeout=10).json()
    enrollments = spa.get(bff_url + "/api/me/enrollments", timeout=10).json()
    for extra in lookalikes(bff_url):
        headers = {"X-CSRF": "1", **extra}
        if "Origin" not in extra:
            headers["Origin"] = None  # drop the fixture's same-origin Origin
        response = spa.request(method, bff_url + path, headers=headers, timeout=10, **body)
        assert response.status_code == 403, (extra, response.status_code, response.text)
        assert response.json()["code"] == "csrf_failed"
    assert spa.get(bff_url + "/api/me", timeout=10).json() == before
    assert spa.get(bff_url + "/api/me/enrollments", timeout=10).json() == enrollments


def test_a_preflight_from_origin_null_is_refused(bff, http):
    response = http.options(http.bff_url + "/api/me/metadata", timeout=10, headers={
        "Origin": "null", "Access-Control-Request-Method": "PATCH",
        "Access-Control-Request-Headers": "x-csrf, content-type"})
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Access-Control-Allow-Credentials" not in response.headers
