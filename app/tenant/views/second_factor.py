"""The login's second step (an enrolled second factor) and sign-in with a passkey.

Contract:
- `ask_if_enrolled(transaction, user_id, connection)`: after a right password (or a
  stand-in account), a redirect to `GET /u/mfa?state=` when the user has confirmed second
  factors, else None. `/u/mfa` shows one factor at a time (`?method=` picks another):
  a form posting `state`, `method` and `code`; for an e-mail or phone factor a button
  (`action=send`) first sends a code to the outbox. A right code finishes the login; a
  recovery code is used up by it.
- `GET /u/passkey?state=` runs on the passkey ceremony origin (`relying_party`): its
  script asks `POST /u/passkey/options` for a challenge, calls
  `navigator.credentials.get()`, posts the assertion to `POST /u/passkey/verify` and is
  sent to `GET /u/passkey/complete?state=&ticket=` on the tenant's own origin, which
  finishes the login. A passkey is a complete proof: no second factor is asked after it.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for

from app.tenant import directory
from app.tenant.context import current_tenant
from app.tenant.db import get_db
from app.tenant.directory import authentication_methods as methods
from app.tenant.mfa import login_steps, relying_party
from app.tenant.oauth import store
from app.tenant.views.login import complete_sign_in
from app.tenant.views.pages import error_page, expired_sign_in_page

bp = Blueprint("second_factor", __name__)

_LABELS = {
    "totp": "your authenticator app",
    "email": "the e-mail sent to {email}",
    "phone": "the text message sent to {phone_number}",
    "recovery-code": "your recovery code",
}


def ask_if_enrolled(transaction: store.Transaction, user_id: str,
                    connection: str) -> Response | None:
    conn = get_db()
    if not methods.second_factors_of(conn, user_id):
        return None
    login_steps.await_second_factor(conn, transaction.id, user_id, connection)
    return redirect(url_for("second_factor.challenge", state=transaction.id))


def _transaction() -> store.Transaction | None:
    transaction_id = request.values.get("state", "")
    return store.get_transaction(get_db(), transaction_id) if transaction_id else None


def _label(factor: methods.SecondFactor) -> str:
    return _LABELS[factor.type].format(email=factor.email, phone_number=factor.phone_number)


def _render(transaction, factors, factor, *, error: str | None = None, sent: bool = False,
            status: int = 200) -> Response:
    body = render_template(
        "tenant/second_factor.html", state=transaction.id, factor=factor,
        label=_label(factor), others=[(f, _label(f)) for f in factors if f != factor],
        needs_sending=factor.type in ("email", "phone"), sent=sent, error=error,
        outbox_url=url_for("outbox.page"),
    )
    return Response(body, status=status, content_type="text/html; charset=utf-8")


@bp.route("/u/mfa", methods=["GET", "POST"], endpoint="challenge")
def challenge():
    transaction = _transaction()
    if transaction is None:
        return expired_sign_in_page()
    conn = get_db()
    pending = login_steps.pending_second_factor(conn, transaction.id)
    if pending is None:
        return error_page("invalid_request", "This sign-in has no second step waiting."
                          " Go back to the application and start again.")
    factors = methods.second_factors_of(conn, pending.user_id)
    if not factors:  # removed meanwhile: nothing left to ask
        return complete_sign_in(transaction, pending.user_id, pending.connection)
    wanted = request.values.get("method")
    factor = next((f for f in factors if f.method_id == wanted), factors[0])
    if request.method == "GET":
        return _render(transaction, factors, factor, sent=pending.sent_to == factor.method_id)
    if request.form.get("action") == "send" and factor.type in ("email", "phone"):
        login_steps.send_code(conn, pending, factor)
        return _render(transaction, factors, factor, sent=True)
    code = request.form.get("code", "").strip()
    if not code:
        return _render(transaction, factors, factor, error="Enter the code.", status=400,
                       sent=pending.sent_to == factor.method_id)
    if login_steps.check_second_factor(conn, pending, factor, code):
        return complete_sign_in(transaction, pending.user_id, pending.connection)
    if login_steps.pending_second_factor(conn, transaction.id) is None:
        return error_page("access_denied", "Too many wrong codes. Go back to the application"
                          " and sign in again.", status=429)
    return _render(transaction, factors, factor, error="That code is not right.", status=400,
                   sent=pending.sent_to == factor.method_id)


def _ceremony_csp(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self';"
        " img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'; form-action 'none'"
    )
    return response


@bp.get("/u/passkey", endpoint="passkey")
def passkey_page():
    transaction = _transaction()
    if transaction is None:
        return expired_sign_in_page()
    body = render_template(
        "tenant/passkey.html", state=transaction.id,
        login_url=current_tenant().base_url + url_for("login.database", state=transaction.id),
        script_url=url_for("pages.asset", name="passkey.js"),
    )
    return _ceremony_csp(Response(body, content_type="text/html; charset=utf-8"))


def _json_problem(message: str, status: int = 400) -> Response:
    response = jsonify(error="invalid_request", error_description=message)
    response.status_code = status
    return response


def _json_transaction() -> tuple[store.Transaction | None, dict]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("state"), str):
        return None, {}
    return store.get_transaction(get_db(), body["state"]), body


@bp.post("/u/passkey/options")
def passkey_options():
    transaction, _body = _json_transaction()
    if transaction is None:
        return _json_problem("This sign-in has expired or is unknown.")
    return jsonify(login_steps.passkey_challenge(get_db(), transaction.id))


@bp.post("/u/passkey/verify")
def passkey_verify():
    transaction, body = _json_transaction()
    if transaction is None:
        return _json_problem("This sign-in has expired or is unknown.")
    credential = body.get("credential")
    if not isinstance(credential, dict):
        return _json_problem("credential must be the passkey's answer (an object).")
    try:
        ticket = login_steps.passkey_sign_in(get_db(), transaction.id, credential)
    except relying_party.PasskeyRejected as error:
        return _json_problem(f"The passkey was refused: {error}", 403)
    complete = current_tenant().base_url + url_for(
        "second_factor.passkey_complete", state=transaction.id, ticket=ticket
    )
    return jsonify(redirect=complete)


@bp.get("/u/passkey/complete")
def passkey_complete():
    transaction = _transaction()
    if transaction is None:
        return expired_sign_in_page()
    user_id = login_steps.redeem_ticket(get_db(), transaction.id,
                                        request.args.get("ticket", ""))
    if user_id is None or not directory.user_exists(get_db(), user_id):
        return error_page("access_denied", "This passkey sign-in has expired or was used."
                          " Go back to the application and start again.")
    return complete_sign_in(transaction, user_id, directory.DATABASE_CONNECTION)
