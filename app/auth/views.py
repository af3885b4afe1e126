"""The auth routes: /login, /callback, /logout, /backchannel-logout, /link/*, /bff/user,
and the account-switch choice (/login/choose, /login/continue, /login/previous-account).

Thin views: they read the request, call `flow`, `session` or `logout`, and shape the
response. Every response here is `Cache-Control: no-store`.
"""

from __future__ import annotations

import logging
import time

from flask import (
    Blueprint,
    Response,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from ..web import csrf, embed
from ..web.problems import Problem, problem_response, wants_json
from ..web.security import no_store
from ..web.spa import view_path
from . import (
    account_switch,
    activity,
    flow,
    grants,
    logout,
    my_account,
    session,
    step_up,
    transactions,
)
from .features import features_for, missing_scopes_for
from .oauth_client import SignInServiceError
from .services import services
from .tokens import InvalidToken

bp = Blueprint("auth", __name__)

#: The SPA route that shows a pending link for confirmation (see static/ routes).
PENDING_LINK_ROUTE = view_path("linked-accounts") + "?pending=1"

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


@bp.get("/login/choose")
def choose_account() -> Response:
    """The page a silent switch of account stops at (see account_switch.py)."""
    auth = services()
    record = auth.store.get(_choice_key())
    if record is None:
        raise _choice_expired()
    return make_response(render_template(
        "account_switch.html",
        continue_as=record["continue_as"],
        previous=record["previous"],
        previous_url=url_for("auth.login_as_previous", returnTo=record["return_to"]),
    ))


@bp.post("/login/continue")
@csrf.exempt
def continue_sign_in() -> Response:
    """Continue as the account the tenant chose: completes the parked sign-in. A plain
    form of our own page (so no CSRF header): same origin, and the SameSite=Lax choice
    cookie, prove it."""
    auth = services()
    csrf.check_origin(frozenset({auth.settings.public_origin}))
    record = account_switch.take(auth.store, request.cookies.get(_choice_cookie()))
    if record is None:
        raise _choice_expired()
    return _complete_sign_in(record["id_claims"], record["access_claims"], record["tokens"],
                             record["return_to"])


@bp.get("/login/previous-account")
def login_as_previous() -> Response:
    """Sign in as this browser's last user: the tenant's form, prefilled for them.

    A GET changes nothing here (a cross-site link could send the browser): the parked
    sign-in is dropped when this sign-in completes (`_complete_sign_in`), or expires."""
    auth = services()
    previous = account_switch.last_user(
        auth.settings, request.cookies.get(account_switch.last_user_cookie(auth.settings))
    )
    return _start(
        "login",
        redirect_uri=_external("auth.callback"),
        return_to=session.safe_return_to(request.args.get("returnTo")),
        prompt="login",
        login_hint=previous.hint if previous else None,
    )


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


@bp.get("/reauth")
@session.login_required
def reauthenticate() -> Response:
    """Sign in again (password, and the second factor where enrolled) before a sensitive
    change; comes back to `returnTo` with this session renewed (step_up.py)."""
    user = session.current_user()
    assert user is not None  # login_required
    return _start(
        step_up.KIND,
        redirect_uri=_external("auth.callback"),
        return_to=session.safe_return_to(request.args.get("returnTo")),
        prompt="login",
        max_age=0,
        session_id=user.session_id,
        login_hint=user.claims.get("email"),
    )


@bp.route("/link/callback", methods=["GET", "POST"])
@csrf.exempt
def link_callback() -> Response:
    return _callback("link")


@bp.post("/logout")
def logout_view() -> Response:
    """End the session here and at the tenant. JSON clients get `{"logout_url"}` to follow."""
    auth = services()
    activity.record_now("signed_out", "ok")
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
    status = _my_account_status(user)
    sign_in_methods, sign_in_methods_missing = my_account.sign_in_methods_feature(status)
    return jsonify(
        signed_in=True,
        user=user.claims,
        scopes=sorted(user.scopes),
        features={**features_for(user.scopes), "sign_in_methods": sign_in_methods},
        missing_scopes={**missing_scopes_for(user.scopes),
                        "sign_in_methods": sign_in_methods_missing},
        expires_at=int(user.expires_at),
        logout_url=url_for("auth.logout_view"),
        csrf_header=csrf.HEADER,
        my_account=status,
    )


def _my_account_status(user: session.SignedInUser) -> dict:
    grant = grants.load(services().store, user.session_id) or {}
    return my_account.status_of(grant.get("my_account"), services().settings.my_account)


def _start(kind: str, **kwargs) -> Response:
    try:
        started = flow.begin(services(), kind, **kwargs)
    except SignInServiceError as error:
        log.warning("cannot start a %s: %s", kind, error)
        raise Problem(
            503, "tenant_unavailable",
            "The sign-in service is not answering right now. Try again in a moment.",
            # full_path leaves out the mount prefix; without it the link would lead
            # to the host site's own page of that path.
            retry_url=request.script_root + request.full_path.rstrip("?"),
        ).with_headers(Retry_After="5") from None
    return _to_tenant(started, 302)


def _to_tenant(started: flow.Started, status: int) -> Response:
    """The redirect to the tenant's `/authorize`, with the transaction's binding cookie."""
    response = redirect(started.url, status)
    response.set_cookie(started.cookie_name, started.cookie_value,
                        max_age=started.cookie_max_age, **_cookie_flags())
    return response


def _callback(kind: str) -> Response:
    """Both callbacks: a form_post is parked first; the GET finishes the transaction."""
    if request.method == "POST":
        return _park_form_post(kind)
    params, from_post = _callback_params()
    auth = services()

    def binding_for(state: str) -> str | None:
        return request.cookies.get(flow.binding_cookie_name(auth.settings, state))

    try:
        finished = flow.finish(auth, kind, params, from_post=from_post, binding_for=binding_for)
    except flow.CallbackFailed as failed:
        if failed.transaction is not None and failed.transaction.kind == my_account.KIND:
            # Checked first: a silent attempt's login_required must not start a sign-in.
            return _my_account_refused(auth, failed.transaction, failed.code)
        if failed.interactive_retry:
            return redirect(failed.retry_url, 303)
        raise _problem(failed) from None
    transaction = finished.transaction
    if transaction.kind == my_account.KIND:
        response = _finish_my_account(auth, finished)
    elif transaction.kind == step_up.KIND:
        response = _finish_reauthentication(auth, finished)
    elif kind == "login":
        response = _sign_in_or_ask(auth, finished)
    else:
        response = _keep_pending_link(finished)
    response.delete_cookie(
        flow.binding_cookie_name(auth.settings, finished.transaction.state), **_cookie_flags()
    )
    return response


def _finish_reauthentication(auth, finished: flow.Finished) -> Response:
    """A step-up sign-in: the same user and session only; the grant is renewed."""
    transaction = finished.transaction
    try:
        step_up.complete(auth, finished.id_claims, finished.access_claims,
                         finished.tokens, session_id=session.session_id(),
                         started_for=transaction.session_id,
                         signed_in_sub=session.signed_in_sub())
    except step_up.Refused as refused:
        log.warning("re-authentication refused: %s", refused.code)
        activity.record_now("reauthenticated", "refused")
        raise Problem(refused.status, refused.code, refused.detail,
                      retry_url=url_for("auth.reauthenticate",
                                        returnTo=transaction.return_to)) from None
    activity.record_now("reauthenticated", "ok")
    assert transaction.session_id is not None  # step_up.complete checked it
    return _then_my_account(auth, transaction.session_id, transaction.return_to)


def _then_my_account(auth, session_id: str, return_to: str) -> Response:
    """The redirect that ends a sign-in or a re-authentication: to `return_to`, or first,
    once, through the silent `/authorize` for the My Account API when the grant has no
    My Account record and multi-resource refresh is refused now (`my_account.py`)."""
    grant = grants.load(auth.store, session_id) or {}
    if isinstance(grant.get("my_account"), dict) or not my_account.after_sign_in(
            auth, session_id):
        return redirect(return_to, 303)
    try:
        started = flow.begin(
            auth, my_account.KIND, redirect_uri=_external("auth.callback"),
            return_to=return_to, prompt="none", session_id=session_id,
            audience=auth.settings.my_account_audience,
            scopes=my_account.authorize_scopes(auth.settings),
        )
    except SignInServiceError as error:
        # The sign-in stands; the refusal of the multi-resource refresh is remembered.
        log.warning("cannot start the silent /authorize for the My Account API: %s", error)
        return redirect(return_to, 303)
    return _to_tenant(started, 303)


def _finish_my_account(auth, finished: flow.Finished) -> Response:
    """The silent `/authorize`'s answer: keep its `/me/` token in this session's grant if
    it is this session's and this user's; go on to `return_to` in every case."""
    transaction = finished.transaction
    if session.session_id() != transaction.session_id or transaction.session_id is None:
        log.warning("silent My Account sign-in answered after the session changed: ignored")
        return redirect(transaction.return_to, 303)
    if finished.id_claims["sub"] != session.signed_in_sub():
        # The tenant session now belongs to someone else: their token is not kept here.
        return _my_account_refused(auth, transaction, "it came back as another user")
    if my_account.save_authorized(auth, transaction.session_id, finished.tokens,
                                  finished.access_claims):
        session.add_tenant_session(finished.id_claims)
    return redirect(transaction.return_to, 303)


def _my_account_refused(auth, transaction: transactions.Transaction, why: str) -> Response:
    """The silent `/authorize` gave no token: remembered, and the user goes on."""
    if transaction.session_id is not None and session.session_id() == transaction.session_id:
        my_account.remember_silent_refusal(auth, transaction.session_id, why)
    response = redirect(transaction.return_to, 303)
    response.delete_cookie(flow.binding_cookie_name(auth.settings, transaction.state),
                           **_cookie_flags())
    return response


def _park_form_post(kind: str) -> Response:
    """form_post: park the fields and come back as a top-level GET, which carries the
    SameSite=Lax binding cookie (see transactions.py). The app-wide MAX_CONTENT_LENGTH
    already refused an oversized body (413)."""
    if not request.form.get("state"):
        raise Problem(
            400, "invalid_state", "This sign-in response is not one we can accept.",
            retry_url=url_for("auth.login"),
        )
    try:
        handle = transactions.park(services().store, request.form.to_dict())
    except transactions.TransactionError as error:
        log.warning("%s callback refused: %s: %s", kind, error.code, error.detail)
        raise Problem(400, error.code, error.detail, retry_url=url_for("auth.login")) from None
    endpoint = "auth.callback" if kind == "login" else "auth.link_callback"
    return redirect(url_for(endpoint, resume=handle), 303)


def _callback_params() -> tuple[dict[str, str], bool]:
    """The callback's fields, and whether they came by form_post (parked, then resumed)."""
    if "resume" not in request.args:
        return request.args.to_dict(), False
    params = transactions.unpark(services().store, request.args["resume"])
    if params is None:
        raise Problem(
            400, "invalid_state", "This sign-in response expired or was already used.",
            retry_url=url_for("auth.login"),
        )
    return params, True


def _keep_pending_link(finished: flow.Finished) -> Response:
    """The link step's identity, checked, kept for the JSON API to confirm."""
    transaction = finished.transaction
    primary_sub = session.signed_in_sub()
    if primary_sub is None or session.session_id() != transaction.session_id:
        raise Problem(
            400, "link_session_changed",
            "You signed out or in as someone else while linking. Start again.",
            retry_url=url_for("auth.link", connection=transaction.connection),
        )
    try:
        flow.check_secondary(finished, primary_sub)
    except flow.CallbackFailed as failed:
        raise _problem(failed) from None
    session.add_tenant_session(finished.id_claims)
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
    return redirect(transaction.return_to, 303)


def _sign_in_or_ask(auth, finished: flow.Finished) -> Response:
    """Start the session, unless the tenant silently signed this browser in to another
    account than the one it last used: then park the sign-in and ask (`choose_account`)."""
    settings = auth.settings
    transaction = finished.transaction
    previous = account_switch.silent_switch(
        settings,
        request.cookies.get(account_switch.last_user_cookie(settings)),
        finished.id_claims,
        flow.started_at(auth, transaction),
    )
    if previous is None:
        return _complete_sign_in(finished.id_claims, finished.access_claims, finished.tokens,
                                 transaction.return_to)
    log.info("sign-in as another account than this browser's last one: asking first")
    handle = account_switch.park(auth.store, {
        "id_claims": finished.id_claims,
        "access_claims": finished.access_claims,
        "tokens": finished.tokens,
        "return_to": transaction.return_to,
        "continue_as": account_switch.display_hint(finished.id_claims),
        "previous": previous.hint,
    })
    response = redirect(url_for("auth.choose_account"), 303)
    response.set_cookie(
        _choice_cookie(), handle, max_age=account_switch.CHOICE_TTL, **_cookie_flags()
    )
    return response


def _complete_sign_in(id_claims: dict, access_claims: dict, tokens: dict,
                      return_to: str) -> Response:
    auth = services()
    settings = auth.settings
    session_id = session.start_session(id_claims=id_claims, access_claims=access_claims,
                                       tokens=tokens)
    activity.record_now("signed_in", "ok", user_id=id_claims["sub"])
    response = _then_my_account(auth, session_id, return_to)
    account_switch.remember(response, settings, id_claims)
    handle = request.cookies.get(_choice_cookie())
    if handle:
        # Whichever way the choice was made, the other parked sign-in is over.
        account_switch.take(services().store, handle)
        response.delete_cookie(_choice_cookie(), **_cookie_flags())
    return response


def _choice_cookie() -> str:
    return account_switch.choice_cookie(services().settings)


def _choice_key() -> str:
    return account_switch.key(request.cookies.get(_choice_cookie()) or "")


def _choice_expired() -> Problem:
    return Problem(
        400, "sign_in_choice_expired",
        "This choice is no longer open (it was made, or it expired). Sign in again.",
        retry_url=url_for("auth.login"),
    )


def _cookie_flags() -> dict:
    """Every cookie of the auth routes: host-only, the whole app, HttpOnly, Lax."""
    return {"path": "/", "secure": services().settings.secure_cookies, "httponly": True,
            "samesite": "Lax"}


def _problem(failed: flow.CallbackFailed) -> Problem:
    return Problem(failed.status, failed.code, failed.detail, retry_url=failed.retry_url)


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
