"""Validation of the ID, access and logout tokens the tenant issues (PyJWT, cached JWKS).

Contract: each `TokenValidator` method returns the validated claims or raises
`InvalidToken` (a message safe to log and show: never the token itself). Rules:

- The algorithm is pinned to RS256; the token's `alg` header is never trusted.
- The key is chosen by `kid` from the tenant's JWKS (one refetch on a miss, see
  `jwks.py`); a token without `kid` is accepted only while one key is published.
  `from_token_endpoint` says who brought the token, which decides how readily an
  unknown `kid` refetches the JWKS: True (the default) for tokens the BFF fetched
  itself from the tenant's token endpoint (code exchange, `refresh.py`), False for
  tokens posted to us (the implicit flow's form_post). Logout tokens are always
  posted to us.
- `iss` exact, `exp` and `iat` required, with one named `LEEWAY` for clock skew.
- ID token: `aud` contains the client id, `azp` is the client id when present (and
  required when `aud` has several values), `sub`, `nonce`, `at_hash` when asked
  (implicit flow), `auth_time` when `max_age` was sent.
- Access token: `aud` contains the Management API audience, `sub` equals the ID
  token's, `azp` is the client id, `scope` a string (fewer scopes than asked for is
  not an error: the UI shows which features are unavailable).
- Logout token: `aud` contains the client id, `jti`, the back-channel `events`
  member, no `nonce`, `sid` and/or `sub`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from typing import Any

import jwt

from .jwks import JwksCache, JwksUnavailable, UnknownKey

#: Seconds of clock skew tolerated on exp, iat and auth_time. The only leeway used.
LEEWAY = 60
ALGORITHMS = ["RS256"]
BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
#: A logout token older than this (by `iat`) is refused even if `exp` allows more.
LOGOUT_TOKEN_MAX_AGE = 5 * 60


class InvalidToken(Exception):
    """A token failed validation; the message says which check, never the token."""


class TokenValidator:
    def __init__(self, *, issuer: str, client_id: str, api_audience: str, jwks: JwksCache) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self.api_audience = api_audience
        self.jwks = jwks

    def id_token(
        self,
        raw: str,
        *,
        nonce: str,
        access_token_for_at_hash: str | None = None,
        max_age: int | None = None,
        from_token_endpoint: bool = True,
    ) -> dict[str, Any]:
        """Validate an ID token; `access_token_for_at_hash` makes `at_hash` mandatory."""
        claims = self._decode(
            raw, audience=self.client_id, what="ID token", trusted=from_token_endpoint
        )
        self._check_azp(claims, "ID token")
        if not isinstance(claims.get("nonce"), str) or not hmac.compare_digest(
            claims["nonce"], nonce
        ):
            raise InvalidToken("ID token: nonce is missing or does not match this sign-in")
        if access_token_for_at_hash is not None:
            expected = at_hash(access_token_for_at_hash)
            if not isinstance(claims.get("at_hash"), str) or not hmac.compare_digest(
                claims["at_hash"], expected
            ):
                raise InvalidToken(
                    "ID token: at_hash is missing or does not match the access token"
                )
        if max_age is not None:
            auth_time = claims.get("auth_time")
            if not isinstance(auth_time, int | float) or isinstance(auth_time, bool):
                raise InvalidToken("ID token: auth_time is missing although max_age was sent")
            if time.time() > auth_time + max_age + LEEWAY:
                raise InvalidToken("ID token: the authentication is older than max_age allows")
        return claims

    def access_token(
        self, raw: str, *, sub: str, from_token_endpoint: bool = True,
        audience: str | None = None,
    ) -> dict[str, Any]:
        """Validate an access token issued to this client for user `sub`, for the
        Management API or, with `audience`, for another of the tenant's APIs (My Account)."""
        claims = self._decode(
            raw, audience=audience or self.api_audience, what="access token",
            trusted=from_token_endpoint,
        )
        if claims["sub"] != sub:
            raise InvalidToken("access token: sub differs from the ID token's")
        if claims.get("azp") != self.client_id:
            raise InvalidToken("access token: azp is not this application's client id")
        if not isinstance(claims.get("scope", ""), str):
            raise InvalidToken("access token: scope is not a string")
        return claims

    def logout_token(self, raw: str) -> dict[str, Any]:
        """Validate a back-channel logout token (replay of `jti` is the caller's check)."""
        claims = self._decode(
            raw, audience=self.client_id, what="logout token", sub=False, trusted=False
        )
        if "nonce" in claims:
            raise InvalidToken("logout token: must not carry a nonce")
        events = claims.get("events")
        if not isinstance(events, dict) or not isinstance(events.get(BACKCHANNEL_EVENT), dict):
            raise InvalidToken("logout token: events lacks the back-channel logout event")
        if not isinstance(claims.get("jti"), str) or not claims["jti"]:
            raise InvalidToken("logout token: jti is missing")
        if not any(isinstance(claims.get(c), str) and claims[c] for c in ("sid", "sub")):
            raise InvalidToken("logout token: neither sid nor sub")
        if time.time() - claims["iat"] > LOGOUT_TOKEN_MAX_AGE + LEEWAY:
            raise InvalidToken("logout token: issued too long ago")
        return claims

    def _decode(
        self, raw: str, *, audience: str, what: str, trusted: bool, sub: bool = True
    ) -> dict[str, Any]:
        if not isinstance(raw, str) or not raw:
            raise InvalidToken(f"{what}: missing")
        try:
            header = unverified_segment(raw, 0)
        except ValueError as error:
            raise InvalidToken(f"{what}: not a JWT ({error})") from None
        if header.get("alg") not in ALGORITHMS:
            raise InvalidToken(f"{what}: algorithm {header.get('alg')!r} is not allowed")
        kid = header.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise InvalidToken(f"{what}: kid is not a string")
        try:
            key = self.jwks.key_for(kid, trusted=trusted)
        except UnknownKey:
            raise InvalidToken(f"{what}: signed by a key the tenant does not publish") from None
        except JwksUnavailable as error:
            raise InvalidToken(f"{what}: cannot be verified now ({error})") from None
        required = ["iss", "aud", "exp", "iat"] + (["sub"] if sub else [])
        try:
            claims = jwt.decode(
                raw,
                key,
                algorithms=ALGORITHMS,
                audience=audience,
                issuer=self.issuer,
                leeway=LEEWAY,
                options={"require": required, "strict_aud": False},
            )
        except jwt.PyJWTError as error:
            raise InvalidToken(f"{what}: {error}") from None
        if sub and (not isinstance(claims.get("sub"), str) or not claims["sub"]):
            raise InvalidToken(f"{what}: sub is missing or not a string")
        if "sub" in claims and not isinstance(claims["sub"], str):
            raise InvalidToken(f"{what}: sub is not a string")
        return claims

    def _check_azp(self, claims: dict[str, Any], what: str) -> None:
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if "azp" in claims or len(audiences) > 1:
            if claims.get("azp") != self.client_id:
                raise InvalidToken(f"{what}: azp is not this application's client id")


def at_hash(access_token: str) -> str:
    """OIDC `at_hash` for RS256: base64url of the left half of SHA-256 of the token."""
    digest = hashlib.sha256(access_token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode()


def unverified_segment(raw: str, index: int) -> dict[str, Any]:
    """The JSON object in segment `index` (0 header, 1 payload) of a compact JWT, unverified.

    Only for choosing a key or reading a claim of a token validated before: it checks
    nothing. PyJWT's `get_unverified_header` decodes all three segments through a
    per-byte Python check, which doubled the cost of a validation (see bench/README.md).
    Raises ValueError when the segment is not base64url JSON of an object.
    """
    parts = raw.split(".")
    if len(parts) != 3:
        raise ValueError("not three dot-separated segments")
    segment = parts[index]
    try:
        value = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"segment {index} is not base64url JSON") from error
    except RecursionError:
        # Anyone can post a token (back-channel logout): nesting too deep to parse is
        # a malformed token, not a server error.
        raise ValueError(f"segment {index} is nested too deeply") from None
    if not isinstance(value, dict):
        raise ValueError(f"segment {index} is not a JSON object")
    return value
