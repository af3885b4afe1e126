"""authlib's grants, bound to the tenant's store and tokens.

Contract:
- `CodeGrant` (+ `PkceChallenge`, `OpenIDCodeTokens`): code flow; the token endpoint
  takes client_secret_basic, client_secret_post, or none (public clients, which must use
  PKCE, S256 or plain). A code is consumed when it is looked up: it works once.
- `ImplicitGrant`: `id_token` and `id_token token`, `TokenGrant`: `token` (OAuth's
  implicit grant, no ID token), `HybridGrant`: `code id_token`, `code token`,
  `code id_token token` (the code is redeemed through `CodeGrant`); for any client
  allowed the implicit grant (and the code grant when a code is asked for): there is
  no client authentication at /authorize.
- `RefreshGrant` (+ `OpenIDRefreshTokens`): rotation: each use returns a new refresh
  token and the old one stops working; reusing an old one revokes the whole family.
  Multi-resource refresh tokens (MRRT): an
  `audience` other than the sign-in's must be an API in the client's refresh token
  policy (else 403 `access_denied`, checked before the refresh token is used up); the
  access token is for that API with the policy's scopes (those asked for, if `scope` is
  given) plus the OIDC scopes of the sign-in. The new refresh token keeps the sign-in's
  audience and scope (`mrrt`).
Refresh tokens are issued only when `offline_access` was granted and the client may use
the refresh_token grant. Every grant takes the audience, SSO session id and auth_time
from the authorization (`request.extras` at /authorize, the code or the refresh token).
"""

from __future__ import annotations

from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6749.errors import (
    AccessDeniedError,
    InvalidClientError,
    InvalidGrantError,
    InvalidRequestError,
)
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core.grants import (
    OpenIDCode,
    OpenIDHybridGrant,
    OpenIDImplicitGrant,
    OpenIDToken,
)

from app.tenant import directory
from app.tenant.db import get_db
from app.tenant.oauth import errors, mrrt, responses, store, tokens
from app.tenant.oauth.authorize import parse_extras
from app.tenant.oauth.scopes import granted_scope, has_scope
from app.tenant.runtime import current_runtime

_TOKEN_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]


def _existing(user: store.EndUser) -> store.EndUser | None:
    """The user, unless they no longer exist (deleted, or linked into another user)."""
    return user if directory.user_exists(get_db(), user.user_id) else None


class _IssuesTenantTokens:
    """Replaces authlib's opaque bearer tokens with the tenant's JWT access tokens."""

    request: object

    def _audience(self) -> str | None:
        request = self.request
        exchange = getattr(request, "mrrt", None)
        if exchange is not None:
            return exchange.audience
        if request.authorization_code is not None:  # type: ignore[attr-defined]
            return request.authorization_code.audience  # type: ignore[attr-defined]
        if request.refresh_token is not None:  # type: ignore[attr-defined]
            return request.refresh_token.audience  # type: ignore[attr-defined]
        return request.extras.audience  # type: ignore[attr-defined]

    def generate_token(
        self, user=None, scope=None, grant_type=None, expires_in=None, include_refresh_token=True
    ):
        client = self.request.client  # type: ignore[attr-defined]
        scope = scope or ""
        token = {
            "access_token": tokens.access_token(
                client.client_id, user.user_id, scope, self._audience()
            ),
            "token_type": "Bearer",
            "expires_in": current_runtime().settings.access_token_ttl,
            "scope": scope,
        }
        # A refresh rotates the refresh token whatever this access token's scope (an MRRT
        # exchange may leave offline_access out): what counts is the sign-in's grant.
        origin = getattr(self.request, "refresh_token", None)
        if (
            include_refresh_token
            and has_scope(origin.scope if origin is not None else scope, "offline_access")
            and client.check_grant_type("refresh_token")
        ):
            token["refresh_token"] = store.new_refresh_token()
        return token


class _ValidatesAuth0Parameters:
    """After authlib's checks, Auth0's own /authorize parameters (see oauth.authorize)."""

    request: object

    def validate_authorization_request(self):
        redirect_uri = super().validate_authorization_request()  # type: ignore[misc]
        extras = parse_extras(self, redirect_uri)
        self.request.extras = extras  # type: ignore[attr-defined]
        self.request.scope = granted_scope(  # type: ignore[attr-defined]
            self.request.scope, extras.api_scopes  # type: ignore[attr-defined]
        )
        return redirect_uri


