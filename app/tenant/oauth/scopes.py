"""Which scopes the tenant grants: OIDC scopes, the Management API's current_user scopes
and the My Account API's `me:` scopes.

Contract: the granted scope is the requested one intersected with what the tenant knows,
in the order asked; an API's scopes only come with that API's audience (as on Auth0,
where an API's scopes belong to that API): `granted_scope(requested, api_scopes)` keeps
the OIDC scopes and those of `api_scopes`.
"""

from __future__ import annotations

OIDC_SCOPES = ("openid", "profile", "email", "offline_access")

#: The Management API scopes a user may consent to for their own account.
CURRENT_USER_SCOPES = (
    "read:current_user",
    "update:current_user_identities",
    "create:current_user_metadata",
    "update:current_user_metadata",
    "delete:current_user_metadata",
    "create:current_user_device_credentials",
    "delete:current_user_device_credentials",
)

#: The My Account API's scopes for authentication methods and factors (underscores since
#: 2025-12-12, AUTH0_WIRE_FACTS.md).
MY_ACCOUNT_SCOPES = (
    "read:me:authentication_methods",
    "create:me:authentication_methods",
    "update:me:authentication_methods",
    "delete:me:authentication_methods",
    "read:me:factors",
)

_KNOWN = frozenset(OIDC_SCOPES) | frozenset(CURRENT_USER_SCOPES) | frozenset(MY_ACCOUNT_SCOPES)


def _dedupe(scopes: list[str]) -> list[str]:
    return list(dict.fromkeys(scopes))


def allowed_scope(requested: str | None) -> str:
    """The requested scopes the tenant knows of (unknown ones are dropped, as Auth0 does)."""
    return " ".join(_dedupe([s for s in (requested or "").split() if s in _KNOWN]))


def granted_scope(requested: str | None, api_scopes: tuple[str, ...] = ()) -> str:
    """`allowed_scope`, keeping API scopes only when they are the audience's (`api_scopes`;
    none when no API audience was asked for)."""
    scopes = allowed_scope(requested).split()
    return " ".join(s for s in scopes if s in OIDC_SCOPES or s in api_scopes)


def has_scope(scope: str | None, name: str) -> bool:
    return name in (scope or "").split()
