"""Password hashing for the database connection: scrypt with a per-password salt."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# Interactive-login parameters (RFC 7914 recommends N=2**14, r=8, p=1 for this use).
_N, _R, _P = 2**14, 8, 1
_SCHEME = "scrypt"


def _derive(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)


def hash_password(password: str) -> str:
    """A self-describing hash string `scrypt$<salt b64>$<key b64>`."""
    salt = secrets.token_bytes(16)
    key = _derive(password, salt)
    return "$".join(
        (_SCHEME, base64.b64encode(salt).decode(), base64.b64encode(key).decode())
    )


def verify_password(password: str, stored: str) -> bool:
    """True when `password` matches `stored` (constant-time comparison)."""
    scheme, salt_b64, key_b64 = stored.split("$")
    if scheme != _SCHEME:
        raise ValueError(f"unknown password hash scheme {scheme!r}")
    key = _derive(password, base64.b64decode(salt_b64))
    return hmac.compare_digest(key, base64.b64decode(key_b64))
