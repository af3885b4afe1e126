"""Device keys: input validation and the BFF's own registry of the keys it registered.

The tenant offers no self-service listing of device credentials (that needs
`read:device_credentials`), so the BFF remembers, per user, the credentials it
created: `{"id", "device_name", "device_id", "created_at"}`, kept in the shared
`KeyValueStore` under `registry:devices:{u:<hash>}`, a key space of its own that never
expires (it survives sign-out and works across workers).

Contract: `parse_registration(body)` returns `(fields, errors)`; `fields["value"]` is
the public key as base64 of its DER SubjectPublicKeyInfo, the form the Management API
takes. `DeviceRegistry` reads and changes one user's list under a lock.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from .store import KeyValueStore, user_key

DEVICE_ID = re.compile(r"[-A-Fa-f0-9]{1,36}")  # fullmatch: `$` would let a final "\n" in
MAX_DEVICE_NAME = 100
MAX_PUBLIC_KEY_CHARS = 8192


def _load_public_key(text: str) -> bytes:
    """DER SPKI bytes of a PEM or base64-DER public key; ValueError if it is not one."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_public_key(text.encode("ascii"))
    else:
        try:
            der = base64.b64decode("".join(text.split()), validate=True)
        except binascii.Error as exc:
            raise ValueError("not base64") from exc
        key = serialization.load_der_public_key(der)
    if not isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey):
        raise ValueError("unsupported key type")
    return key.public_bytes(serialization.Encoding.DER,
                            serialization.PublicFormat.SubjectPublicKeyInfo)


def parse_registration(body: Any) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Validate `{"device_name", "device_id", "public_key"}`; errors name the field."""
    if not isinstance(body, dict):
        return {}, [{"path": "", "message": "The body must be a JSON object."}]
    errors: list[dict[str, str]] = []
    unknown = sorted(set(body) - {"device_name", "device_id", "public_key"})
    for key in unknown:
        errors.append({"path": f"/{key}", "message": "Unknown field."})
    name = body.get("device_name")
    if not isinstance(name, str) or not name.strip():
        errors.append({"path": "/device_name", "message": "Give the device a name."})
    elif len(name) > MAX_DEVICE_NAME or not name.isprintable():
        # Not printable: control characters, and format characters such as bidi
        # overrides that would make the device list show another name than stored.
        errors.append({"path": "/device_name", "message":
                       f"Use at most {MAX_DEVICE_NAME} printable characters."})
    device_id = body.get("device_id")
    if not isinstance(device_id, str) or not DEVICE_ID.fullmatch(device_id):
        errors.append({"path": "/device_id", "message":
                       "Use 1 to 36 hexadecimal digits and dashes (e.g. a UUID)."})
    public_key = body.get("public_key")
    der = b""
    if not isinstance(public_key, str) or not public_key.strip():
        errors.append({"path": "/public_key", "message": "Paste the device's public key."})
    elif len(public_key) > MAX_PUBLIC_KEY_CHARS:
        errors.append({"path": "/public_key", "message": "This key is too long."})
    else:
        try:
            der = _load_public_key(public_key)
        except (ValueError, TypeError):
            errors.append({"path": "/public_key", "message":
                           "Not a public key: give an RSA, EC or Ed25519 key as PEM"
                           " (-----BEGIN PUBLIC KEY-----) or base64 of its DER form."})
    if errors:
        return {}, errors
    fields = {
        "device_name": name.strip(),
        "device_id": device_id,
        "value": base64.b64encode(der).decode("ascii"),
    }
    return fields, []


class DeviceRegistry:
    """The device credentials this BFF registered for one user."""

    def __init__(self, store: KeyValueStore, user_id: str) -> None:
        self._store = store
        self._key = user_key("registry:devices", user_id)

    def list(self) -> list[dict[str, str]]:
        return list(self._store.get(self._key) or [])

    def find(self, credential_id: str) -> dict[str, str] | None:
        return next((d for d in self.list() if d["id"] == credential_id), None)

    def find_device(self, device_id: str) -> dict[str, str] | None:
        return next((d for d in self.list() if d["device_id"].lower() == device_id.lower()),
                    None)

    @contextmanager
    def locked(self, ttl: float) -> Iterator[DeviceRegistry]:
        """Hold the user's registry while a tenant call (lasting at most `ttl` seconds)
        and the record change happen."""
        with self._store.lock(self._key, ttl=ttl, wait=10):
            yield self

    def add(self, credential_id: str, device_name: str, device_id: str) -> dict[str, str]:
        record = {
            "id": credential_id,
            "device_name": device_name,
            "device_id": device_id,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        }
        self._store.set(self._key, [*self.list(), record])
        return record

    def remove(self, credential_id: str) -> None:
        self._store.set(self._key, [d for d in self.list() if d["id"] != credential_id])
