"""Account linking: a secondary user's identities join a primary user, and leave again.

Contract (Auth0's): after `link_user` the secondary user no longer exists and its
metadata is not merged; after `unlink_identity` the identity is a user of its own
again, with the profile it had when it was linked.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from app.tenant.directory import identities, users
from app.tenant.directory.errors import (
    IdentityAlreadyExists,
    IdentityNotLinked,
    MainIdentityRemoval,
    SameIdentity,
    SecondaryNotFound,
    UserNotFound,
)
from app.tenant.directory.identities import Identity, identities_json
from app.tenant.directory.store import write


def _split(user_id: str) -> tuple[str, str]:
    provider, sep, provider_user_id = user_id.partition("|")
    if not sep or not provider_user_id:
        raise SecondaryNotFound()
    return provider, provider_user_id


def link_user(
    conn: sqlite3.Connection, primary_id: str, secondary_id: str
) -> list[dict[str, Any]]:
    """Link the user `secondary_id` into `primary_id`; returns the primary's identities."""
    if secondary_id == primary_id:
        raise SameIdentity()
    with write(conn):
        if not users.user_exists(conn, primary_id):
            raise UserNotFound()
        provider, provider_user_id = _split(secondary_id)
        identity = identities.find_identity(conn, provider, provider_user_id)
        if identity is not None and identity.owner_id == primary_id:
            raise IdentityAlreadyExists()
        row = conn.execute(
            "SELECT * FROM directory_users WHERE user_id = ?", (secondary_id,)
        ).fetchone()
        if row is None or identity is None:
            raise SecondaryNotFound()
        # The main identity keeps the secondary's profile as profileData, as Auth0 shows it.
        identities.set_owner(conn, identity, secondary_id, users.profile_of(row))
        identities.move_identities(conn, secondary_id, primary_id)
        users.delete_user(conn, secondary_id)
        return identities_json(conn, primary_id)


def unlink_identity(
    conn: sqlite3.Connection, primary_id: str, provider: str, provider_user_id: str
) -> list[dict[str, Any]]:
    """Unlink the identity; it becomes its own user again. Returns the remaining identities."""
    with write(conn):
        if not users.user_exists(conn, primary_id):
            raise UserNotFound()
        if f"{provider}|{provider_user_id}" == primary_id:
            raise MainIdentityRemoval()
        identity = identities.find_identity(conn, provider, provider_user_id)
        if identity is None or identity.owner_id != primary_id:
            raise IdentityNotLinked()
        _restore_user(conn, identity)
        return identities_json(conn, primary_id)


def _restore_user(conn: sqlite3.Connection, identity: Identity) -> None:
    """Recreate the user the identity was before it was linked, and give it back."""
    users.insert_user(conn, identity.full_id, identity.profile_data)
    identities.set_owner(conn, identity, identity.full_id)
