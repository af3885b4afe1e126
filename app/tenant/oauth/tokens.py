"""The JWTs the tenant issues: access tokens, ID tokens, logout tokens (Auth0's claims).

Contract: every token is signed by `sign()`, which signs RS256 with the active key
unless a test tweak (`app.tenant.testing`) is armed for that kind of token.
- Access token: `iss, sub, aud, azp, iat, exp, scope`; `aud` is the API audience, or an
  array with `{issuer}userinfo` added when `openid` was granted; with no API audience it
  is `{issuer}userinfo` alone.
- ID token: `iss, sub, aud (client id), iat, exp, sid, auth_time`, `nonce` when given,
  `at_hash` when an access token travels with it (implicit), and the profile/email claims
  the granted scope covers.
- Logout token: `iss, aud, iat, exp (+120 s), jti, sub, sid, events`; never a nonce.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any

from app.tenant import directory, testing
from app.tenant.context import current_tenant
from app.tenant.db import get_db
from app.tenant.keys import b64url
from app.tenant.oauth.scopes import has_scope
from app.tenant.oauth.store import EndUser

BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
LOGOUT_TOKEN_TTL = 120

_PROFILE_CLAIMS = ("name", "nickname", "picture", "updated_at", "given_name", "family_name")
_EMAIL_CLAIMS = ("email", "email_verified")


def sign(kind: str, claims: dict[str, Any]) -> str:
    """Sign a token of `kind` ("id_token", "access_token", "logout_token")."""
    tenant = current_tenant()
    tweak = testing.take_tweak(kind) if tenant.testing else None
    if tweak is None:
        return tenant.keys.sign(claims)
    return testing.sign_with(tweak.sign, tweak.apply(claims))


def at_hash(access_token: str) -> str:
    """OIDC's at_hash for RS256: the left half of SHA-256, base64url without padding."""
    digest = hashlib.sha256(access_token.encode("ascii")).digest()
    return b64url(digest[: len(digest) // 2])


def access_token(client_id: str, user_id: str, scope: str, audience: str | None) -> str:
    tenant = current_tenant()
    now = int(time.time())
    if audience is None:
        aud: str | list[str] = tenant.userinfo_audience
    elif has_scope(scope, "openid"):
        aud = [audience, tenant.userinfo_audience]
    else:
        aud = audience
    claims = {
        "iss": tenant.issuer,
        "sub": user_id,
        "aud": aud,
        "iat": now,
        "exp": now + tenant.settings.access_token_ttl,
        "scope": scope,
        "azp": client_id,
    }
    return sign("access_token", claims)


def user_claims(user_id: str, scope: str) -> dict[str, Any]:
    """The profile and email claims of the user that `scope` covers (as /userinfo has them)."""
    profile = directory.profile_claims(get_db(), user_id) or {}
    names: tuple[str, ...] = ()
    if has_scope(scope, "profile"):
        names += _PROFILE_CLAIMS
    if has_scope(scope, "email"):
        names += _EMAIL_CLAIMS
    return {name: profile[name] for name in names if profile.get(name) is not None}


def id_token(
    client_id: str,
    user: EndUser,
    scope: str,
    *,
    nonce: str | None = None,
    with_access_token: str | None = None,
) -> str:
    tenant = current_tenant()
    now = int(time.time())
    claims: dict[str, Any] = {
        **user_claims(user.user_id, scope),
        "iss": tenant.issuer,
        "sub": user.user_id,
        "aud": client_id,
        "iat": now,
        "exp": now + tenant.settings.id_token_ttl,
        "sid": user.sid,
        "auth_time": user.auth_time,
    }
    if nonce:
        claims["nonce"] = nonce
    if with_access_token:
        claims["at_hash"] = at_hash(with_access_token)
    return sign("id_token", claims)


def logout_token(client_id: str, user_id: str, sid: str) -> str:
    tenant = current_tenant()
    now = int(time.time())
    claims = {
        "iss": tenant.issuer,
        "aud": client_id,
        "iat": now,
        "exp": now + LOGOUT_TOKEN_TTL,
        "jti": secrets.token_urlsafe(16),
        "sub": user_id,
        "sid": sid,
        "events": {BACKCHANNEL_LOGOUT_EVENT: {}},
    }
    return sign("logout_token", claims)
