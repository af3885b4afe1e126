"""Bearer access tokens of the Management API, and the scope and subject checks.

Contract: `caller()` returns the request's validated `Caller` or raises what Auth0
answers: 400 "Bad HTTP authentication header format" for an empty or non-bearer
Authorization header, 401 for a missing or bad token. `require_scope(caller,
expected)` raises its 403 insufficient_scope unless the token has one of `expected`;
`require_self(caller, user_id)` raises the 403 for a current_user token acting on
another user. Tokens must be RS256 JWTs of this tenant's issuer, signed by a key of
its ring, with the `api/v2/` audience.
"""

from __future__ import annotations

from dataclasses import dataclass

import jwt
from flask import g, request

from app.tenant.context import LEEWAY_SECONDS, current_tenant
from app.tenant.keys import ALGORITHM
from app.tenant.management.errors import (
    ApiError,
    insufficient_scope,
    unauthorized,
    unowned_resource,
)


@dataclass(frozen=True)
class Caller:
    """Who calls: the token's subject, the client it was issued to, and its scopes."""

    sub: str
    azp: str | None
    scopes: frozenset[str]
    token: str


def bearer_token() -> str | None:
    """The raw bearer token of the request, None without an Authorization header; an
    empty or malformed one is Auth0's 400."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(400, "Bad HTTP authentication header format")
    return token.strip()


def _verify(token: str) -> dict:
    state = current_tenant()
    try:
        alg, key = state.published_key(token)
    except jwt.InvalidTokenError as exc:
        raise unauthorized("Invalid token") from exc
    if alg != ALGORITHM or key is None:
        raise unauthorized("Invalid token")
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            issuer=state.issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["iss", "sub", "aud", "exp", "iat"], "verify_aud": False},
        )
    except jwt.ExpiredSignatureError as exc:
        raise unauthorized("Expired token received for JSON Web Token validation") from exc
    except jwt.InvalidSignatureError as exc:
        raise unauthorized("Invalid signature received for JSON Web Token validation.") from exc
    except jwt.InvalidTokenError as exc:
        raise unauthorized("Invalid token") from exc
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if state.audience not in audiences:
        raise unauthorized("Bad audience: " + " ".join(str(aud) for aud in audiences))
    if not isinstance(claims["sub"], str):
        raise unauthorized("Invalid token")
    return claims


def caller() -> Caller:
    """The validated caller of this request (validated once, then kept on `g`)."""
    if "management_caller" in g:
        return g.management_caller
    token = bearer_token()
    if token is None:
        raise ApiError(401, "Missing authentication")
    claims = _verify(token)
    scope = claims.get("scope")
    scopes = frozenset(scope.split()) if isinstance(scope, str) else frozenset()
    azp = claims.get("azp")
    g.management_caller = Caller(
        sub=claims["sub"], azp=azp if isinstance(azp, str) else None, scopes=scopes, token=token
    )
    return g.management_caller


def require_scope(who: Caller, expected: tuple[str, ...], accepted: tuple[str, ...] = ()) -> None:
    """403 insufficient_scope listing `expected` unless the token has one of
    `expected` or `accepted` (scopes Auth0 honours without listing them)."""
    if who.scopes.isdisjoint(expected) and who.scopes.isdisjoint(accepted):
        raise insufficient_scope(expected)


def require_self(who: Caller, user_id: str) -> None:
    """A current_user token acts on its own subject only."""
    if user_id != who.sub:
        raise unowned_resource()
