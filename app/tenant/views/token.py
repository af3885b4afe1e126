"""POST /oauth/token and POST /oauth/revoke (authlib endpoints; OAuth JSON errors)."""

from __future__ import annotations

from flask import Blueprint

from app.tenant.oauth.server import authorization_server

bp = Blueprint("token", __name__)


@bp.post("/oauth/token")
def token():
    return authorization_server().create_token_response()


@bp.post("/oauth/revoke")
def revoke():
    return authorization_server().create_endpoint_response("revocation")
