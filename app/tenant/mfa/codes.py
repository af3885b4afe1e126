"""One-time codes: TOTP (RFC 6238 through pyotp), codes sent by e-mail or SMS, recovery codes.

Contract: `totp_matches(secret, code)` accepts the current 30-second step and one step
either side (clock skew between a phone and the tenant), as authenticator apps expect.
Codes sent to the outbox are 6 digits; recovery codes 24 characters of A-Z and 0-9
(Auth0's length), compared case-insensitively.
"""

from __future__ import annotations

import hmac
import secrets
import string

import pyotp

#: Steps of 30 s accepted either side of now.
TOTP_VALID_WINDOW = 1
_RECOVERY_ALPHABET = string.ascii_uppercase + string.digits


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, account: str, issuer: str) -> str:
    """The `otpauth://totp/...` URI an authenticator app scans (Auth0's `barcode_uri`)."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def totp_matches(secret: str, code: str) -> bool:
    code = code.strip()
    if not (code.isdigit() and len(code) == 6):
        return False
    return pyotp.TOTP(secret).verify(code, valid_window=TOTP_VALID_WINDOW)


def new_otp() -> str:
    """A 6-digit code for the outbox (e-mail, SMS)."""
    return f"{secrets.randbelow(10**6):06d}"


def otp_matches(expected: str, code: str) -> bool:
    return hmac.compare_digest(expected.encode(), code.strip().encode())


def new_recovery_code() -> str:
    return "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(24))

