"""The JWTs the tenant issues: access tokens, ID tokens, logout tokens (Auth0's claims).

Contract: every JWT is signed by `sign()`, which hands it to the tenant's runtime signer
(RS256 with the active key; the test hooks may install one that tweaks tokens).
- Access token for an API audience: a JWT with `iss, sub, aud, azp, iat, exp, scope`;
  `aud` is the API audience, or an array with `{issuer}userinfo` added when `openid` was
  granted. With no audience Auth0 issues an opaque token good only for /userinfo: a
  random string the tenant keeps (`store.save_opaque_token`), never a JWT.
- ID token: `iss, sub, aud (client id), iat, exp, sid, auth_time`, `nonce` when given,
  `at_hash` when an access token travels with it (implicit, hybrid), `c_hash` when a
  code does (hybrid), and the profile/email claims
  the granted scope covers.
- Logout token: `iss, aud, iat, exp (+120 s), jti (a UUID), sub, sid, events`; never a
  nonce.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from typing import Any

from app.tenant import directory
from app.tenant.context import current_tenant
from app.tenant.db import get_db
from app.tenant.keys import b64url
from app.tenant.oauth import store
from app.tenant.oauth.scopes import has_scope
from app.tenant.oauth.store import EndUser
from app.tenant.runtime import current_runtime

BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
LOGOUT_TOKEN_TTL = 120

_PROFILE_CLAIMS = ("name", "nickname", "picture", "updated_at", "given_name", "family_name")
_EMAIL_CLAIMS = ("email", "email_verified")


def sign(kind: str, claims: dict[str, Any]) -> str:
    """Sign a token of `kind` ("id_token", "access_token", "logout_token")."""
    return current_runtime().sign(kind, claims)


def at_hash(value: str) -> str:
    """OIDC's at_hash (or c_hash) for RS256: the left half of SHA-256 of `value`,
    base64url without padding."""
    digest = hashlib.sha256(value.encode("ascii")).digest()
    return b64url(digest[: len(digest) // 2])


def access_token(client_id: str, user_id: str, scope: str, audience: str | None) -> str:
    tenant = current_tenant()
    ttl = current_runtime().settings.access_token_ttl
    if audience is None:
        return store.save_opaque_token(get_db(), store.OpaqueToken(
            client_id=client_id, user_id=user_id, scope=scope), ttl)
    now = int(time.time())
    aud: str | list[str] = [audience, tenant.userinfo_audience] if has_scope(
        scope, "openid") else audience
    claims = {
        "iss": tenant.issuer,
        "sub": user_id,
        "aud": aud,
        "iat": now,
        "exp": now + ttl,
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
    with_code: str | None = None,
) -> str:
    tenant = current_tenant()
    now = int(time.time())
    claims: dict[str, Any] = {
        **user_claims(user.user_id, scope),
        "iss": tenant.issuer,
        "sub": user.user_id,
        "aud": client_id,
        "iat": now,
        "exp": now + current_runtime().settings.id_token_ttl,
        "sid": user.sid,
        "auth_time": user.auth_time,
    }
    if nonce:
        claims["nonce"] = nonce
    if with_access_token:
        claims["at_hash"] = at_hash(with_access_token)
    if with_code:
        claims["c_hash"] = at_hash(with_code)  # the same half hash, over the code
    return sign("id_token", claims)


def logout_token(client_id: str, user_id: str, sid: str) -> str:
    tenant = current_tenant()
    now = int(time.time())
    claims = {
        "iss": tenant.issuer,
        "aud": client_id,
        "iat": now,
        "exp": now + LOGOUT_TOKEN_TTL,
        "jti": str(uuid.uuid4()),
        "sub": user_id,
        "sid": sid,
        "events": {BACKCHANNEL_LOGOUT_EVENT: {}},
    }
    return sign("logout_token", claims)
