"""The local tenant's My Account API (`/me/v1`): factors and authentication methods.

Contract: `bp` is registered by the tenant factory at `/me/v1`. Every request needs a
user's access token for `{issuer}me/` (`auth`); every answer carries `x-ratelimit-*`
and errors are Auth0's ErrorResponse bodies (`errors`). Rate limits per tenant and per
user (`ratelimit`) come from `app.config["MYACCOUNT_RATE_LIMITS"]`; a tenant reset
restores them. With testing=True, `app.tenant.testing.myaccount` adds
`/__test__/myaccount/*`.
The operations and their bodies are those of Auth0's OpenAPI description
(tests/reference/auth0-myaccount-authentication-methods.oas.json).
"""

from __future__ import annotations

from flask import Blueprint, Response, g, request
from werkzeug.exceptions import HTTPException

from app.tenant.myaccount import methods, ratelimit
from app.tenant.myaccount.auth import me
from app.tenant.myaccount.errors import MyAccountError

bp = Blueprint("myaccount", __name__)


@bp.record_once
def _setup(state) -> None:
    app = state.app
    limits = ratelimit.install(app)
    methods.install(app)
    app.extensions["tenant.runtime"].on_reset(lambda _conn: limits.restore())


@bp.before_request
def _authenticate_and_count() -> None:
    who = me()
    per_user = "/authentication-methods" in request.path
    g.myaccount_quota = ratelimit.count(who.user_id, per_user)


@bp.after_request
def _rate_limit_headers(response: Response) -> Response:
    quota = g.get("myaccount_quota")
    if quota is not None:
        response.headers.update(quota.headers())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(MyAccountError)
def _error(error: MyAccountError) -> Response:
    response = error.response()
    quota = g.get("myaccount_quota")
    if quota is not None and "x-ratelimit-limit" not in response.headers:
        response.headers.update(quota.headers())
    return response


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    detail = "An internal server error occurred" if status >= 500 else error.description
    return _error(MyAccountError(status, (error.name or "error").lower().replace(" ", "_"),
                                 str(detail)))


from app.tenant.myaccount import views  # noqa: E402, F401  (routes register on bp)
