"""What the BFF reads from a request body: a size limit before anything is parsed, and
malformed JSON (too deep to parse) refused as a client error, never a 500."""

from __future__ import annotations

import requests

from tests.support.login import sign_in

PROBLEM_JSON = "application/problem+json"


def metadata(spa: requests.Session) -> dict:
    return spa.get(spa.bff_url + "/api/me/metadata", timeout=10).json()["user_metadata"]


def test_a_huge_json_body_is_refused_before_it_is_read(spa):
    before = metadata(spa)
    body = b'{"note": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    response = spa.patch(spa.bff_url + "/api/me/metadata", data=body,
                             headers={"Content-Type": "application/json"}, timeout=30)
    assert response.status_code == 413
    assert response.headers["Content-Type"] == PROBLEM_JSON
    assert response.json()["code"] == "request_entity_too_large"
    assert metadata(spa) == before


def test_a_huge_chunked_body_is_cut_at_the_limit_and_refused(spa):
    """No Content-Length (chunked): werkzeug stops reading at the limit, so the cut-off
    JSON is refused and nothing beyond the limit is held in memory."""
    before = metadata(spa)

    def chunks():
        yield b'{"note": "'
        for _ in range(256):
            yield b"x" * 8192
        yield b'"}'

    response = spa.patch(spa.bff_url + "/api/me/metadata", data=chunks(),
                             headers={"Content-Type": "application/json"}, timeout=30)
    assert response.status_code in (400, 413)
    assert response.headers["Content-Type"] == PROBLEM_JSON
    assert metadata(spa) == before


def test_a_large_legitimate_metadata_edit_still_fits(spa):
    """The limit stays well above what a metadata edit within the 10 KB budget takes."""
    value = "x" * 8000
    response = spa.patch(spa.bff_url + "/api/me/metadata", json={"bio": value},
                             timeout=30)
    assert response.status_code == 200, response.text
    assert response.json()["user_metadata"]["bio"] == value


def test_deeply_nested_json_is_a_400_not_a_500(spa):
    before = metadata(spa)
    depth = 5000
    body = '{"a": ' * depth + "1" + "}" * depth
    response = spa.patch(spa.bff_url + "/api/me/metadata", data=body,
                             headers={"Content-Type": "application/json"}, timeout=30)
    assert response.status_code == 400, response.text
    assert response.headers["Content-Type"] == PROBLEM_JSON
    assert response.json()["code"] == "invalid_request"
    assert metadata(spa) == before


def test_deeply_nested_json_in_other_bodies_is_a_400(spa):
    nested = "[" * 5000 + "]" * 5000
    for path in ("/api/me/device-credentials", "/api/me/link"):
        response = spa.post(spa.bff_url + path, data=nested,
                                headers={"Content-Type": "application/json"}, timeout=30)
        assert response.status_code == 400, (path, response.text)
        assert response.json()["code"] == "invalid_request"


def test_the_session_survives_a_refused_body(bff, bff_server, hooks):
    with requests.Session() as http:
        sign_in(http, bff_server.url)
        refused = http.patch(bff_server.url + "/api/me/metadata", data=b"x" * (1024 * 1024),
                             headers={"X-CSRF": "1", "Origin": bff_server.url,
                                      "Content-Type": "application/json"}, timeout=30)
        assert refused.status_code == 413
        assert http.get(bff_server.url + "/bff/user", timeout=10).status_code == 200
