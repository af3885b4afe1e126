"""POST /device-credentials and DELETE /device-credentials/{id}."""

from __future__ import annotations

import re

import pytest

from app.tenant.directory import BOB_ID

KEY = {"device_name": "Alice's phone", "type": "public_key",
       "value": "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE", "device_id": "3f2a-99b0-1c"}


def create(mgmt, token, **changes):
    body = {key: value for key, value in {**KEY, **changes}.items() if value is not None}
    return mgmt.call("POST", "/device-credentials", token, json=body)


def test_create_and_delete(mgmt, alice_token):
    response = create(mgmt, alice_token)
    assert response.status_code == 201
    credential_id = response.json()["id"]
    assert re.fullmatch(r"dcr_[0-9a-f]{16}", credential_id)
    deleted = mgmt.call("DELETE", f"/device-credentials/{credential_id}", alice_token)
    assert deleted.status_code == 204
    again = mgmt.call("DELETE", f"/device-credentials/{credential_id}", alice_token)
    assert again.status_code == 404


def test_second_key_for_the_same_device(mgmt, alice_token):
    assert create(mgmt, alice_token).status_code == 201
    response = create(mgmt, alice_token, value="AAAA")
    assert response.status_code == 409
    assert response.json()["message"] == "A public key already exists for the device."
    assert create(mgmt, alice_token, device_id="abcdef").status_code == 201


def test_a_revoked_device_can_register_again(mgmt, alice_token):
    credential_id = create(mgmt, alice_token).json()["id"]
    mgmt.call("DELETE", f"/device-credentials/{credential_id}", alice_token)
    assert create(mgmt, alice_token).status_code == 201


def test_client_id_must_be_the_tokens_client(mgmt, alice_token):
    assert create(mgmt, alice_token, client_id="selfserve-demo-bff").status_code == 201
    response = create(mgmt, alice_token, client_id="someone-else", device_id="ff")
    assert response.status_code == 403
    assert response.json()["message"] == "Cannot create device credentials for that client."


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"device_name": None}, "'Missing required property: device_name'."),
        ({"value": None}, "'Missing required property: value'."),
        ({"device_id": None}, "'Missing required property: device_id'."),
        ({"type": None}, "'Missing required property: type'."),
        ({"type": "refresh_token"}, "'No enum match for: \"refresh_token\"' on property type."),
        ({"device_name": ""}, "'String is too short (0 chars), minimum 1' on property"
         " device_name."),
        ({"device_id": "x" * 3}, "'String does not match pattern ^[-A-Fa-f0-9]+$: xxx' on"
         " property device_id."),
        # The spec's pattern is an ECMAScript regex: `$` does not allow a final newline.
        ({"device_id": "abcd\n"}, "'String does not match pattern ^[-A-Fa-f0-9]+$: abcd\n'"
         " on property device_id."),
        ({"device_id": "a" * 37}, "'String is too long (37 chars), maximum 36' on property"
         " device_id."),
        ({"device_name": 7}, "'Expected type string but found type integer' on property"
         " device_name."),
    ],
)
def test_invalid_bodies(mgmt, alice_token, changes, message):
    response = create(mgmt, alice_token, **changes)
    assert response.status_code == 400
    assert response.json()["message"] == "Payload validation error: " + message
    assert response.json()["errorCode"] == "invalid_body"


def test_value_must_be_base64(mgmt, alice_token):
    response = create(mgmt, alice_token, value="not base64!")
    assert response.status_code == 400
    assert response.json()["errorCode"] == "invalid_body"


def test_only_the_owner_deletes(mgmt, alice_token):
    credential_id = create(mgmt, alice_token).json()["id"]
    bob = mgmt.access_token(sub=BOB_ID)
    response = mgmt.call("DELETE", f"/device-credentials/{credential_id}", bob)
    assert response.status_code == 403
    assert response.json()["errorCode"] == "unowned_resource"
    # Still there: the owner can delete it.
    deleted = mgmt.call("DELETE", f"/device-credentials/{credential_id}", alice_token)
    assert deleted.status_code == 204


def test_each_user_has_own_devices(mgmt, alice_token):
    bob = mgmt.access_token(sub=BOB_ID)
    assert create(mgmt, alice_token).status_code == 201
    assert create(mgmt, bob).status_code == 201
