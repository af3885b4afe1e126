"""The local tenant's Management API v2: the eight self-service operations of Auth0.

Contract: `bp` is registered by the tenant factory at `/api/v2`, after
`app.extensions["tenant.runtime"]` (`TenantRuntime`) is set. Every response carries
`x-ratelimit-limit/-remaining/-reset`; errors are Auth0's JSON bodies
(`errors.ApiError`). Browsers may call it from a client's web origin (CORS,
`app.tenant.cors`). A tenant reset restores the configured rate limit (the test hook
changing it is `app.tenant.testing.rate_limit`).
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, g, request
from werkzeug.exceptions import HTTPException

from app.tenant.cors import serve_cross_origin
from app.tenant.management import ratelimit
from app.tenant.management.errors import ApiError

bp = Blueprint("management", __name__)
# First: a preflight is answered before the rate limit and the token checks.
serve_cross_origin(bp, ("GET", "POST", "PATCH", "DELETE"))


@bp.record_once
def _setup(state) -> None:
    app = state.app
    limiter = ratelimit.install(app)
    runtime = app.extensions.get("tenant.runtime")
    if runtime is not None:
        runtime.on_reset(lambda _conn: limiter.restore())


def _rate_limit_key() -> str:
    # Per token, as Auth0 limits; requests without one share their client's address.
    token = request.headers.get("Authorization")
    if token:
        return "token:" + hashlib.sha256(token.encode()).hexdigest()
    return "addr:" + (request.remote_addr or "unknown")


@bp.before_request
def _count_request() -> None:
    quota = ratelimit.limiter().hit(_rate_limit_key())
    g.management_quota = quota
    if not quota.allowed:
        raise ApiError(429, "Global limit has been reached", "too_many_requests")


@bp.after_request
def _rate_limit_headers(response: Response) -> Response:
    quota = g.get("management_quota")
    if quota is not None:
        response.headers.update(quota.headers())
    return response


@bp.errorhandler(ApiError)
def _api_error(error: ApiError) -> Response:
    return error.response()


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    message = "An internal server error occurred" if status >= 500 else error.name
    return ApiError(status, message).response()


# The views register their routes on `bp` when imported.
from app.tenant.management import (  # noqa: E402, F401
    device_credentials,
    identities,
    multifactor,
    unknown,
    users,
)
