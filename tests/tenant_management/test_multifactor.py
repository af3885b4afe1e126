"""GET /users/{id}/enrollments and DELETE /users/{id}/multifactor/{provider}."""

from __future__ import annotations

from app.tenant.directory import ALICE_ID, BOB_ID
from tests.tenant_management.support import user_path


def test_alice_has_one_confirmed_authenticator(mgmt, alice_token):
    response = mgmt.call("GET", user_path(ALICE_ID, "/enrollments"), alice_token)
    assert response.status_code == 200
    [enrollment] = response.json()
    assert enrollment["status"] == "confirmed"
    assert enrollment["type"] == "authenticator"
    assert enrollment["auth_method"] == "authenticator"
    assert enrollment["id"].startswith("dev_")
    assert enrollment["enrolled_at"].endswith("Z")


def test_no_enrollments_is_an_empty_list(mgmt):
    bob = mgmt.access_token(sub=BOB_ID)
    response = mgmt.call("GET", user_path(BOB_ID, "/enrollments"), bob)
    assert response.status_code == 200
    assert response.json() == []


def test_remove_a_provider(mgmt, alice_token):
    response = mgmt.call("DELETE", user_path(ALICE_ID, "/multifactor/google-authenticator"),
                        alice_token)
    assert response.status_code == 204
    assert response.content == b""
    assert mgmt.call("GET", user_path(ALICE_ID, "/enrollments"), alice_token).json() == []
    user = mgmt.call("GET", user_path(ALICE_ID), alice_token).json()
    assert "multifactor" not in user


def test_remove_a_provider_not_enrolled(mgmt, alice_token):
    response = mgmt.call("DELETE", user_path(ALICE_ID, "/multifactor/duo"), alice_token)
    assert response.status_code == 204
    assert len(mgmt.call("GET", user_path(ALICE_ID, "/enrollments"), alice_token).json()) == 1


def test_unknown_provider(mgmt, alice_token):
    response = mgmt.call("DELETE", user_path(ALICE_ID, "/multifactor/sms"), alice_token)
    assert response.status_code == 400
    assert response.json() == {
        "statusCode": 400,
        "error": "Bad Request",
        "message": "Path validation error: 'No enum match for: \"sms\"' on property provider.",
        "errorCode": "invalid_uri",
    }
