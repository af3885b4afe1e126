"""Issue 4's "done when": alice, with plain requests, does everything the API offers
against the local tenant, and the tenant's state afterwards is exactly what she asked."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from app.tenant.db import connect
from app.tenant.directory import credentials_of
from tests.api.conftest import ALICE_ID
from tests.api.test_identities import sign_in_to_link


def test_alice_manages_her_account(api, hooks, tenant):
    seed = hooks.user(ALICE_ID)

    profile = api.get("/api/me")
    assert profile.json()["email"] == "alice@example.com"

    tag = api.get("/api/me/metadata").headers["ETag"]
    saved = api.patch("/api/me/metadata", json={"language": "pt", "newsletter": None},
                      headers={"If-Match": tag})
    assert saved.status_code == 200
    conflict = api.patch("/api/me/metadata", json={"theme": "light"},
                         headers={"If-Match": tag})
    assert conflict.status_code == 409
    refusal = api.patch("/api/me/metadata", json={"bad.key": 1})
    assert refusal.status_code == 422

    sign_in_to_link(api, "github", "alice-gh")
    assert api.get("/api/me/link").json()["email_matches"] is True
    assert api.post("/api/me/link", json={"copy_metadata": False}).status_code == 201
    github = next(i for i in api.get("/api/me/identities").json()["identities"]
                  if i["provider"] == "github")
    assert api.delete(f"/api/me/identities/github/{github['user_id']}").status_code == 200

    assert api.delete("/api/me/multifactor/google-authenticator").status_code == 204

    key = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    device = api.post("/api/me/device-credentials", json={
        "device_name": "Alice's phone", "device_id": "a1ce", "public_key": key}).json()
    assert api.delete(f"/api/me/device-credentials/{device['id']}").status_code == 204

    final = hooks.user(ALICE_ID)
    expected_metadata = {k: v for k, v in seed["user_metadata"].items() if k != "newsletter"}
    expected_metadata["language"] = "pt"
    assert final["user_metadata"] == expected_metadata
    assert final["app_metadata"] == seed["app_metadata"]
    assert final["identities"] == seed["identities"]
    assert "multifactor" not in final
    assert hooks.user("github|1000001") is not None  # a separate user again
    conn = connect(tenant.data_dir / "tenant.sqlite3")
    try:
        assert credentials_of(conn, ALICE_ID) == []
    finally:
        conn.close()
