"""The BFF's OAuth client for the tenant (authlib's Flask client): authorize URLs and token calls.

Contract: `TenantClient` builds `/authorize` URLs for both flows and calls the token
endpoint (code exchange, refresh). It never validates tokens (see `tokens.py`) and
keeps no state: the caller stores state, nonce and PKCE verifier in a transaction.
Every call has the configured timeout; failures raise `SignInServiceError`.
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask

from ..config import Settings

BASE_SCOPES = ("openid", "profile", "email")


class _DropCodeVerifier(logging.Filter):
    """authlib logs each PKCE verifier at DEBUG while building an /authorize URL. With the
    code from an access log line it redeems a public client's sign-in: never log it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Using code_verifier")


logging.getLogger("authlib.integrations.base_client.sync_app").addFilter(_DropCodeVerifier())


class SignInServiceError(Exception):
    """The tenant refused a token request or could not be reached (message safe to show)."""

    def __init__(self, message: str, *, error: str | None = None) -> None:
        super().__init__(message)
        self.error = error  # the OAuth error code when the tenant sent one


class TenantClient:
    def __init__(self, app: Flask, settings: Settings) -> None:
        self.settings = settings
        client_kwargs: dict[str, Any] = {
            "default_timeout": settings.http_timeout,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": (
                "client_secret_basic" if settings.client_secret else "none"
            ),
        }
        oauth = OAuth(app)
        self._app = oauth.register(
            "tenant",
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            server_metadata_url=settings.issuer + ".well-known/openid-configuration",
            client_kwargs=client_kwargs,
        )

    def metadata(self) -> dict[str, Any]:
        """The tenant's discovery document (fetched once)."""
        try:
            metadata = self._app.load_server_metadata()
        except (requests.RequestException, ValueError) as error:
            raise SignInServiceError(
                f"the tenant's discovery document is unavailable ({error})"
            ) from None
        if metadata.get("issuer") != self.settings.issuer:
            # Another issuer's endpoints must never receive our users (mix-up attacks).
            self._app.server_metadata.clear()
            raise SignInServiceError(
                f"the tenant's discovery document names issuer {metadata.get('issuer')!r},"
                f" not {self.settings.issuer!r}: check AUTH0_DOMAIN"
            )
        return metadata

    def authorization_url(
        self, *, redirect_uri: str, flow: str, scopes: tuple[str, ...], **params: Any
    ) -> dict[str, Any]:
        """`{"url", "state", "nonce", "code_verifier"}` for a new `/authorize` request.

        `flow` "code" sends PKCE S256; "implicit" asks for `token id_token` by form_post.
        `params` go to the tenant as they are (audience, prompt, max_age, connection...).
        """
        self.metadata()
        nonce = generate_token(32)
        if flow == "implicit":
            params.update(response_type="token id_token", response_mode="form_post")
        else:
            params.update(response_type="code", code_verifier=generate_token(64))
        rv = self._app.create_authorization_url(
            redirect_uri, scope=" ".join(scopes), nonce=nonce, **params
        )
        return {
            "url": rv["url"],
            "state": rv["state"],
            "nonce": nonce,
            "code_verifier": rv.get("code_verifier") if flow == "code" else None,
        }

    def exchange_code(self, *, code: str, code_verifier: str, redirect_uri: str) -> dict[str, Any]:
        """Trade an authorization code (with its PKCE verifier) for tokens."""
        return self._token_request(
            redirect_uri=redirect_uri,
            grant_type="authorization_code",
            code=code,
            code_verifier=code_verifier,
        )

    def refresh(self, refresh_token: str, *, audience: str | None = None,
                scope: str | None = None) -> dict[str, Any]:
        """Use a refresh token; the answer may carry a new (rotated) refresh token.

        With `audience` (and `scope`) it is Auth0's multi-resource refresh: an access token
        for another API of the application's refresh token policy."""
        extra = {k: v for k, v in (("audience", audience), ("scope", scope)) if v}
        return self._token_request(grant_type="refresh_token", refresh_token=refresh_token,
                                   **extra)

    def _token_request(self, **params: Any) -> dict[str, Any]:
        self.metadata()
        try:
            return dict(self._app.fetch_access_token(**params))
        except OAuthError as error:
            raise SignInServiceError(
                f"the tenant refused the token request: {error.error}", error=error.error
            ) from None
        except (requests.RequestException, ValueError) as error:
            raise SignInServiceError(f"the tenant's token endpoint failed ({error})") from None
