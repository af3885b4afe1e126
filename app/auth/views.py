"""The auth routes: /login, /callback, /logout, /backchannel-logout, /link/*, /bff/user.

Thin views: they read the request, call `flow`, `session` or `logout`, and shape the
response. Every response here is `Cache-Control: no-store`.
"""

from __future__ import annotations

import logging
import time

from flask import Blueprint, Response, jsonify, redirect, request, url_for

from ..selfservice.features import features_for, missing_scopes_for
from ..web import csrf, embed
from ..web.problems import Problem, problem_response, wants_json
from ..web.security import no_store
from . import flow, logout, session, transactions
from .oauth_client import TenantError
from .services import services
from .tokens import InvalidToken

bp = Blueprint("auth", __name__)

#: The SPA route that shows a pending link for confirmation (see static/ routes).
PENDING_LINK_ROUTE = "/linked-accounts?pending=1"

log = logging.getLogger(__name__)


bp.after_request(no_store)


@bp.get("/login")
def login() -> Response:
    """Start a sign-in. `returnTo`: a path of this app; `prompt`: `none` (silent) or `login`."""
    prompt = request.args.get("prompt")
    return _start(
        "login",
        redirect_uri=_external("auth.callback"),
        return_to=session.safe_return_to(request.args.get("returnTo")),
        prompt=prompt if prompt in ("none", "login") else None,
    )


@bp.route("/callback", methods=["GET", "POST"])
@csrf.exempt
def callback() -> Response:
    """The tenant's answer to /login (query for the code flow, form_post for implicit).

    Opened by hand (no `state`, nothing parked) while signed in: nothing to finish, so
    the user goes to the account page instead of an error about a sign-in link."""
    by_hand = request.method == "GET" and not request.args.keys() & {"state", "resume", "error"}
    if by_hand and _signed_in_user() is not None:
        return redirect(url_for("spa.index"), 303)
    return _callback("login")


@bp.get("/link/<connection>")
@session.login_required
def link(connection: str) -> Response:
    """Sign in with another identity (fresh authentication) to link it to this account.

    `opener`: the origin of the embedding page that opened this in a pop-up; the link
    then ends on `/embed/link-pending`, which hands over to that page (app/web/embed.py).
    """
    if connection not in services().settings.link_connections:
        raise Problem(400, "unknown_connection", "This sign-in method cannot be linked here.")
    opener = request.args.get("opener")
    done = (
        url_for("embed.link_pending", opener=embed.opener_origin(opener))
        if opener is not None
        else PENDING_LINK_ROUTE
    )
    return _start(
        "link",
        redirect_uri=_external("auth.link_callback"),
        return_to=session.safe_return_to(done),
        prompt="login",
        max_age=0,
        connection=connection,
        session_id=session.session_id(),
    )


@bp.route("/link/callback", methods=["GET", "POST"])
@csrf.exempt
def link_callback() -> Response:
    return _callback("link")


@bp.post("/logout")
def logout_view() -> Response:
    """End the session here and at the tenant. JSON clients get `{"logout_url"}` to follow."""
    auth = services()
    session.end_session()
    url = logout.tenant_logout_url(auth, _external_root())
    if wants_json():
        return jsonify(logout_url=url)
    return redirect(url, 303)


@bp.post("/backchannel-logout")
@csrf.exempt
def backchannel_logout() -> Response:
    """The tenant ends sessions: a signed logout token, form encoded (OIDC Back-Channel Logout)."""
    raw = request.form.get("logout_token", "")
    try:
        logout.backchannel_logout(services(), raw)
    except InvalidToken as error:
        return problem_response(Problem(400, "invalid_request", str(error)))
    return Response(status=200)


@bp.get("/bff/user")
@session.login_required
def bff_user() -> Response:
    """Who is signed in, what they may do, and until when: never a token."""
    user = session.current_user()
    assert user is not None  # login_required
    return _session_body(user)


@bp.get("/bff/session")
def bff_session() -> Response:
    """`/bff/user` for the account UI: always 200, so that a signed-out page logs no
    failed request. Signed out: `{"signed_in": false, "login_url"}`; signed in: the
    members of `/bff/user` with `"signed_in": true`."""
    user = _signed_in_user()
    if user is None:
        login_url = session.login_problem(silent=False).extra["login_url"]
        return jsonify(signed_in=False, login_url=login_url)
    return _session_body(user)


