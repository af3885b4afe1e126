"""Bearer tokens of the My Account API: audience `{issuer}me/`, the `me:` scopes, a user.

Contract: `me()` returns the request's `Me` (the user, the client, the scopes) or raises
401 (no token, a token this tenant did not sign for this audience, or a user that no
longer exists); `require(me, scope)` raises 403 without the scope. Only user tokens
exist for this audience (the tenant has no client credentials grant), and /authorize
issues them only to first-party clients with a client grant (`app.tenant.oauth`).
"""

from __future__ import annotations

from dataclasses import dataclass

import jwt
from flask import g, request

from app.tenant import apis, directory
from app.tenant.context import current_tenant
from app.tenant.db import get_db
from app.tenant.myaccount.errors import MyAccountError


@dataclass(frozen=True)
class Me:
    user_id: str
    client_id: str | None
    scopes: frozenset[str]


def me() -> Me:
    if "myaccount_me" in g:
        return g.myaccount_me
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if not token.strip() or scheme.lower() != "bearer":
        raise MyAccountError(401, "missing_authentication", "Missing authentication",
                             headers={"WWW-Authenticate": "Bearer"})
    try:
        claims = current_tenant().verify_access_token(token.strip(),
                                                      audience=apis.my_account_audience())
    except jwt.InvalidTokenError as error:
        raise MyAccountError(401, "invalid_token", "Invalid token",
                             headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) \
            from error
    if not isinstance(claims.get("sub"), str) or not directory.user_exists(get_db(),
                                                                          claims["sub"]):
        raise MyAccountError(401, "invalid_token", "The user does not exist",
                             headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    scope = claims.get("scope")
    azp = claims.get("azp")
    g.myaccount_me = Me(claims["sub"], azp if isinstance(azp, str) else None,
                        frozenset(scope.split()) if isinstance(scope, str) else frozenset())
    return g.myaccount_me


def require(who: Me, scope: str) -> None:
    if scope not in who.scopes:
        raise MyAccountError(403, "insufficient_scope",
                             f"Insufficient scope; expected any of: {scope}")
