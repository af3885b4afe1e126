"""The tenant's RS256 signing keys, persisted as PEM files in one folder.

Contract: `KeyRing(keys_dir)` creates a first key when the folder is empty. Exactly one
key (the active one) signs; `jwks()` publishes every key in the ring, so tokens signed
before a `rotate()` keep verifying. The ring is re-read when its manifest changes on
disk, so `selfserve rotate-keys` takes effect in a running tenant too.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

ALGORITHM = "RS256"
_KEY_SIZE = 2048
_MANIFEST = "keyring.json"


def b64url(data: bytes) -> str:
    """base64url without padding, as JOSE writes binary values."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_uint(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    @property
    def public_pem(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def jwk(self) -> dict[str, Any]:
        numbers = self.private_key.public_key().public_numbers()
        der = self.certificate.public_bytes(serialization.Encoding.DER)
        return {
            "kty": "RSA",
            "use": "sig",
            "alg": ALGORITHM,
            "n": _b64url_uint(numbers.n),
            "e": _b64url_uint(numbers.e),
            "kid": self.kid,
            "x5c": [base64.b64encode(der).decode("ascii")],
            # x5t is the SHA-1 thumbprint of the certificate, as Auth0 publishes it.
            "x5t": b64url(hashlib.sha1(der).digest()),  # noqa: S324 - a thumbprint, not security
        }


def generate_signing_key(kid: str | None = None) -> SigningKey:
    """A fresh RSA 2048 key with a self-signed certificate (not stored anywhere)."""
    kid = kid or secrets.token_urlsafe(18)
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=_KEY_SIZE)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "selfserve local tenant")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .sign(private_key, hashes.SHA256())
    )
    return SigningKey(kid, private_key, certificate)


class KeyRing:
    """RS256 keys in `keys_dir`: `<kid>.key.pem`, `<kid>.cert.pem` and `keyring.json`."""

    def __init__(self, keys_dir: str | Path) -> None:
        self.keys_dir = Path(keys_dir)
        self._lock = threading.RLock()
        self._keys: dict[str, SigningKey] = {}
        self._order: list[str] = []
        self._manifest_stamp: tuple[int, int] | None = None
        with self._lock:
            self.keys_dir.mkdir(parents=True, exist_ok=True)
            if not (self.keys_dir / _MANIFEST).exists():
                self._store(generate_signing_key(), [])
            self._reload_if_changed()

    # -- public contract ---------------------------------------------------------

    @property
    def active_kid(self) -> str:
        with self._lock:
            self._reload_if_changed()
            return self._order[-1]

    @property
    def kids(self) -> list[str]:
        """Every published kid, oldest first (the last one signs)."""
        with self._lock:
            self._reload_if_changed()
            return list(self._order)

    def active_key(self) -> SigningKey:
        with self._lock:
            self._reload_if_changed()
            return self._keys[self._order[-1]]

    def previous_key(self) -> SigningKey | None:
        """The key that signed before the last rotation, if any."""
        with self._lock:
            self._reload_if_changed()
            return self._keys[self._order[-2]] if len(self._order) > 1 else None

    def sign(self, claims: dict[str, Any], headers: dict[str, Any] | None = None) -> str:
        """Sign `claims` with RS256 and the active key; the header carries its kid."""
        key = self.active_key()
        header = {**(headers or {}), "kid": key.kid}
        return jwt.encode(claims, key.private_key, algorithm=ALGORITHM, headers=header)

    def jwks(self) -> dict[str, list[dict[str, Any]]]:
        with self._lock:
            self._reload_if_changed()
            return {"keys": [self._keys[kid].jwk() for kid in self._order]}

    def public_key(self, kid: str) -> rsa.RSAPublicKey | None:
        """The public key published under `kid`, or None."""
        with self._lock:
            self._reload_if_changed()
            key = self._keys.get(kid)
            return None if key is None else key.private_key.public_key()

    def rotate(self) -> str:
        """Publish a new key beside the old ones and sign with it from now on; its kid."""
        with self._lock:
            self._reload_if_changed()
            new = generate_signing_key()
            self._store(new, self._order)
            self._reload_if_changed()
            return new.kid

    # -- storage -----------------------------------------------------------------

    def _store(self, key: SigningKey, order: list[str]) -> None:
        private_pem = key.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        key_path = self.keys_dir / f"{key.kid}.key.pem"
        # The private key is readable by its owner only, from the moment it exists.
        fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(private_pem)
        (self.keys_dir / f"{key.kid}.cert.pem").write_bytes(
            key.certificate.public_bytes(serialization.Encoding.PEM)
        )
        # Write-then-rename: a reader never sees a half-written manifest.
        manifest = self.keys_dir / _MANIFEST
        tmp = manifest.with_suffix(".tmp")
        tmp.write_text(json.dumps({"kids": [*order, key.kid]}, indent=2))
        tmp.replace(manifest)

    def _reload_if_changed(self) -> None:
        stat = (self.keys_dir / _MANIFEST).stat()
        stamp = (stat.st_mtime_ns, stat.st_ino)
        if stamp == self._manifest_stamp:
            return
        order = json.loads((self.keys_dir / _MANIFEST).read_text())["kids"]
        keys = {}
        for kid in order:
            keys[kid] = self._keys.get(kid) or self._load(kid)
        self._keys, self._order, self._manifest_stamp = keys, order, stamp

    def _load(self, kid: str) -> SigningKey:
        private_key = serialization.load_pem_private_key(
            (self.keys_dir / f"{kid}.key.pem").read_bytes(), password=None
        )
        if not isinstance(private_key, rsa.RSAPrivateKey):
            raise ValueError(f"key {kid} in {self.keys_dir} is not an RSA key")
        certificate = x509.load_pem_x509_certificate(
            (self.keys_dir / f"{kid}.cert.pem").read_bytes()
        )
        return SigningKey(kid, private_key, certificate)