def _signed_in_user() -> session.SignedInUser | None:
    """The signed-in user, or None where `login_required` would answer 401."""
    try:
        return session.current_user()
    except Problem as problem:
        if problem.code != "login_required":
            raise
        return None


def _session_body(user: session.SignedInUser) -> Response:
    return jsonify(
        signed_in=True,
        user=user.claims,
        scopes=sorted(user.scopes),
        features=features_for(user.scopes),
        missing_scopes=missing_scopes_for(user.scopes),
        expires_at=int(user.expires_at),
        logout_url=url_for("auth.logout_view"),
        csrf_header=csrf.HEADER,
    )


def _start(kind: str, **kwargs) -> Response:
    try:
        started = flow.begin(services(), kind, **kwargs)
    except TenantError as error:
        log.warning("cannot start a %s: %s", kind, error)
        raise Problem(
            503, "tenant_unavailable",
            "The sign-in service is not answering right now. Try again in a moment.",
            # full_path leaves out the mount prefix; without it the link would lead
            # to the host site's own page of that path.
            retry_url=request.script_root + request.full_path.rstrip("?"),
        ).with_headers(Retry_After="5") from None
    response = redirect(started.url, 302)
    response.set_cookie(
        started.cookie_name,
        started.cookie_value,
        max_age=started.cookie_max_age,
        path="/",
        secure=services().settings.secure_cookies,
        httponly=True,
        samesite="Lax",
    )
    return response


def _callback(kind: str) -> Response:
    auth = services()
    endpoint = "auth.callback" if kind == "login" else "auth.link_callback"
    if request.method == "POST":
        # The app-wide MAX_CONTENT_LENGTH already refuses an oversized body (413).
        if not request.form.get("state"):
            raise Problem(
                400, "invalid_state", "This sign-in response is not one we can accept.",
                retry_url=url_for("auth.login"),
            )
        # form_post: park the fields and come back as a top-level GET, which carries
        # the SameSite=Lax binding cookie (see transactions.py).
        handle = transactions.park(auth.store, request.form.to_dict())
        return redirect(url_for(endpoint, resume=handle), 303)

    from_post = "resume" in request.args
    if from_post:
        params = transactions.unpark(auth.store, request.args["resume"])
        if params is None:
            raise Problem(
                400, "invalid_state", "This sign-in response expired or was already used.",
                retry_url=url_for("auth.login"),
            )
    else:
        params = request.args.to_dict()

    def binding_for(state: str) -> str | None:
        return request.cookies.get(flow.binding_cookie_name(auth.settings, state))

    try:
        finished = flow.finish(auth, kind, params, from_post=from_post, binding_for=binding_for)
    except flow.CallbackFailed as failed:
        if failed.interactive_retry:
            return redirect(failed.retry_url, 303)
        raise Problem(
            failed.status, failed.code, failed.detail, retry_url=failed.retry_url
        ) from None

    transaction = finished.transaction
    if kind == "login":
        session.start_session(
            id_claims=finished.id_claims,
            access_claims=finished.access_claims,
            tokens=finished.tokens,
        )
        response = redirect(transaction.return_to, 303)
    else:
        if session.session_id() is None or session.session_id() != transaction.session_id:
            raise Problem(
                400, "link_session_changed",
                "You signed out or in as someone else while linking. Start again.",
                retry_url=url_for("auth.link", connection=transaction.connection),
            )
        session.save_pending_link(
            session.PendingLink(
                connection=transaction.connection or "",
                id_token=finished.tokens["id_token"],
                claims=finished.id_claims,
                access_token=finished.tokens.get("access_token"),
                expires_at=min(float(finished.id_claims["exp"]), time.time() + 10 * 60),
            )
        )
        # PENDING_LINK_ROUTE, or the pop-up's end page when an embedded UI opened it.
        response = redirect(transaction.return_to, 303)
    response.delete_cookie(
        flow.binding_cookie_name(auth.settings, transaction.state),
        path="/",
        secure=auth.settings.secure_cookies,
        httponly=True,
        samesite="Lax",
    )
    return response


def _external(endpoint: str) -> str:
    """The URL the tenant knows for `endpoint`: PUBLIC_URL plus the app's path."""
    return _external_root().rstrip("/") + url_for(endpoint)[len(request.script_root):]


def _external_root() -> str:
    """PUBLIC_URL names the app's root as the outside world sees it, prefix included.

    When it has no path but the app is mounted under a prefix, add the prefix.
    """
    public = services().settings.public_url.rstrip("/")
    has_path = public.count("/") > 2
    return (public if has_path else public + request.script_root) + "/"
