"""The tenant's authlib AuthorizationServer: grants, client lookup, token storage, errors.

Contract: `init_app(app)` builds the server and stores it in
`app.extensions["tenant.oauth"]`; `authorization_server()` returns it. An /authorize
request is either the current Flask request or stored parameters replayed after the
login page (`StoredAuthorizeRequest`). Errors that may go back to the client are
delivered in the request's response mode.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import OAuth2Payload, OAuth2Request
from authlib.oauth2.rfc7009 import RevocationEndpoint
from flask import Flask, current_app
from flask import request as flask_request
from werkzeug.datastructures import MultiDict

from app.tenant import clients
from app.tenant.db import get_db
from app.tenant.oauth import grants, responses, store
from app.tenant.oauth.errors import auth0_token_error
from app.tenant.runtime import current_runtime

_EXTENSION = "tenant.oauth"


class _StoredPayload(OAuth2Payload):
    def __init__(self, params: MultiDict) -> None:
        self._params = params

    @property
    def data(self) -> MultiDict:
        return self._params

    @cached_property
    def datalist(self) -> defaultdict[str, list]:
        values: defaultdict[str, list] = defaultdict(list)
        for key in self._params:
            values[key].extend(self._params.getlist(key))
        return values


class StoredAuthorizeRequest(OAuth2Request):
    """An /authorize request rebuilt from the parameters kept while the user signed in."""

    def __init__(self, params: MultiDict) -> None:
        super().__init__(method="GET", uri=flask_request.url, headers=flask_request.headers)
        self.payload = _StoredPayload(params)
        self._params = params

    @property
    def args(self) -> MultiDict:
        return self._params

    @property
    def form(self) -> MultiDict:
        return MultiDict()


class JsonBodyRequest(OAuth2Request):
    """A token or revocation request whose parameters came as a JSON object (Auth0 takes
    `application/json` as well as form encoding; Auth0's own SDKs send JSON)."""

    def __init__(self, params: MultiDict) -> None:
        super().__init__(method=flask_request.method, uri=flask_request.url,
                         headers=flask_request.headers)
        self.payload = _StoredPayload(params)
        self._params = params

    @property
    def args(self) -> MultiDict:
        return MultiDict()

    @property
    def form(self) -> MultiDict:
        return self._params


def endpoint_request() -> OAuth2Request | None:
    """The current POST as authlib should read it: None for a form (authlib reads Flask's
    request), a `JsonBodyRequest` for a JSON object of string values.

    Raises ValueError for a JSON body that is not such an object.
    """
    if not flask_request.is_json:
        return None
    body = flask_request.get_json(silent=True)
    if not isinstance(body, dict) or not all(
        isinstance(v, str) for v in body.values() if v is not None
    ):
        raise ValueError("the JSON body must be an object of string values")
    return JsonBodyRequest(MultiDict({k: v for k, v in body.items() if v is not None}))


class TenantAuthorizationServer(AuthorizationServer):
    def create_oauth2_request(self, request):
        if isinstance(request, OAuth2Request):
            return request
        return super().create_oauth2_request(request)

    def handle_error_response(self, request, error):
        if error.error == "login_required" and not error.description:
            error.description = "Login required"  # Auth0's wording
        if error.redirect_uri:
            data = request.payload.data
            default = "fragment" if error.redirect_fragment else responses.default_mode(
                data.get("response_type")
            )
            mode = responses.requested_mode(data) or default
            return self.handle_response(*responses.deliver(error.redirect_uri,
                                                           error.get_body(), mode))
        # Only the token and revocation endpoints answer errors here (/authorize shows
        # its own error page when there is no redirect URI to go back to).
        error = auth0_token_error(error, request.payload.data.get("grant_type"))
        return super().handle_error_response(request, error)


class Revocation(RevocationEndpoint):
    """POST /oauth/revoke: revokes refresh tokens (access tokens are JWTs and live on)."""

    CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

    class _Handle:
        def __init__(self, token: str, client_id: str) -> None:
            self.token, self.client_id = token, client_id

        def check_client(self, client) -> bool:
            return client.get_client_id() == self.client_id

    def query_token(self, token_string, token_type_hint):
        client_id = store.refresh_token_client(get_db(), token_string)
        return None if client_id is None else self._Handle(token_string, client_id)

    def revoke_token(self, token, request):
        store.revoke_refresh_token(get_db(), token.token, token.client_id)


def _query_client(client_id: str | None) -> clients.Client | None:
    return clients.get_client(get_db(), client_id)


def _save_token(token: dict, request: OAuth2Request) -> None:
    """Keep what outlives the response: the refresh token and what it was granted for."""
    refresh_token = token.get("refresh_token")
    if not refresh_token:
        return
    origin = request.authorization_code or request.refresh_token
    user: store.EndUser = request.user
    # A rotated token stays in its family, so that reusing an old one revokes them all.
    family = request.refresh_token.family if request.refresh_token else store.new_family()
    item = store.RefreshToken(
        client_id=request.client.client_id,
        user_id=user.user_id,
        # A rotated refresh token keeps what the sign-in granted, whatever this one
        # access token was narrowed or widened to (a scope asked for, an MRRT audience).
        scope=request.refresh_token.scope if request.refresh_token else token["scope"],
        audience=origin.audience if origin is not None else None,
        sid=user.sid,
        auth_time=user.auth_time,
        family=family,
    )
    store.save_refresh_token(
        get_db(), refresh_token, item, current_runtime().settings.refresh_token_ttl
    )


def init_app(app: Flask) -> TenantAuthorizationServer:
    server = TenantAuthorizationServer()
    server.init_app(app, query_client=_query_client, save_token=_save_token)
    server.register_grant(
        grants.CodeGrant,
        [grants.PkceChallenge(required=True), grants.OpenIDCodeTokens(require_nonce=False)],
    )
    server.register_grant(grants.ImplicitGrant)
    server.register_grant(grants.TokenGrant)
    server.register_grant(grants.HybridGrant)
    server.register_grant(grants.RefreshGrant, [grants.OpenIDRefreshTokens()])
    server.register_endpoint(Revocation)
    app.extensions[_EXTENSION] = server
    return server


def authorization_server() -> TenantAuthorizationServer:
    return current_app.extensions[_EXTENSION]
