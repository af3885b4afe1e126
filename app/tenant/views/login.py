"""The login page of the database connection and the social stand-in pages.

Contract: both pages belong to a login transaction (`state`, carried as a hidden field).
The database form posts `username` and `password`; a stand-in page posts `account` (the
stand-in account's login). On success the tenant asks for a second factor when the
user has one (`app.tenant.views.second_factor`), then starts a new SSO session, sets its
cookie and resumes the /authorize request (`complete_sign_in`).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from app.tenant import directory, sso
from app.tenant.db import get_db
from app.tenant.mfa import relying_party
from app.tenant.oauth import store
from app.tenant.views.pages import expired_sign_in_page

bp = Blueprint("login", __name__)


def _transaction() -> store.Transaction | None:
    transaction_id = request.values.get("state", "")
    return store.get_transaction(get_db(), transaction_id) if transaction_id else None


def _signed_in(transaction: store.Transaction, user_id: str, connection: str) -> Response:
    from app.tenant.views import second_factor

    asked = second_factor.ask_if_enrolled(transaction, user_id, connection)
    return asked if asked is not None else complete_sign_in(transaction, user_id, connection)


def complete_sign_in(transaction: store.Transaction, user_id: str, connection: str) -> Response:
    """Every proof the login needs is given: start the SSO session and resume /authorize."""
    conn = get_db()
    previous = sso.current_session(conn)
    if previous is not None:
        # One browser, one tenant session: signing in again replaces it, as on Auth0.
        sso.end_session(conn, previous.sid)
    directory.record_login(conn, user_id, request.remote_addr)
    session = sso.start_session(conn, user_id, connection)
    store.mark_transaction_authenticated(conn, transaction.id, session.sid)
    response = redirect(url_for("authorize.resume", state=transaction.id))
    sso.set_cookie(response, session)
    return response


def _render_login(transaction: store.Transaction, *, username: str = "", error: str | None = None,
                  status: int = 200) -> Response:
    body = render_template(
        "tenant/login.html",
        state=transaction.id,
        username=username or transaction.login_hint or "",
        error=error,
        social_connections=directory.SOCIAL_CONNECTIONS,
        passkey_url=relying_party.ceremony_origin() + url_for("second_factor.passkey",
                                                             state=transaction.id),
    )
    return Response(body, status=status, content_type="text/html; charset=utf-8")


@bp.route("/u/login", methods=["GET", "POST"], endpoint="database")
def database_login():
    transaction = _transaction()
    if transaction is None:
        return expired_sign_in_page()
    if request.method == "GET":
        return _render_login(transaction)
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    if not username or not password:
        return _render_login(transaction, username=username, status=400,
                             error="Enter your email address and your password.")
    user_id = directory.authenticate(get_db(), directory.DATABASE_CONNECTION, username, password)
    if user_id is None:
        return _render_login(transaction, username=username, status=400,
                             error="Wrong email or password.")
    return _signed_in(transaction, user_id, directory.DATABASE_CONNECTION)


@bp.route("/u/social/<connection>", methods=["GET", "POST"], endpoint="social")
def social_login(connection: str):
    if connection not in directory.SOCIAL_CONNECTIONS:
        abort(404)
    transaction = _transaction()
    if transaction is None:
        return expired_sign_in_page()
    accounts = directory.social_accounts(connection)
    error = None
    if request.method == "POST":
        login = request.form.get("account", "")
        user_id = directory.sign_in_social(get_db(), connection, login) if login else None
        if user_id is not None:
            return _signed_in(transaction, user_id, connection)
        error = "Choose one of the accounts below."
    body = render_template(
        "tenant/social.html",
        connection=connection,
        accounts=accounts,
        state=transaction.id,
        error=error,
        login_url=url_for("login.database", state=transaction.id),
    )
    return Response(body, status=400 if error else 200, content_type="text/html; charset=utf-8")
