"""Which scopes the tenant grants: OIDC scopes, and the Management API's current_user scopes.

Contract: the granted scope is the requested one intersected with what the tenant knows,
in the order asked; current_user scopes only come with the Management API audience (as on
Auth0, where an API's scopes belong to that API).
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

_KNOWN = frozenset(OIDC_SCOPES) | frozenset(CURRENT_USER_SCOPES)


def _dedupe(scopes: list[str]) -> list[str]:
    return list(dict.fromkeys(scopes))


def allowed_scope(requested: str | None) -> str:
    """The requested scopes the tenant knows of (unknown ones are dropped, as Auth0 does)."""
    return " ".join(_dedupe([s for s in (requested or "").split() if s in _KNOWN]))


def granted_scope(requested: str | None, audience: str | None) -> str:
    """`allowed_scope`, without API scopes when no API audience was asked for."""
    scopes = allowed_scope(requested).split()
    if audience is None:
        scopes = [s for s in scopes if s in OIDC_SCOPES]
    return " ".join(scopes)


def has_scope(scope: str | None, name: str) -> bool:
    return name in (scope or "").split()