def _save_code(code: str, request) -> None:
    """Keep an authorization code issued at /authorize (code or hybrid flow)."""
    user: store.EndUser = request.user
    data = request.payload.data
    item = store.AuthorizationCode(
        client_id=request.client.client_id,
        user_id=user.user_id,
        redirect_uri=request.payload.redirect_uri,
        scope=request.scope,
        audience=request.extras.audience,
        nonce=data.get("nonce"),
        code_challenge=data.get("code_challenge"),
        code_challenge_method=data.get("code_challenge_method"),
        sid=user.sid,
        auth_time=user.auth_time,
    )
    store.save_code(get_db(), code, item)


class _NoClientAuthenticationAtAuthorize:
    """At /authorize the client is whoever client_id names, if it may use the response
    type asked for (checked by `check_response_type`): nobody authenticates there."""

    server: object
    request: object

    def authenticate_token_endpoint_client(self):
        client = self.server.query_client(  # type: ignore[attr-defined]
            self.request.payload.client_id  # type: ignore[attr-defined]
        )
        if client is None:
            raise InvalidClientError(description="The client does not exist on this server.")
        return client


class _DeliversInResponseMode:
    """Answers in the request's response mode, with the tenant's own form_post and
    web_message pages (authlib's use inline script)."""

    request: object

    def create_authorization_response(self, redirect_uri, grant_user):
        params = self.create_granted_params(grant_user)  # type: ignore[attr-defined]
        state = self.request.payload.state  # type: ignore[attr-defined]
        if state:
            params.append(("state", state))
        return responses.deliver(
            redirect_uri, params, self.request.extras.response_mode  # type: ignore[attr-defined]
        )


