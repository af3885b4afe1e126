"""POST /users/{id}/identities (link) and DELETE /users/{id}/identities/{provider}/{user_id}."""

from __future__ import annotations

import json

from app.tenant import directory
from app.tenant.db import get_db
from app.tenant.management import bp, scopes
from app.tenant.management.auth import caller, require_scope, require_self
from app.tenant.management.errors import (
    ApiError,
    inexistent_user,
    insufficient_scope,
    invalid_uri,
    json_response,
)
from app.tenant.management.link_with import secondary_user_id
from app.tenant.management.validation import (
    body_object,
    expect_min_properties,
    expect_no_additional,
    expect_type,
)

#: Auth0's identity provider names (the OpenAPI subset's UserIdentityProviderEnum).
IDENTITY_PROVIDERS = frozenset(
    "ad adfs amazon apple dropbox bitbucket auth0-oidc auth0 baidu bitly box custom daccount"
    " dwolla email evernote-sandbox evernote exact facebook fitbit github google-apps"
    " google-oauth2 instagram ip line linkedin oauth1 oauth2 office365 oidc okta paypal"
    " paypal-sandbox pingfederate planningcenter salesforce-community salesforce-sandbox"
    " salesforce samlp sharepoint shopify shop sms soundcloud thirtysevensignals twitter"
    " untappd vkontakte waad weibo windowslive wordpress yahoo yandex".split()
)
_LINK_PROPERTIES = ("provider", "connection_id", "user_id", "link_with")


@bp.post("/users/<user_id>/identities")
def link_identity(user_id: str):
    who = caller()
    require_scope(who, scopes.IDENTITIES)
    body = body_object()
    expect_no_additional(body, _LINK_PROPERTIES)
    expect_min_properties(body, 1)
    if "link_with" not in body:
        # Linking by provider and user_id needs update:users; current_user tokens
        # can only prove the secondary account with its ID token.
        raise insufficient_scope(("update:users",))
    expect_type(body["link_with"], "string", "link_with")
    require_self(who, user_id)
    secondary_id = secondary_user_id(body["link_with"], who.azp)
    try:
        linked = directory.link_user(get_db(), user_id, secondary_id)
    except directory.IdentityAlreadyExists as exc:
        raise ApiError(409, str(exc)) from exc
    except (directory.SameIdentity, directory.SecondaryNotFound) as exc:
        raise ApiError(400, str(exc), "invalid_body") from exc
    except directory.UserNotFound as exc:
        raise inexistent_user() from exc
    return json_response(linked, 201)


@bp.delete("/users/<user_id>/identities/<provider>/<provider_user_id>")
def unlink_identity(user_id: str, provider: str, provider_user_id: str):
    who = caller()
    require_scope(who, scopes.IDENTITIES)
    if provider not in IDENTITY_PROVIDERS:
        raise invalid_uri(f"No enum match for: {json.dumps(provider)}", "provider")
    require_self(who, user_id)
    try:
        remaining = directory.unlink_identity(get_db(), user_id, provider, provider_user_id)
    except directory.MainIdentityRemoval as exc:
        raise ApiError(400, str(exc), "invalid_uri") from exc
    except directory.IdentityNotLinked as exc:
        # Not documented by Auth0; 400 "invalid request URI" is the answer its
        # OpenAPI description allows for a path naming no linked identity.
        raise ApiError(400, str(exc), "invalid_uri") from exc
    except directory.UserNotFound as exc:
        raise inexistent_user() from exc
    return json_response(remaining)
