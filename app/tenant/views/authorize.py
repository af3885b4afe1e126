"""GET /authorize and its resumption after the login page.

Contract: a request the SSO session can answer gets its response right away (code or
tokens, in the response mode asked for). Otherwise the request's parameters are kept as
a login transaction and the browser goes to the login page (or straight to a social
stand-in with `connection=`); `prompt=none` gets `login_required` instead. Errors go
back to the client once its redirect URI is known to be registered, and are shown on an
error page before that.
"""

from __future__ import annotations

from authlib.oauth2.rfc6749.errors import OAuth2Error
from authlib.oidc.core.errors import LoginRequiredError
from flask import Blueprint, redirect, request, url_for
from werkzeug.datastructures import MultiDict

from app.tenant import directory, sso
from app.tenant.db import get_db
from app.tenant.oauth import store
from app.tenant.oauth.authorize import login_needed
from app.tenant.oauth.server import StoredAuthorizeRequest, authorization_server
from app.tenant.views.pages import error_page, expired_sign_in_page

bp = Blueprint("authorize", __name__)


@bp.get("/authorize")
def authorize():
    server = authorization_server()
    return _answer(server.create_oauth2_request(None), transaction=None)


@bp.get("/authorize/resume")
def resume():
    transaction = store.get_transaction(get_db(), request.args.get("state", ""))
    if transaction is None:
        return expired_sign_in_page()
    return _answer(StoredAuthorizeRequest(MultiDict(transaction.params)), transaction)


def _answer(oauth_request, transaction: store.Transaction | None):
    server = authorization_server()
    conn = get_db()
    session = sso.current_session(conn)
    end_user = (
        store.EndUser(session.user_id, session.sid, session.auth_time) if session else None
    )
    try:
        grant = server.get_consent_grant(oauth_request, end_user=end_user)
        extras = grant.request.extras
        if login_needed(extras, session, transaction):
            if extras.silent:
                raise LoginRequiredError(
                    # validated by now (authlib's implicit grant leaves grant.redirect_uri unset)
                    redirect_uri=grant.request.payload.redirect_uri,
                    redirect_fragment=grant.request.payload.response_type != "code",
                )
            return _to_login_page(oauth_request, extras, transaction)
        assert session is not None and end_user is not None
        response = server.create_authorization_response(
            request=grant.request, grant_user=end_user, grant=grant
        )
    except OAuth2Error as error:
        error.state = oauth_request.payload.state
        if error.redirect_uri:
            return server.handle_error_response(oauth_request, error)
        return error_page(error.error, error.description or "The request is not valid.")
    if response.status_code < 400:
        sso.add_client(conn, session.sid, grant.request.client.client_id)
    if transaction is not None:
        store.delete_transaction(conn, transaction.id)
    return response


def _to_login_page(oauth_request, extras, transaction: store.Transaction | None):
    if transaction is None:
        params = list(oauth_request.payload.data.items(multi=True))
        transaction_id = store.create_transaction(
            get_db(), params, extras.connection, extras.login_hint
        )
    else:
        transaction_id = transaction.id
    if extras.connection in directory.SOCIAL_CONNECTIONS:
        return redirect(url_for("login.social", connection=extras.connection,
                                state=transaction_id))
    return redirect(url_for("login.database", state=transaction_id))
