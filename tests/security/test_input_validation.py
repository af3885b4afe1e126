"""Inputs of the JSON API that must be refused with a clear error before anything reaches
the tenant: a device id with a trailing newline (a `$` in a regex matches before it), and
device names with invisible control or bidirectional-override characters (the device list
could show a name that reads differently from what was stored)."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def public_key() -> str:
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    der = key.public_bytes(serialization.Encoding.DER,
                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("device_id", "0f1e2d3c\n"),
        ("device_id", "0f1e2d3c\r\n"),
        ("device_name", "Laptop\u202egnp.exe"),
        ("device_name", "Phone\x7f"),
        ("device_name", "Tablet\u2066x\u2069"),
        ("device_name", "Desk\u0085top"),
    ],
)
def test_device_registration_refuses_hidden_characters(spa, hooks, field, value):
    bff_url = spa.bff_url
    body = {"device_name": "Laptop", "device_id": "0f1e2d3c", "public_key": public_key(),
            field: value}
    response = spa.post(bff_url + "/api/me/device-credentials", json=body, timeout=10)
    assert response.status_code == 400, response.text
    problem = response.json()
    assert problem["code"] == "invalid_request"
    assert [e["path"] for e in problem["errors"]] == [f"/{field}"]
    listed = spa.get(bff_url + "/api/me/device-credentials", timeout=10).json()
    assert listed["device_credentials"] == []


def test_ordinary_device_names_are_still_accepted(spa, hooks):
    body = {"device_name": "Alice's phone (Pixel 8) \u2013 \u00e9t\u00e9 \U0001f4f1",
            "device_id": "0f1e2d3c-aaaa", "public_key": public_key()}
    response = spa.post(spa.bff_url + "/api/me/device-credentials", json=body,
                            timeout=10)
    assert response.status_code == 201, response.text
    assert response.json()["device_name"] == body["device_name"]