class CodeGrant(_IssuesTenantTokens, _ValidatesAuth0Parameters, grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = _TOKEN_AUTH_METHODS

    def save_authorization_code(self, code, request):
        _save_code(code, request)

    def query_authorization_code(self, code, client):
        item = store.take_code(get_db(), code, client.client_id)
        if item is None:
            raise errors.invalid_grant(errors.INVALID_CODE)
        return item

    def delete_authorization_code(self, authorization_code):
        """Nothing to do: `query_authorization_code` consumed the code already."""

    def authenticate_user(self, authorization_code):
        return _existing(authorization_code.end_user())

    def create_authorization_response(self, redirect_uri, grant_user):
        # authlib's version always answers in the query; Auth0 honours response_mode.
        self.request.user = grant_user
        code = self.generate_authorization_code()
        self.save_authorization_code(code, self.request)
        params = [("code", code)]
        if self.request.payload.state:
            params.append(("state", self.request.payload.state))
        return responses.deliver(redirect_uri, params, self.request.extras.response_mode)


class PkceChallenge(CodeChallenge):
    """PKCE with S256 or plain (as Auth0 takes both), required of public clients at
    /authorize already; a wrong verifier gets Auth0's description."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256", "plain"]

    def validate_code_challenge(self, grant, redirect_uri):
        super().validate_code_challenge(grant, redirect_uri)
        data = grant.request.payload.data
        if grant.request.client.is_public and not data.get("code_challenge"):
            raise InvalidRequestError(
                "Public clients must use PKCE: code_challenge and code_challenge_method"
            )

    def validate_code_verifier(self, grant, result):
        try:
            super().validate_code_verifier(grant, result)
        except InvalidGrantError as error:
            raise errors.invalid_grant(errors.BAD_CODE_VERIFIER) from error


class OpenIDCodeTokens(OpenIDCode):
    def exists_nonce(self, nonce, request):
        # Auth0 does not refuse a repeated nonce; relying parties check their own.
        return False

    def encode_id_token(self, token, request):
        code = request.authorization_code
        return tokens.id_token(
            request.client.client_id, request.user, token["scope"], nonce=code.get_nonce()
        )


class _IssuesImplicitIdTokens:
    """The ID token of an implicit or hybrid answer: the tenant's, with `at_hash` (and
    `c_hash`) for what travels with it."""

    request: object

    def exists_nonce(self, nonce, request):
        return False

    def process_implicit_token(self, token, code=None):
        request = self.request
        token["id_token"] = tokens.id_token(
            request.client.client_id,  # type: ignore[attr-defined]
            request.user,  # type: ignore[attr-defined]
            token["scope"],
            nonce=request.payload.data.get("nonce"),  # type: ignore[attr-defined]
            with_access_token=token.get("access_token"),
            with_code=code,
        )
        return token


class ImplicitGrant(_DeliversInResponseMode, _NoClientAuthenticationAtAuthorize,
                    _IssuesImplicitIdTokens, _IssuesTenantTokens, _ValidatesAuth0Parameters,
                    OpenIDImplicitGrant):
    def generate_token(self, user=None, scope=None, **kwargs):
        if self.request.payload.response_type == "id_token":
            # No access token travels in this answer: do not mint (or tweak) one for nothing.
            return {"expires_in": current_runtime().settings.access_token_ttl,
                    "scope": scope or ""}
        return super().generate_token(user=user, scope=scope, **kwargs)

    def create_granted_params(self, grant_user):
        params = super().create_granted_params(grant_user)
        if self.request.payload.response_type == "id_token":
            # Auth0's id_token-only answer has neither expires_in nor scope.
            params = [(k, v) for k, v in params if k == "id_token"]
        return params


class TokenGrant(_DeliversInResponseMode, _NoClientAuthenticationAtAuthorize,
                 _IssuesTenantTokens, _ValidatesAuth0Parameters, grants.ImplicitGrant):
    """`response_type=token`: an access token alone, in the fragment (or form_post)."""

    def create_granted_params(self, grant_user):
        self.request.user = grant_user
        token = self.generate_token(user=grant_user, scope=self.request.scope,
                                    include_refresh_token=False)
        return list(token.items())


class HybridGrant(_DeliversInResponseMode, _IssuesImplicitIdTokens, _IssuesTenantTokens,
                  _ValidatesAuth0Parameters, OpenIDHybridGrant):
    def save_authorization_code(self, code, request):
        _save_code(code, request)

    def create_granted_params(self, grant_user):
        params = super().create_granted_params(grant_user)
        if "token" not in self.request.payload.response_type.split():
            # `code id_token`: no access token travels, so neither expires_in nor scope.
            params = [(k, v) for k, v in params if k in ("code", "id_token")]
        return params


class RefreshGrant(_IssuesTenantTokens, grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = _TOKEN_AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True

    def validate_token_request(self):
        # As authlib's, but an MRRT audience is checked before the refresh token is taken.
        client = self._validate_request_client()
        self.request.client = client
        payload = self.request.payload
        try:
            self.request.mrrt = mrrt.requested_exchange(
                client, payload.data.get("audience") or None, payload.scope
            )
        except mrrt.AudienceRefused as refused:
            raise _Forbidden(description=str(refused)) from refused
        refresh_token = self._validate_request_token(client)
        exchange = self.request.mrrt
        if exchange is None or refresh_token.audience == exchange.audience:
            self.request.mrrt = None  # the sign-in's own audience: a plain refresh
            self._validate_token_scope(refresh_token)
        elif not exchange.in_policy:
            raise _Forbidden(description="The Management API cannot be reached with a"
                             " multi-resource refresh token.")
        self.request.refresh_token = refresh_token

    def issue_token(self, user, refresh_token):
        exchange = self.request.mrrt
        if exchange is None:
            return super().issue_token(user, refresh_token)
        scope = exchange.scope_with(refresh_token.get_scope())
        return self.generate_token(user=user, scope=scope, include_refresh_token=True)

    def authenticate_refresh_token(self, refresh_token):
        # Taking it revokes it: a refresh token works once, even under concurrent use.
        item = store.take_refresh_token(get_db(), refresh_token, self.request.client.client_id)
        if item is None:
            raise errors.invalid_grant(errors.INVALID_REFRESH_TOKEN)
        return item

    def authenticate_user(self, refresh_token):
        return _existing(refresh_token.end_user())

    def revoke_old_credential(self, refresh_token):
        """Nothing to do: `authenticate_refresh_token` revoked it already."""


class OpenIDRefreshTokens(OpenIDToken):
    """A fresh ID token with every refresh that keeps `openid` (as Auth0 does)."""

    def encode_id_token(self, token, request):
        return tokens.id_token(request.client.client_id, request.user, token["scope"])


class _Forbidden(AccessDeniedError):
    status_code = 403
