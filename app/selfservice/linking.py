"""Linking another sign-in to the account: what the user sees before, and the link itself.

Contract:
- `connections(names)`: the connections `/link/<connection>` accepts (settings'
  `link_connections`) with their strategy, inferred from the name: the Management API
  that would tell is not self-service.
- `preview(client, pending, primary_email)`: what linking `pending` will do:
  the other account's email and its warnings, and its `user_metadata` read with the
  other account's own token (that metadata is lost by linking unless copied);
  `read_secondary_metadata` is that read (None: it could not be read).
- `copy_plan(primary_metadata, secondary_metadata)`: the merge patch that copies the
  secondary's keys the primary lacks. The primary's keys win: a key both have with
  different values keeps the primary's value and is reported in `skipped_keys`.
- `link(client, primary, pending)`: links with `link_with` = the secondary's raw ID token.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Protocol

from .client import Caller, ManagementClient, TenantError
from .metadata import canonical_json


@dataclass(frozen=True)
class Connection:
    name: str
    strategy: str


#: Social connections whose name is, on Auth0, their strategy (the usual case).
SOCIAL_STRATEGIES = frozenset({
    "apple", "facebook", "github", "google-oauth2", "linkedin", "twitter", "windowslive",
    "amazon", "bitbucket", "dropbox", "instagram", "line", "paypal", "salesforce", "yahoo",
})


def connections(names: tuple[str, ...]) -> list[Connection]:
    """Connections by name; a name that is not a known social provider is a database."""
    return [Connection(name, name if name in SOCIAL_STRATEGIES else "auth0") for name in names]


class PendingLink(Protocol):
    """What `app.auth.session.pending_link()` returns (see docs/architecture.md)."""

    connection: str
    id_token: str
    claims: dict[str, Any]
    access_token: str | None
    expires_at: float


def is_expired(pending: PendingLink) -> bool:
    return pending.expires_at <= time.time()


def preview(
    client: ManagementClient, pending: PendingLink, primary_email: str | None
) -> dict[str, Any]:
    """The `GET /api/me/link` body for `pending` (see module docstring)."""
    claims = pending.claims
    email = claims.get("email")
    verified = bool(claims.get("email_verified"))
    matches = bool(email and primary_email and email.casefold() == primary_email.casefold())
    warnings: list[dict[str, str]] = []
    if not matches:
        warnings.append({
            "code": "email_differs",
            "message": f"The other account's email ({email or 'none'}) is not this account's"
            f" ({primary_email or 'none'}). Link only if both accounts are yours.",
        })
    if not verified:
        warnings.append({
            "code": "email_unverified",
            "message": "The other account's email address is not verified, so nothing proves"
            " it belongs to you. Link only if you just signed in to it yourself.",
        })
    secondary_metadata = read_secondary_metadata(client, pending)
    if secondary_metadata is None:
        warnings.append({
            "code": "metadata_unreadable",
            "message": "The other account's preferences could not be read, so they cannot be"
            " copied; linking will drop them.",
        })
    return {
        "connection": pending.connection,
        "email": email,
        "email_verified": verified,
        "email_matches": matches,
        "warnings": warnings,
        "user_metadata": secondary_metadata,
        "metadata_will_be_lost": secondary_metadata is None or bool(secondary_metadata),
        "expires_at": int(pending.expires_at),
    }


def read_secondary_metadata(
    client: ManagementClient, pending: PendingLink
) -> dict[str, Any] | None:
    """The other account's `user_metadata`, read with its own token; None when that token
    is missing or the tenant refuses it (e.g. it expired): the caller says so to the user.
    Outages still raise, so that they are reported as such."""
    if not pending.access_token:
        return None
    secondary = Caller(str(pending.claims["sub"]), pending.access_token)
    try:
        return client.get_user(secondary).get("user_metadata") or {}
    except TenantError:
        return None


def copy_plan(
    primary: dict[str, Any], secondary: dict[str, Any]
) -> tuple[dict[str, Any], list[str], list[str]]:
    """`(patch, copied_keys, skipped_keys)` copying `secondary` into `primary`; primary wins."""
    patch: dict[str, Any] = {}
    skipped: list[str] = []
    for key, value in secondary.items():
        if key not in primary:
            patch[key] = value
        elif canonical_json(primary[key]) != canonical_json(value):
            skipped.append(key)
    return patch, sorted(patch), sorted(skipped)


def link(client: ManagementClient, primary: Caller, pending: PendingLink) -> list[dict[str, Any]]:
    return client.link_identity(primary, pending.id_token)
