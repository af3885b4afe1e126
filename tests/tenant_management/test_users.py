"""GET and PATCH /users/{id} with a current_user token."""

from __future__ import annotations

import pytest

from app.tenant.directory import ALICE_ID, BOB_ID
from tests.tenant_management.support import user_path

ALICE_METADATA = {
    "theme": "dark",
    "language": "en",
    "newsletter": True,
    "address": {"city": "Lisbon", "country": "PT"},
}


def get_alice(mgmt, token, **params):
    return mgmt.call("GET", user_path(ALICE_ID), token, params=params)


def patch_alice(mgmt, token, body=None, **kwargs):
    return mgmt.call("PATCH", user_path(ALICE_ID), token, json=body, **kwargs)


def test_get_user_is_auth0_shaped(mgmt, alice_token):
    response = get_alice(mgmt, alice_token)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    user = response.json()
    assert user["user_id"] == ALICE_ID
    assert user["email"] == "alice@example.com"
    assert user["email_verified"] is True
    assert user["identities"] == [{
        "connection": "Username-Password-Authentication",
        "provider": "auth0",
        "user_id": ALICE_ID.split("|")[1],
        "isSocial": False,
    }]
    assert user["user_metadata"] == ALICE_METADATA
    assert user["app_metadata"] == {"plan": "pro"}
    assert user["multifactor"] == ["google-authenticator"]
    for field in ("name", "nickname", "picture", "created_at", "updated_at"):
        assert isinstance(user[field], str), field
    assert "scrypt" not in response.text  # no password hash leaks


def test_get_user_includes_only_fields(mgmt, alice_token):
    response = get_alice(mgmt, alice_token, fields="user_id,email", include_fields="true")
    assert response.json() == {"user_id": ALICE_ID, "email": "alice@example.com"}


def test_get_user_excludes_fields(mgmt, alice_token):
    user = get_alice(mgmt, alice_token, fields="identities,app_metadata",
                     include_fields="false").json()
    assert "identities" not in user and "app_metadata" not in user
    assert user["user_id"] == ALICE_ID


def test_get_user_rejects_a_non_boolean_include_fields(mgmt, alice_token):
    response = get_alice(mgmt, alice_token, fields="email", include_fields="maybe")
    assert response.status_code == 400
    assert response.json()["errorCode"] == "invalid_query_string"


def test_user_that_no_longer_exists(mgmt):
    ghost = "auth0|000000000000000000000000"
    response = mgmt.call("GET", user_path(ghost), mgmt.access_token(sub=ghost))
    assert response.status_code == 404
    assert response.json() == {
        "statusCode": 404,
        "error": "Not Found",
        "message": "The user does not exist.",
        "errorCode": "inexistent_user",
    }


def test_patch_merges_the_first_level(mgmt, alice_token):
    response = patch_alice(mgmt, alice_token, {"user_metadata": {
        "theme": "light", "address": {"city": "Porto"}, "new": [1, 2]}})
    assert response.status_code == 200
    metadata = response.json()["user_metadata"]
    # First level only: address is replaced as a whole, not merged into.
    assert metadata == {**ALICE_METADATA, "theme": "light", "address": {"city": "Porto"},
                        "new": [1, 2]}
    assert get_alice(mgmt, alice_token).json()["user_metadata"] == metadata


def test_patch_null_deletes_a_key(mgmt, alice_token):
    metadata = patch_alice(mgmt, alice_token, {"user_metadata": {"theme": None}}).json()[
        "user_metadata"]
    assert "theme" not in metadata
    assert metadata["language"] == "en"


def test_patch_empty_object_clears_metadata(mgmt, alice_token):
    user = patch_alice(mgmt, alice_token, {"user_metadata": {}}).json()
    assert user["user_metadata"] == {}
    assert user["app_metadata"] == {"plan": "pro"}


def test_patch_stamps_updated_at(mgmt, alice_token):
    before = get_alice(mgmt, alice_token).json()["updated_at"]
    after = patch_alice(mgmt, alice_token, {"user_metadata": {"x": 1}}).json()["updated_at"]
    assert after > before


def test_patch_with_create_scope_only(mgmt):
    token = mgmt.access_token(scopes=["create:current_user_metadata"])
    assert patch_alice(mgmt, token, {"user_metadata": {"x": 1}}).status_code == 200


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"name": "Mallory"}, "update:users"),
        ({"email": "m@example.com", "user_metadata": {}}, "update:users"),
        ({"password": "hunter2"}, "update:users"),
        ({"blocked": False}, "update:users"),
        ({"app_metadata": {"plan": "free"}}, "update:users,update:users_app_metadata"),
    ],
)
def test_patch_root_attributes_needs_other_scopes(mgmt, alice_token, body, expected):
    response = patch_alice(mgmt, alice_token, body)
    assert response.status_code == 403
    assert response.json()["message"] == f"Insufficient scope, expected any of: {expected}"
    assert response.json()["errorCode"] == "insufficient_scope"
    assert get_alice(mgmt, alice_token).json()["app_metadata"] == {"plan": "pro"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Payload validation error: 'Too few properties defined (0), minimum 1'."),
        ({"user_metadata": "dark"}, "Payload validation error: 'Expected type object but"
         " found type string' on property user_metadata."),
        ({"user_metadata": None}, "Payload validation error: 'Expected type object but"
         " found type null' on property user_metadata."),
        ([1], "Payload validation error: 'Expected type object but found type array'."),
    ],
)
def test_patch_invalid_bodies(mgmt, alice_token, body, message):
    response = patch_alice(mgmt, alice_token, body)
    assert response.status_code == 400
    assert response.json() == {"statusCode": 400, "error": "Bad Request", "message": message,
                               "errorCode": "invalid_body"}


def test_patch_malformed_json(mgmt, alice_token):
    response = patch_alice(mgmt, alice_token, data=b"{nope",
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["message"] == "Invalid request payload JSON format"


@pytest.mark.parametrize("key", ["a.b", "$set", "ok"])
def test_patch_key_names(mgmt, alice_token, key):
    for metadata in ({key: 1}, {"nested": {key: 1}}):
        response = patch_alice(mgmt, alice_token, {"user_metadata": metadata})
        if key == "ok":
            assert response.status_code == 200
        else:
            assert response.status_code == 400
            assert response.json()["errorCode"] == "invalid_body"
            assert key in response.json()["message"]


def test_patch_profile_size_budget(mgmt, alice_token):
    assert patch_alice(mgmt, alice_token, {"user_metadata": {"notes": "x" * 8000}}).ok
    response = patch_alice(mgmt, alice_token, {"user_metadata": {"more": "y" * 3000}})
    assert response.status_code == 400
    assert response.json()["errorCode"] == "invalid_body"
    # Nothing of the rejected write was kept.
    assert "more" not in get_alice(mgmt, alice_token).json()["user_metadata"]


def test_bob_edits_only_his_own_metadata(mgmt):
    bob = mgmt.access_token(sub=BOB_ID)
    response = mgmt.call("PATCH", user_path(BOB_ID), bob, json={"user_metadata": {"a": 1}})
    assert response.json()["user_metadata"] == {"a": 1}
    assert get_alice(mgmt, mgmt.access_token()).json()["user_metadata"] == ALICE_METADATA


def test_patch_body_too_large(mgmt, alice_token):
    response = patch_alice(mgmt, alice_token, {"user_metadata": {"x": "y" * 1024 * 1024}})
    assert response.status_code == 413
    assert response.json()["message"] == (
        "Payload content length greater than maximum allowed: 1048576")
