"""GET|POST /userinfo: the signed-in user's claims for a bearer access token.

Contract: the token must be one of this tenant's access tokens whose audience includes
`{issuer}userinfo` (it was issued with `openid`), and its user must still exist; the
claims returned are those its scope covers. Failures answer 401 with a
`WWW-Authenticate: Bearer` challenge, as Auth0 does.
"""

from __future__ import annotations

import jwt
from flask import Blueprint, Response, jsonify, request

from app.tenant import directory
from app.tenant.context import current_tenant
from app.tenant.db import get_db
from app.tenant.oauth.tokens import user_claims

bp = Blueprint("userinfo", __name__)


def _unauthorized(description: str) -> Response:
    response = Response("Unauthorized", status=401, content_type="text/plain; charset=utf-8")
    response.headers["WWW-Authenticate"] = (
        f'Bearer error="invalid_token", error_description="{description}"'
    )
    return response


@bp.route("/userinfo", methods=["GET", "POST"])
def userinfo():
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        response = Response("Unauthorized", status=401, content_type="text/plain; charset=utf-8")
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
    tenant = current_tenant()
    try:
        claims = tenant.verify_access_token(token.strip(), audience=tenant.userinfo_audience)
    except jwt.InvalidTokenError:
        return _unauthorized("Invalid token")
    user_id = claims["sub"]
    if not directory.user_exists(get_db(), user_id):
        return _unauthorized("The user does not exist")
    response = jsonify({"sub": user_id, **user_claims(user_id, claims.get("scope", ""))})
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
