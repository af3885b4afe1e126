"""POST /oauth/token and POST /oauth/revoke (authlib endpoints; OAuth JSON errors).

Both take form-encoded or JSON bodies, as Auth0 does, and answer cross-origin requests
from a registered client's web origin (a single-page app redeeming its code with PKCE,
see `app.tenant.cors`).
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from app.tenant.cors import serve_cross_origin
from app.tenant.oauth.server import authorization_server, endpoint_request

bp = Blueprint("token", __name__)
serve_cross_origin(bp, ("POST",))


def _bad_body(error: ValueError):
    response = jsonify(error="invalid_request", error_description=str(error))
    response.status_code = 400
    return response


@bp.post("/oauth/token")
def token():
    try:
        request = endpoint_request()
    except ValueError as error:
        return _bad_body(error)
    return authorization_server().create_token_response(request)


@bp.post("/oauth/revoke")
def revoke():
    try:
        request = endpoint_request()
    except ValueError as error:
        return _bad_body(error)
    return authorization_server().create_endpoint_response("revocation", request)
