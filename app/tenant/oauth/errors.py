"""Token endpoint errors as Auth0 words them (its SDKs match on these strings).

Contract: `auth0_token_error(error, grant_type)` returns the error the token and
revocation endpoints answer in place of authlib's: a failed client authentication is
401 `access_denied` "Unauthorized"; `invalid_grant` is 403; a grant the client may not
use is `unauthorized_client` "Grant type '<type>' not allowed for the client." (that
includes the grants Auth0 has and the local tenant never enables, `AUTH0_ONLY_GRANTS`).
The grants raise the Auth0 descriptions below where authlib's differ.
"""

from __future__ import annotations

from authlib.oauth2.rfc6749.errors import (
    InvalidClientError,
    InvalidGrantError,
    OAuth2Error,
    UnauthorizedClientError,
)

INVALID_CODE = "Invalid authorization code"
BAD_CODE_VERIFIER = "Failed to verify code verifier"
#: auth0-spa-js falls back to its iframe when a refresh fails with "invalid refresh token".
INVALID_REFRESH_TOKEN = "Unknown or invalid refresh token."


#: Grant types an Auth0 application may be allowed; no demo client of the local tenant is.
AUTH0_ONLY_GRANTS = frozenset({
    "client_credentials",
    "password",
    "http://auth0.com/oauth/grant-type/password-realm",
    "http://auth0.com/oauth/grant-type/passwordless/otp",
    "http://auth0.com/oauth/grant-type/mfa-otp",
    "http://auth0.com/oauth/grant-type/mfa-oob",
    "http://auth0.com/oauth/grant-type/mfa-recovery-code",
    "urn:ietf:params:oauth:grant-type:device_code",
    "urn:ietf:params:oauth:grant-type:token-exchange",
})


class ClientAuthenticationFailed(OAuth2Error):
    error = "access_denied"
    description = "Unauthorized"
    status_code = 401


def invalid_grant(description: str) -> InvalidGrantError:
    return InvalidGrantError(description=description)


def auth0_token_error(error: OAuth2Error, grant_type: str | None) -> OAuth2Error:
    if isinstance(error, InvalidClientError):
        return ClientAuthenticationFailed()
    if error.error == "invalid_grant":
        error.status_code = 403
    elif error.error == "unauthorized_client" or (
        error.error == "unsupported_grant_type" and grant_type in AUTH0_ONLY_GRANTS
    ):
        return UnauthorizedClientError(
            description=f"Grant type '{grant_type}' not allowed for the client.",
            status_code=403,
        )
    return error
