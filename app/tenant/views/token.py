"""POST /oauth/token and POST /oauth/revoke (authlib endpoints; OAuth JSON errors).

Both take form-encoded or JSON bodies, as Auth0 does, and answer cross-origin requests
from a registered client's web origin (a single-page app redeeming its code with PKCE).
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from app.tenant import clients
from app.tenant.db import get_db
from app.tenant.oauth.server import authorization_server, endpoint_request

bp = Blueprint("token", __name__)


@bp.after_request
def _cors(response: Response) -> Response:
    origin = request.headers.get("Origin")
    if origin and any(origin in c.web_origins for c in clients.all_clients(get_db())):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Headers"] = "Content-Type, Authorization"
        response.headers["Access-Control-Allow-Methods"] = "POST"
    response.vary.add("Origin")
    return response


@bp.route("/oauth/token", methods=["OPTIONS"], endpoint="token_preflight")
@bp.route("/oauth/revoke", methods=["OPTIONS"], endpoint="revoke_preflight")
def preflight():
    return Response(status=204)


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
