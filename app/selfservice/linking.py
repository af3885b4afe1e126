"""Linking another sign-in to the account: what the user sees before, and the link itself.

Contract:
- `connections(names)`: the connections `/link/<connection>` accepts (settings'
  `link_connections`) with their strategy, inferred from the name: the Management API
  that would tell is not self-service.
- `is_same_account(pending, user_id)`: the pending link's other sign-in is the account
  itself (nothing to link).
- `preview(client, pending, primary_email, schema)`: what linking `pending` will do:
  the other account's email and its warnings, and its `user_metadata` read with the
  other account's own token (that metadata is lost by linking unless copied), with
  the keys the metadata rules refuse (`not_copied_keys`);
  `read_secondary_metadata` is that read (None: it could not be read).
- `copy_plan(primary_metadata, secondary_metadata, schema)`: the merge patch that copies
  the secondary's keys the primary lacks. A key whose copy `metadata.change_errors`
  refuses (the schema does not allow it, or it breaks a rule) is never copied
  (`not_copied_keys`). Otherwise the primary's keys win: a key both have with different
  values keeps the primary's value and is reported in `skipped_keys`.
- `link(client, primary, pending)`: links with `link_with` = the secondary's raw ID token.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from .client import Caller, ManagementClient, TenantError
from .metadata import canonical_json, change_errors


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


def is_same_account(pending: PendingLink, user_id: str) -> bool:
    return pending.claims.get("sub") == user_id


def preview(
    client: ManagementClient, pending: PendingLink, primary_email: str | None,
    schema: Mapping[str, Any] | None = None,
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
    not_copied = copy_plan({}, secondary_metadata or {}, schema).not_copied_keys
    if not_copied:
        warnings.append({
            "code": "metadata_not_copied",
            "message": "These preferences of the other account are not accepted here and"
            f" cannot be copied; linking will drop them: {', '.join(not_copied)}.",
        })
    return {
        "connection": pending.connection,
        "email": email,
        "email_verified": verified,
        "email_matches": matches,
        "warnings": warnings,
        "user_metadata": secondary_metadata,
        "metadata_will_be_lost": secondary_metadata is None or bool(secondary_metadata),
        "not_copied_keys": not_copied,
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


@dataclass(frozen=True)
class CopyPlan:
    """How the secondary's metadata is copied: `patch` for the primary, and the keys
    copied, kept as the primary has them (`skipped_keys`), and refused by the rules."""

    patch: dict[str, Any]
    copied_keys: list[str]
    skipped_keys: list[str]
    not_copied_keys: list[str]


def copy_plan(
    primary: Mapping[str, Any], secondary: Mapping[str, Any],
    schema: Mapping[str, Any] | None = None,
) -> CopyPlan:
    """Copying `secondary` into `primary` (see module docstring); the primary wins."""
    patch: dict[str, Any] = {}
    skipped: list[str] = []
    refused: list[str] = []
    for key, value in secondary.items():
        if value is None:
            continue  # nothing to copy (and as a patch it would delete the primary's key)
        if change_errors(key, value, primary, schema):
            refused.append(key)
        elif key not in primary:
            patch[key] = value
        elif canonical_json(primary[key]) != canonical_json(value):
            skipped.append(key)
    return CopyPlan(patch, sorted(patch), sorted(skipped), sorted(refused))


def link(client: ManagementClient, primary: Caller, pending: PendingLink) -> list[dict[str, Any]]:
    return client.link_identity(primary, pending.id_token)
