"""'Download my data': one JSON attachment, valid against its schema in the OpenAPI
document (ApiSession checks every /api/me response with openapi-core), with everything
the page can read about alice and no token, secret or other user's data."""

from __future__ import annotations

import json

from tests.api.conftest import ALICE_ID, BOB_ID
from tests.api.test_mfa_and_devices import public_key_pem
from tests.auth.test_link import start_link


def test_the_export_holds_alice_and_nothing_secret(bff, new_api, tenant, hooks):
    api = new_api()
    bob = new_api("bob@example.com", "bob-demo-password")
    start_link(api, api.bff_url, "github")
    assert api.post("/api/me/link", json={"copy_metadata": False}).status_code == 201
    assert api.post("/api/me/device-credentials", json={
        "device_name": "Laptop", "device_id": "00cc",
        "public_key": public_key_pem()}).status_code == 201
    assert api.patch("/api/me/metadata", json={"colour": "teal"}).status_code == 200

    answer = api.get("/api/me/export")  # validated against the document by ApiSession
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    assert answer.headers["Content-Type"].startswith("application/json")
    data = answer.json()
    assert data["profile"]["user_id"] == ALICE_ID
    assert data["profile"]["user_metadata"]["colour"] == "teal"
    assert "app_metadata" in data["profile"]
    assert {i["provider"] for i in data["profile"]["identities"]} == {"auth0", "github"}
    assert [e["status"] for e in data["enrollments"]] == ["confirmed"]
    assert [d["device_name"] for d in data["device_credentials"]] == ["Laptop"]
    assert [s["current"] for s in data["sessions"]] == [True]
    assert {e["action"] for e in data["activity"]} >= {
        "signed_in", "identity_linked", "device_key_registered", "metadata_saved"}

    text = answer.text
    assert "eyJ" not in text
    secrets = [tenant.bff_client_secret, bff.config["SECRET_KEY"], BOB_ID,
               "bob@example.com", *(c.value for c in api.cookies), *(c.value for c in bob.cookies)]
    for secret in secrets:
        assert secret and secret not in text, secret[:12]
    assert "refresh" not in text and "access_token" not in text
    json.loads(text)  # one JSON document
