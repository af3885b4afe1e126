"""The /authorize parameters authlib leaves to us, and whether the user must sign in.

Contract: `parse_extras(grant, redirect_uri)` validates `response_mode`, `audience`,
`prompt`, `max_age`, `connection` and `login_hint` as Auth0 does, raising OAuth errors
that go back to the (already validated) redirect URI. `login_needed()` decides between
answering from the SSO session and showing a login page.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from authlib.oauth2.rfc6749.errors import AccessDeniedError, InvalidRequestError

from app.tenant import apis, cors, directory
from app.tenant.oauth import responses
from app.tenant.oauth.store import Transaction
from app.tenant.sso import SsoSession

PROMPTS = frozenset({"none", "login", "consent", "select_account"})


@dataclass(frozen=True)
class AuthorizeExtras:
    response_mode: str
    audience: str | None
    prompts: frozenset[str]
    max_age: int | None
    connection: str | None
    login_hint: str | None
    #: The scopes of the audience's API this client may get (none without an audience).
    api_scopes: tuple[str, ...] = ()

    @property
    def silent(self) -> bool:
        return "none" in self.prompts


def known_connections() -> tuple[str, ...]:
    return (directory.DATABASE_CONNECTION, *directory.SOCIAL_CONNECTIONS)


def parse_extras(grant, redirect_uri: str) -> AuthorizeExtras:
    data = grant.request.payload.data
    response_type = grant.request.payload.response_type
    tokens_in_response = response_type != "code"

    def error(cls=InvalidRequestError, description: str = "") -> Exception:
        return cls(
            description=description,
            redirect_uri=redirect_uri,
            redirect_fragment=tokens_in_response,
            state=data.get("state"),
        )

    mode = data.get("response_mode") or responses.default_mode(response_type)
    if mode not in responses.RESPONSE_MODES:
        raise error(description=f"Unsupported response_mode: {mode}")
    if tokens_in_response and mode == "query":
        raise error(description="response_mode=query is not allowed when tokens are returned")
    if mode == "web_message" and not cors.origin_of(grant.request.client, redirect_uri):
        # Never post an answer to a window whose origin the application did not allow:
        # this error shows on the tenant's page instead.
        raise InvalidRequestError(
            description="The redirect_uri's origin is not one of the application's"
            " Allowed Web Origins (needed for response_mode=web_message)."
        )

    audience = data.get("audience") or None
    api_scopes: tuple[str, ...] = ()
    if audience is not None:
        api = apis.by_audience(audience)
        if api is None:
            raise error(AccessDeniedError, f"Service not found: {audience}")
        client = grant.request.client
        client_grant = client.granted_scopes(api.name)
        if api.require_client_grant and client_grant is None:
            # Auth0's wording has double quotes, which OAuth error descriptions may not hold.
            raise error(AccessDeniedError, f"Client {client.client_id} is not authorized to"
                        f" access resource server {audience}.")
        api_scopes = tuple(s for s in api.scopes if client_grant is None or s in client_grant)

    prompts = frozenset((data.get("prompt") or "").split())
    if not prompts <= PROMPTS:
        raise error(description=f"Unsupported prompt: {' '.join(sorted(prompts - PROMPTS))}")
    if "none" in prompts and len(prompts) > 1:
        raise error(description="prompt=none cannot be combined with other prompts")

    max_age = None
    if data.get("max_age") not in (None, ""):
        raw = data["max_age"]
        if not raw.isdigit():
            raise error(description="max_age must be a non-negative number of seconds")
        max_age = int(raw)

    connection = data.get("connection") or None
    if connection is not None and connection not in known_connections():
        raise error(description=f"the connection was not found: {connection}")

    return AuthorizeExtras(
        response_mode=mode,
        audience=audience,
        prompts=prompts,
        max_age=max_age,
        connection=connection,
        login_hint=data.get("login_hint") or None,
        api_scopes=api_scopes,
    )


def login_needed(
    extras: AuthorizeExtras, session: SsoSession | None, transaction: Transaction | None
) -> bool:
    """True when the SSO session (if any) cannot answer this request without a login."""
    if session is None:
        return True
    if transaction is not None and transaction.authenticated_sid == session.sid:
        return False  # the user just signed in for this very request
    if "login" in extras.prompts:
        return True
    if extras.max_age is not None:
        age = int(time.time()) - session.auth_time
        if extras.max_age == 0 or age > extras.max_age:
            return True
    return extras.connection is not None and extras.connection != session.connection
