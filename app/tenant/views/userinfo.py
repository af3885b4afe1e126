"""GET|POST /userinfo: the signed-in user's claims for a bearer access token.

Contract: the token is either an opaque access token (issued when no audience was asked
for) or one of this tenant's JWT access tokens whose audience includes
`{issuer}userinfo` (it was issued with `openid`); its user must still exist. The claims
returned are those its scope covers, as `application/json; charset=utf-8` (Auth0's
content type). Failures answer 401 with a `WWW-Authenticate: Bearer` challenge, as Auth0
does. Browsers may call it from a client's web origin (`app.tenant.cors`).
"""

from __future__ import annotations

import jwt
from flask import Blueprint, Response, json, request

from app.tenant import directory
from app.tenant.context import current_tenant
from app.tenant.cors import serve_cross_origin
from app.tenant.db import get_db
from app.tenant.oauth import store
from app.tenant.oauth.tokens import user_claims

bp = Blueprint("userinfo", __name__)
serve_cross_origin(bp, ("GET", "POST"))


def _unauthorized(description: str | None) -> Response:
    response = Response("Unauthorized", status=401, content_type="text/plain; charset=utf-8")
    challenge = "Bearer"
    if description:
        challenge += f' error="invalid_token", error_description="{description}"'
    response.headers["WWW-Authenticate"] = challenge
    return response


def _subject_and_scope(token: str) -> tuple[str, str] | None:
    """Who the token is for and what it may read, or None for a token not good here."""
    opaque = store.opaque_token(get_db(), token)
    if opaque is not None:
        return opaque.user_id, opaque.scope
    tenant = current_tenant()
    try:
        claims = tenant.verify_access_token(token, audience=tenant.userinfo_audience)
    except jwt.InvalidTokenError:
        return None
    return claims["sub"], claims.get("scope", "")


@bp.route("/userinfo", methods=["GET", "POST"])
def userinfo():
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return _unauthorized(None)
    found = _subject_and_scope(token.strip())
    if found is None:
        return _unauthorized("Invalid token")
    user_id, scope = found
    if not directory.user_exists(get_db(), user_id):
        return _unauthorized("The user does not exist")
    body = json.dumps({"sub": user_id, **user_claims(user_id, scope)})
    return Response(body, content_type="application/json; charset=utf-8")
