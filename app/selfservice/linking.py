"""Linking another sign-in to the account: the rules, without I/O.

Contract:
- `connections(names)`: the connections `/link/<connection>` accepts (settings'
  `link_connections`) with their strategy, inferred from the name: the Management API
  that would tell is not self-service.
- `PendingLink`: what `app.auth.session.pending_link()` returns; `is_expired(pending)`,
  `is_same_account(pending, user_id)` (its other sign-in is the account itself).
- `preview(pending, primary_email, secondary_metadata, schema)`: the `PendingLinkView`
  of what linking will do: the other account's email and the warnings, its
  `user_metadata` (None: it could not be read; it is lost by linking unless copied),
  and the keys the metadata rules refuse (`not_copied_keys`).
- `copy_plan(primary_metadata, secondary_metadata, schema)`: the merge patch that copies
  the secondary's keys the primary lacks. A key whose copy `metadata.change_errors`
  refuses (the schema does not allow it, or it breaks a rule) is never copied
  (`not_copied_keys`), whatever the primary holds, so that the preview, which does not
  read the primary, names the same keys. Otherwise the primary's keys win: a key both
  have with different values keeps the primary's value (`skipped_keys`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from .metadata import canonical_json, change_errors
from .models import LinkWarning, PendingLinkView


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


@dataclass(frozen=True)
class CopyPlan:
    """How the secondary's metadata is copied: `patch` for the primary, and the keys
    copied, kept as the primary has them (`skipped_keys`), and refused by the rules."""

    patch: dict[str, Any]
    copied_keys: list[str]
    skipped_keys: list[str]
    not_copied_keys: list[str]


NOTHING_TO_COPY = CopyPlan({}, [], [], [])


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


def preview(
    pending: PendingLink, primary_email: str | None,
    secondary_metadata: dict[str, Any] | None, schema: Mapping[str, Any] | None = None,
) -> PendingLinkView:
    """The `GET /api/me/link` answer for `pending` (see module docstring)."""
    claims = pending.claims
    email = claims.get("email")
    verified = bool(claims.get("email_verified"))
    matches = bool(email and primary_email and email.casefold() == primary_email.casefold())
    warnings: list[LinkWarning] = []
    if not matches:
        warnings.append(LinkWarning(
            code="email_differs",
            message=f"The other account's email ({email or 'none'}) is not this account's"
            f" ({primary_email or 'none'}). Link only if both accounts are yours."))
    if not verified:
        warnings.append(LinkWarning(
            code="email_unverified",
            message="The other account's email address is not verified, so nothing proves"
            " it belongs to you. Link only if you just signed in to it yourself."))
    if secondary_metadata is None:
        warnings.append(LinkWarning(
            code="metadata_unreadable",
            message="The other account's preferences could not be read, so they cannot be"
            " copied; linking will drop them."))
    not_copied = copy_plan({}, secondary_metadata or {}, schema).not_copied_keys
    if not_copied:
        warnings.append(LinkWarning(
            code="metadata_not_copied",
            message="These preferences of the other account are not accepted here and"
            f" cannot be copied; linking will drop them: {', '.join(not_copied)}."))
    return PendingLinkView(
        connection=pending.connection,
        email=email,
        email_verified=verified,
        email_matches=matches,
        warnings=warnings,
        user_metadata=secondary_metadata,
        metadata_will_be_lost=secondary_metadata is None or bool(secondary_metadata),
        not_copied_keys=not_copied,
        expires_at=int(pending.expires_at),
    )
