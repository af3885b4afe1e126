"""Signing tokens in chosen (mostly wrong) ways, for relying-party tests.

Contract: `sign_with(mode, claims, header)` signs as `mode` (one of `SIGN_MODES`) says,
raising `HookInputError` for an unknown mode or one the key ring cannot serve.
`tweaking_signer(app)` is the tenant's token signer while test hooks are on: a token of
a kind with an armed tweak gets its claims changed and is signed the tweak's way; any
other token is signed normally.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from typing import Any

import jwt
from flask import Flask

from app.tenant.context import current_tenant
from app.tenant.keys import ALGORITHM, b64url
from app.tenant.runtime import TokenSigner
from app.tenant.testing.inputs import HookInputError
from app.tenant.testing.state import SIGN_MODES, test_state


def sign_with(mode: str, claims: dict[str, Any], header: dict[str, Any] | None = None) -> str:
    """Sign `claims` the way `mode` (one of SIGN_MODES) says (inside a request)."""
    tenant = current_tenant()
    header = dict(header or {})
    if mode == "current":
        return tenant.keys.sign(claims, header)
    active_kid_header = {**header, "kid": tenant.keys.active_kid}
    if mode == "rogue":
        # A valid-looking token claiming the active kid, signed by a key nobody publishes.
        return jwt.encode(claims, test_state().rogue_key(), ALGORITHM, headers=active_kid_header)
    if mode == "unknown_kid":
        kid = "unknown-" + secrets.token_urlsafe(12)
        return jwt.encode(claims, test_state().rogue_key(), ALGORITHM,
                          headers={**header, "kid": kid})
    if mode == "none":
        return jwt.encode(claims, None, "none", headers=active_kid_header)
    if mode == "hs256_pubkey":
        # PyJWT refuses to HMAC with a PEM key (the very attack this mimics): sign by hand.
        key = tenant.keys.active_key()
        head = {"alg": "HS256", "typ": "JWT", **header, "kid": key.kid}
        signing_input = ".".join(
            b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (head, claims)
        )
        mac = hmac.new(key.public_pem, signing_input.encode("ascii"), hashlib.sha256).digest()
        return f"{signing_input}.{b64url(mac)}"
    if mode == "no_kid":
        header.pop("kid", None)
        return jwt.encode(claims, tenant.keys.active_key().private_key, ALGORITHM, headers=header)
    if mode == "previous":
        previous = tenant.keys.previous_key()
        if previous is None:
            raise HookInputError("sign=previous needs a rotated key ring: rotate the keys first")
        return jwt.encode(claims, previous.private_key, ALGORITHM,
                          headers={**header, "kid": previous.kid})
    raise HookInputError(f"sign must be one of {', '.join(SIGN_MODES)}")


def tweaking_signer(app: Flask) -> TokenSigner:
    """The token signer of a tenant with test hooks on."""
    keys = app.extensions["tenant"].keys

    def sign(kind: str, claims: dict[str, Any]) -> str:
        tweak = test_state(app).take_tweak(kind)
        if tweak is None:
            return keys.sign(claims)
        return sign_with(tweak.sign, tweak.apply(claims))

    return sign
