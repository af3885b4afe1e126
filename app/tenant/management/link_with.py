"""The `link_with` ID token of POST /users/{id}/identities, checked as Auth0 checks it.

Contract: `secondary_user_id(token, calling_azp)` returns the `sub` of a valid
link_with token or raises a 400 `ApiError` with Auth0's message: RS256 only, signed
by this tenant's keys, same issuer as the caller's token, `aud` equal to the calling
token's `azp`, and a string `sub`.
"""

from __future__ import annotations

import jwt

from app.tenant.context import LEEWAY_SECONDS, current_tenant
from app.tenant.keys import ALGORITHM
from app.tenant.management.errors import ApiError


def _bad(message: str) -> ApiError:
    return ApiError(400, message, "invalid_body")


def secondary_user_id(token: str, calling_azp: str | None) -> str:
    """The user_id the link_with token was issued for."""
    state = current_tenant()
    try:
        alg, key = state.published_key(token)
    except jwt.InvalidTokenError as exc:
        raise _bad("Invalid token (link_with).") from exc
    if alg != ALGORITHM:
        raise _bad("JWT (link_with) must have an alg of RS256.")
    if key is None:
        raise _bad("Invalid token (link_with).")
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            leeway=LEEWAY_SECONDS,
            # Issuer, subject and audience get Auth0's own messages below.
            options={"verify_aud": False, "verify_iss": False, "verify_sub": False,
                     "require": ["exp"]},
        )
    except jwt.InvalidTokenError as exc:
        raise _bad("Invalid token (link_with).") from exc
    if claims.get("iss") != state.issuer:
        raise _bad("JWT (link_with) must have the same issuer as the calling user.")
    if "sub" not in claims:
        raise _bad("JWT (link_with) must contains sub claim.")
    sub = claims["sub"]
    if not isinstance(sub, str) or "|" not in sub:
        raise _bad("JWT (link_with) contains an invalid sub claim.")
    aud = claims.get("aud")
    if not isinstance(aud, str | list) or not aud:
        raise _bad("JWT (link_with) contains an invalid aud claim.")
    audiences = aud if isinstance(aud, list) else [aud]
    if calling_azp is None or calling_azp not in audiences:
        raise _bad(
            "JWT (link_with) must have an aud claim that matches that of the calling token's azp."
        )
    return sub
