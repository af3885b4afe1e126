"""GET /api/me: the profile, its ETag, the per-session cache, sessions and scopes."""

from __future__ import annotations

import requests

from tests.api.conftest import ALICE_ID, ApiSession


def test_profile_of_the_signed_in_user(api, hooks):
    response = api.get("/api/me")
    assert response.status_code == 200
    body = response.json()
    stored = hooks.user(ALICE_ID)
    assert body["user_id"] == ALICE_ID
    assert body["email"] == "alice@example.com"
    assert body["user_metadata"] == stored["user_metadata"]
    assert body["app_metadata"] == stored["app_metadata"]
    assert body["logins_count"] == stored["logins_count"] >= 1
    assert [i["connection"] for i in body["identities"]] == ["Username-Password-Authentication"]
    assert response.headers["Cache-Control"] == "no-store"
    # No token of any kind reaches the browser.
    assert "token" not in response.text


def test_if_none_match_gives_304(api):
    first = api.get("/api/me")
    tag = first.headers["ETag"]
    assert tag.startswith('"p-')
    again = api.get("/api/me", headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.headers["ETag"] == tag
    assert api.get("/api/me", headers={"If-None-Match": '"p-other"'}).status_code == 200


def test_profile_is_cached_per_session_and_dropped_on_write(api, hooks, new_api):
    assert api.get("/api/me").status_code == 200
    # The tenant fails every read now: the cached copy still answers.
    hooks.faults(path="/api/v2/users/", method="GET", status=503, times=10)
    assert api.get("/api/me").status_code == 200
    hooks.clear_faults()
    other_tab = new_api()
    saved = other_tab.patch("/api/me/metadata", json={"theme": "light"})
    assert saved.status_code == 200
    # A write (in any session of the user) drops the cache: the next read is fresh.
    assert api.get("/api/me").json()["user_metadata"]["theme"] == "light"


def test_without_a_session_401_json_never_a_redirect(bff, bff_server, hooks):
    anonymous = ApiSession(bff_server.url)
    for method, path in [("GET", "/api/me"), ("GET", "/api/me/metadata"),
                         ("PATCH", "/api/me/metadata"), ("GET", "/api/me/identities"),
                         ("GET", "/api/me/enrollments"), ("GET", "/api/me/device-credentials"),
                         ("DELETE", "/api/me/multifactor/duo")]:
        response = anonymous.request(method, path, json={}, allow_redirects=False)
        assert response.status_code == 401, (method, path)
        assert response.headers["Content-Type"].startswith("application/problem+json")
        assert response.json()["code"] == "login_required"
        assert response.json()["login_url"]


def test_a_missing_scope_names_the_feature(make_bff, bff_server, hooks, new_api):
    make_bff(AUTH0_SCOPES="read:current_user")
    api = new_api()
    assert api.get("/api/me").status_code == 200
    response = api.patch("/api/me/metadata", json={"theme": "light"})
    assert response.status_code == 403
    problem = response.json()
    assert problem["code"] == "feature_unavailable"
    assert problem["feature"] == "metadata"
    assert problem["missing_scopes"] == ["update:current_user_metadata"]
    assert "update:current_user_metadata" in problem["detail"]
    for path in ("/api/me/enrollments", "/api/me/device-credentials"):
        assert api.get(path).json()["code"] == "feature_unavailable"
    assert hooks.user(ALICE_ID)["user_metadata"]["theme"] == "dark"


def test_state_changes_need_the_csrf_header(api):
    response = requests.patch(api.bff_url + "/api/me/metadata", json={"theme": "light"},
                              cookies=api.cookies, headers={"Origin": api.bff_url},
                              timeout=10)
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


def test_paths_take_no_user_id(api):
    # Another user's resources have no address in this API at all.
    for path in ("/api/users/auth0%7C65f0a1c2b3d4e5f60718293b", "/api/me/auth0%7Cx",
                 "/api/me/enrollments/x"):
        response = requests.get(api.bff_url + path, cookies=api.cookies, timeout=10)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_openapi_document_lists_every_path_and_code(api):
    document = requests.get(api.bff_url + "/api/openapi.json", timeout=10).json()
    assert set(document["paths"]) == {
        "/api/me", "/api/me/metadata", "/api/me/identities",
        "/api/me/identities/{provider}/{identity_user_id}", "/api/me/link",
        "/api/me/enrollments", "/api/me/multifactor/{provider}", "/api/me/device-credentials",
        "/api/me/device-credentials/{credential_id}",
        "/api/me/sessions", "/api/me/sessions/{session_id}", "/api/me/sessions/sign-out-others",
        "/api/me/activity", "/api/me/export", "/api/me/authentication-methods", "/api/me/factors",
        "/api/me/authentication-methods/{method_id}",
        "/api/me/authentication-methods/{method_id}/verify",
    }
    problem = document["paths"]["/api/me"]["get"]["responses"]["default"]["content"][
        "application/problem+json"]["schema"]["$ref"].rsplit("/", 1)[1]
    codes = document["components"]["schemas"][problem]["properties"]["code"]["enum"]
    for code in ("feature_unavailable", "conflict", "invalid_metadata", "main_identity",
                 "identity_not_found", "no_pending_link", "unknown_provider", "device_exists",
                 "rate_limited", "tenant_unavailable", "write_outcome_unknown",
                 "reauthentication_required", "session_not_found", "current_session"):
        assert code in codes
