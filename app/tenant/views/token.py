"""POST /oauth/token and POST /oauth/revoke (authlib endpoints; OAuth JSON errors).

Both take form-encoded or JSON bodies, as Auth0 does.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from app.tenant.oauth.server import authorization_server, endpoint_request

bp = Blueprint("token", __name__)


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
