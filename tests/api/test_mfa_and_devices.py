"""MFA enrollments and device keys through the JSON API, checked in the tenant's store."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from app.tenant.db import connect
from app.tenant.directory import credentials_of
from tests.api.conftest import ALICE_ID, BOB_ID


def test_enrollments_and_removal(api, hooks):
    response = api.get("/api/me/enrollments")
    assert response.status_code == 200
    enrollments = response.json()["enrollments"]
    assert [e["status"] for e in enrollments] == ["confirmed"]
    assert "google-authenticator" in hooks.user(ALICE_ID)["multifactor"]

    assert api.delete("/api/me/multifactor/google-authenticator").status_code == 204
    assert api.get("/api/me/enrollments").json() == {"enrollments": []}
    assert "multifactor" not in hooks.user(ALICE_ID)


def test_unknown_mfa_provider_is_400(api, hooks):
    response = api.delete("/api/me/multifactor/sms")
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_provider"
    assert "google-authenticator" in hooks.user(ALICE_ID)["multifactor"]


def public_key_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


@pytest.fixture
def stored_credentials(tenant):
    def read(user_id: str = ALICE_ID) -> list[dict]:
        conn = connect(tenant.data_dir / "tenant.sqlite3")
        try:
            return credentials_of(conn, user_id)
        finally:
            conn.close()

    return read


def test_register_list_and_revoke_a_device_key(api, stored_credentials, new_api):
    assert api.get("/api/me/device-credentials").json() == {"device_credentials": []}
    pem = public_key_pem()
    created = api.post("/api/me/device-credentials", json={
        "device_name": "Work laptop", "device_id": "0f1e2d3c-aaaa", "public_key": pem})
    assert created.status_code == 201
    record = created.json()
    assert record["id"].startswith("dcr_")
    assert record["device_name"] == "Work laptop"
    [stored] = stored_credentials()
    assert stored["id"] == record["id"]

    # The registry outlives the session: a new sign-in sees the same list.
    again = new_api()
    assert again.get("/api/me/device-credentials").json() == {"device_credentials": [record]}

    duplicate = api.post("/api/me/device-credentials", json={
        "device_name": "Again", "device_id": "0F1E2D3C-AAAA", "public_key": pem})
    assert duplicate.status_code == 409
    assert duplicate.json()["code"] == "device_exists"
    assert len(stored_credentials()) == 1

    assert api.delete(f"/api/me/device-credentials/{record['id']}").status_code == 204
    assert stored_credentials() == []
    assert api.get("/api/me/device-credentials").json() == {"device_credentials": []}
    gone = api.delete(f"/api/me/device-credentials/{record['id']}")
    assert gone.status_code == 404 and gone.json()["code"] == "device_not_found"


def test_base64_der_keys_are_accepted(api, stored_credentials):
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    der = key.public_bytes(serialization.Encoding.DER,
                           serialization.PublicFormat.SubjectPublicKeyInfo)
    created = api.post("/api/me/device-credentials", json={
        "device_name": "Phone", "device_id": "abc", "public_key": base64.b64encode(der).decode()})
    assert created.status_code == 201
    assert len(stored_credentials()) == 1


def test_bad_registrations_name_the_field(api, stored_credentials):
    response = api.post("/api/me/device-credentials", json={
        "device_name": "", "device_id": "not-hex!", "public_key": "hello"})
    assert response.status_code == 400
    assert [e["path"] for e in response.json()["errors"]] == [
        "/device_name", "/device_id", "/public_key"]
    assert stored_credentials() == []


def test_another_users_credential_cannot_be_revoked(api, new_api, stored_credentials):
    bob = new_api("bob@example.com", "bob-demo-password")
    created = bob.post("/api/me/device-credentials", json={
        "device_name": "Bob's", "device_id": "b0b", "public_key": public_key_pem()})
    assert created.status_code == 201
    bobs_id = created.json()["id"]
    response = api.delete(f"/api/me/device-credentials/{bobs_id}")
    assert response.status_code == 404
    assert response.json()["code"] == "device_not_found"
    assert [c["id"] for c in stored_credentials(BOB_ID)] == [bobs_id]
