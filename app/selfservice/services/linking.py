"""Linked identities: listing, unlinking, and the pending link's preview and confirmation.

Contract:
- `PendingLinks`: where the pending link of this session is (`current()`, `clear()`);
  the view layer passes `app.auth.session`'s. `waiting_link(links, user_id)` is the
  pending link, or 404 `no_pending_link` (none, or it expired: then it is dropped), or
  409 `link_same_account` (its other sign-in is this account: it is dropped, nothing
  is ever asked of the tenant).
- `identities(account, can_link=..., connection_names=..., link_url=...)`: the
  `Identities` answer; `link_url(name)` is where `/link/<name>` is mounted.
- `unlink(account, provider, identity_user_id)`: 400 `main_identity`, 404
  `identity_not_found`, else the remaining identities.
- `preview(account, links, primary_email)`: `linking.preview` with the other account's
  metadata read with its own token (`read_secondary_metadata`: None when it cannot be).
- `confirm(account, links, copy_metadata=...)`: the link, in this order: with
  `copy_metadata`, the other account's metadata is read (409 `metadata_unreadable`),
  and under the metadata lock the copy plan's patch is validated (422
  `invalid_metadata`) and written first, so that if the link then fails nothing is
  lost; then `link_with` = the other account's raw ID token (409 `identity_exists`,
  400 `link_rejected` with `tenant_message`); the cached profiles are dropped and the
  pending link is cleared once linked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from app.web.problems import Problem

from .. import linking
from ..client import Caller, ManagementClient, ManagementHTTPError
from ..linking import NOTHING_TO_COPY, CopyPlan, PendingLink
from ..metadata import validate_changes
from ..models import (
    Connection,
    Identities,
    Identity,
    IdentityList,
    Linked,
    MainIdentity,
    PendingLinkView,
    invalid,
)
from ..profile import identity_body, main_identity
from .account import Account


class PendingLinks(Protocol):
    def current(self) -> PendingLink | None: ...
    def clear(self) -> None: ...


def waiting_link(links: PendingLinks, user_id: str) -> PendingLink:
    pending = links.current()
    if pending is not None and linking.is_expired(pending):
        links.clear()
        pending = None
    if pending is None:
        raise Problem(404, "no_pending_link", "No account is waiting to be linked. Start"
                      " again from Linked accounts.")
    if linking.is_same_account(pending, user_id):
        # `/link/callback` already refuses this (app.auth.flow.check_secondary); kept as
        # the account API's own guard, since it must never link an account to itself
        # whatever stored the pending link. Forget it: the page offers the connections.
        links.clear()
        raise Problem(409, "link_same_account", "You signed in to the account you are"
                      " already signed in to, so there is nothing to link. To link another"
                      " sign-in, choose it under Linked accounts and sign in to that account.")
    return pending


def _identities(raw: list[dict[str, Any]]) -> list[Identity]:
    return [Identity.model_validate(identity_body(i)) for i in raw]


def identities(account: Account, *, can_link: bool, connection_names: tuple[str, ...],
               link_url: Callable[[str], str]) -> Identities:
    user = account.profiles.load(account.client, account.caller, account.session_id)
    raw = user.get("identities") or []
    main = main_identity(user) or {}
    linked = {identity.get("connection") for identity in raw}
    return Identities(
        identities=_identities(raw),
        main=MainIdentity(provider=main.get("provider"), user_id=str(main.get("user_id"))),
        connections=[
            Connection(name=c.name, strategy=c.strategy, linked=c.name in linked,
                       linkable=can_link and c.name not in linked, link_url=link_url(c.name))
            for c in linking.connections(connection_names)
        ],
    )


def unlink(account: Account, provider: str, identity_user_id: str) -> IdentityList:
    client, profiles = account.client, account.profiles
    user = profiles.fresh(client, account.caller, account.session_id)
    main = main_identity(user) or {}
    if (main.get("provider"), str(main.get("user_id"))) == (provider, identity_user_id):
        raise Problem(400, "main_identity", "This is the identity your account was created"
                      " with; it cannot be unlinked. Unlink the other identities instead.")
    known = {(i.get("provider"), str(i.get("user_id"))) for i in user.get("identities") or []}
    if (provider, identity_user_id) not in known:
        raise Problem(404, "identity_not_found", "No identity with this provider and id is"
                      " linked to your account.")
    try:
        remaining = client.unlink_identity(account.caller, provider, identity_user_id)
    finally:
        profiles.invalidate(account.user_id)
    return IdentityList(
        identities=_identities(remaining),
        detail="Unlinked. That sign-in is a separate account again, with its own empty"
        " profile; your preferences stay with this account.",
    )


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
    except ManagementHTTPError:
        return None


def preview(account: Account, links: PendingLinks, primary_email: str | None
            ) -> PendingLinkView:
    pending = waiting_link(links, account.user_id)
    return linking.preview(pending, primary_email,
                           read_secondary_metadata(account.client, pending),
                           account.metadata_schema)


def _copy_metadata(account: Account, pending: PendingLink) -> CopyPlan:
    secondary_metadata = read_secondary_metadata(account.client, pending)
    if secondary_metadata is None:
        raise Problem(409, "metadata_unreadable", "The other account's preferences cannot"
                      " be read, so they cannot be copied. Link without copying, or cancel.")
    client, profiles = account.client, account.profiles
    with account.metadata_lock():
        current = profiles.fresh(client, account.caller, account.session_id).get(
            "user_metadata") or {}
        plan = linking.copy_plan(current, secondary_metadata, account.metadata_schema)
        errors = validate_changes(plan.patch, current, account.metadata_schema)
        if errors:
            raise invalid(errors, code="invalid_metadata", status=422)
        if plan.patch:
            try:
                client.update_user_metadata(account.caller, plan.patch)
            finally:
                profiles.invalidate(account.user_id)
    return plan


def confirm(account: Account, links: PendingLinks, *, copy_metadata: bool) -> Linked:
    pending = waiting_link(links, account.user_id)
    # Copy before linking: if the link then fails, nothing is lost.
    plan = _copy_metadata(account, pending) if copy_metadata else NOTHING_TO_COPY
    try:
        linked = account.client.link_identity(account.caller, pending.id_token)
    except ManagementHTTPError as error:
        kept = " The copied preferences stay on your account." if plan.copied_keys else ""
        if error.status == 409:
            raise Problem(409, "identity_exists", "That sign-in is already linked to an"
                          " account." + kept, copied_keys=plan.copied_keys) from error
        if error.status == 400:
            raise Problem(400, "link_rejected", "The account service refused to link the"
                          f" other account: {error.tenant_message}{kept}",
                          tenant_message=error.tenant_message,
                          copied_keys=plan.copied_keys) from error
        raise
    finally:
        account.profiles.invalidate(account.user_id)
    links.clear()
    return Linked(identities=_identities(linked), copied_keys=plan.copied_keys,
                  skipped_keys=plan.skipped_keys, not_copied_keys=plan.not_copied_keys)
