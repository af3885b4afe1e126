"""Logout: GET /v2/logout (Auth0's) and GET|POST /oidc/logout (RP-initiated, OIDC).

Contract: both end the browser's SSO session, queue a back-channel logout token for
every client that had tokens under it, clear the cookie, and redirect to the return URL
only when it matches one of the client's Allowed Logout URLs (scheme and host compared
case-insensitively, subdomain wildcards allowed; an error page otherwise).
- /v2/logout without `returnTo` goes to the client's first Allowed Logout URL, or shows
  a "signed out" page when no client (or no logout URL) is named.
- /oidc/logout with an `id_token_hint` (an ID token this tenant signed) logs out at
  once; a `logout_hint` that is not that token's `sid` is an error. Without
  `id_token_hint`, a browser with a session is asked to confirm (a form posting back
  with a signed `confirmation` field) unless `logout_hint` is its session's `sid`.
"""

from __future__ import annotations

import jwt
from authlib.common.urls import add_params_to_uri
from flask import Blueprint, Response, current_app, redirect, render_template, request
from itsdangerous import BadSignature, URLSafeSerializer

from app.tenant import backchannel, clients, sso
from app.tenant.context import LEEWAY_SECONDS, current_tenant
from app.tenant.db import get_db
from app.tenant.keys import ALGORITHM
from app.tenant.views.pages import error_page

bp = Blueprint("logout", __name__)

#: The /oidc/logout parameters a confirmation form carries back.
_OIDC_PARAMS = ("client_id", "post_logout_redirect_uri", "state", "logout_hint", "ui_locales")


def _end_browser_session(extra_sid: str | None = None) -> None:
    conn = get_db()
    session = sso.current_session(conn)
    sids = {session.sid} if session else set()
    if extra_sid:
        sids.add(extra_sid)
    for sid in sorted(sids):
        backchannel.end_session_and_notify(conn, sid)


def _finish(return_to: str | None) -> Response:
    if return_to:
        response = redirect(return_to)
    else:
        response = Response(render_template("tenant/logged_out.html"),
                            content_type="text/html; charset=utf-8")
    sso.clear_cookie(response)
    return response


@bp.get("/v2/logout")
def v2_logout():
    client_id = request.args.get("client_id") or None
    return_to = request.args.get("returnTo") or None
    client = clients.get_client(get_db(), client_id)
    if client_id and client is None:
        return error_page("invalid_request", f"Unknown client: {client_id}")
    if return_to and (client is None or not client.allows_logout_url(return_to)):
        # Auth0 checks returnTo against the application's "Allowed Logout URLs" (there are
        # no tenant-wide ones here, so a client_id is needed to name that list).
        return error_page(
            "invalid_request",
            f'The "returnTo" querystring parameter "{return_to}" is not defined as a valid URL'
            ' in "Allowed Logout URLs".',
        )
    if return_to is None and client is not None:
        return_to = client.default_logout_url
    _end_browser_session()
    return _finish(return_to)


def _verify_id_token_hint(hint: str) -> dict | None:
    """The claims of an ID token this tenant signed (expiry not checked, per OIDC)."""
    tenant = current_tenant()
    try:
        _alg, key = tenant.published_key(hint)
        if key is None:
            return None
        return jwt.decode(
            hint, key, algorithms=[ALGORITHM], issuer=tenant.issuer, leeway=LEEWAY_SECONDS,
            options={"verify_aud": False, "verify_exp": False, "require": ["sub", "aud"]},
        )
    except jwt.InvalidTokenError:
        return None


def _confirmations() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="tenant-logout-confirmation")


def _confirmed(session: sso.SsoSession) -> bool:
    """True when this POST is the confirmation form shown for `session`."""
    if request.method != "POST":
        return False
    try:
        return _confirmations().loads(request.form.get("confirmation", "")) == session.sid
    except BadSignature:
        return False


def _confirmation_page(session: sso.SsoSession) -> Response:
    fields = [(name, request.values[name]) for name in _OIDC_PARAMS if request.values.get(name)]
    fields.append(("confirmation", _confirmations().dumps(session.sid)))
    body = render_template("tenant/logout_confirm.html", fields=fields)
    response = Response(body, content_type="text/html; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/oidc/logout", methods=["GET", "POST"])
def oidc_logout():
    values = request.values
    hint_claims = None
    if values.get("id_token_hint"):
        hint_claims = _verify_id_token_hint(values["id_token_hint"])
        if hint_claims is None:
            return error_page("invalid_request", "The id_token_hint is not a valid ID token.")
    logout_hint = values.get("logout_hint") or None
    if hint_claims is not None and logout_hint and logout_hint != hint_claims.get("sid"):
        return error_page("invalid_request",
                          "The logout_hint does not match the session of the id_token_hint.")
    client_id = values.get("client_id") or None
    if hint_claims is not None:
        aud = hint_claims["aud"]
        hinted_client = aud if isinstance(aud, str) else (aud[0] if aud else None)
        if client_id and client_id != hinted_client:
            return error_page("invalid_request", "client_id does not match the id_token_hint.")
        client_id = hinted_client
    redirect_uri = values.get("post_logout_redirect_uri") or None
    client = clients.get_client(get_db(), client_id)
    if redirect_uri and (client is None or not client.allows_logout_url(redirect_uri)):
        return error_page(
            "invalid_request",
            "post_logout_redirect_uri is not one of the application's Allowed Logout URLs"
            " (and the application must be named by id_token_hint or client_id).",
        )
    session = sso.current_session(get_db())
    if hint_claims is None and session is not None and logout_hint != session.sid \
            and not _confirmed(session):
        return _confirmation_page(session)
    # logout_hint names the session (sid) to end, even in another browser, when the ID
    # token proves it (it matched the token's sid above).
    _end_browser_session(extra_sid=logout_hint if hint_claims is not None else None)
    if redirect_uri and values.get("state"):
        redirect_uri = add_params_to_uri(redirect_uri, [("state", values["state"])])
    return _finish(redirect_uri)
