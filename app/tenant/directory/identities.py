"""Identities: the sign-in accounts (database or social) a user owns.

Contract: each identity `(provider, provider_user_id)` belongs to exactly one user
(`owner_id`). A user's main identity is the one whose `provider|provider_user_id`
equals its user_id; the others are linked secondaries and carry `profileData`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from app.tenant.directory.store import dump, load, now_iso

#: Social providers whose user ids Auth0 writes as JSON numbers (GitHub's ids are integers).
_NUMERIC_ID_PROVIDERS = frozenset({"github"})


@dataclass(frozen=True)
class Identity:
    provider: str
    provider_user_id: str
    connection: str
    is_social: bool
    owner_id: str
    profile_data: dict[str, Any]

    @property
    def full_id(self) -> str:
        """The user_id the identity has when it is a user of its own: `provider|id`."""
        return f"{self.provider}|{self.provider_user_id}"

    def to_json(self, *, with_profile: bool) -> dict[str, Any]:
        """The identity as Auth0 lists it in a user's `identities`."""
        user_id: str | int = self.provider_user_id
        if self.provider in _NUMERIC_ID_PROVIDERS and user_id.isdigit():
            user_id = int(user_id)
        out: dict[str, Any] = {
            "connection": self.connection,
            "provider": self.provider,
            "user_id": user_id,
            "isSocial": self.is_social,
        }
        if with_profile:
            out["profileData"] = self.profile_data
        return out


def _from_row(row: sqlite3.Row) -> Identity:
    return Identity(
        provider=row["provider"],
        provider_user_id=row["provider_user_id"],
        connection=row["connection"],
        is_social=bool(row["is_social"]),
        owner_id=row["owner_id"],
        profile_data=load(row["profile_data"]),
    )


def insert_identity(
    conn: sqlite3.Connection,
    identity: Identity,
    *,
    login: str,
    password_hash: str | None = None,
) -> None:
    """Store a new identity; `login` is what its owner types or picks to sign in."""
    conn.execute(
        "INSERT INTO directory_identities (provider, provider_user_id, connection, is_social,"
        " login, password_hash, owner_id, profile_data, linked_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            identity.provider,
            identity.provider_user_id,
            identity.connection,
            int(identity.is_social),
            login.lower(),
            password_hash,
            identity.owner_id,
            dump(identity.profile_data),
            now_iso(),
        ),
    )


def identities_of(conn: sqlite3.Connection, owner_id: str) -> list[Identity]:
    """The user's identities, main identity first, then secondaries in link order."""
    rows = conn.execute(
        "SELECT * FROM directory_identities WHERE owner_id = ?"
        " ORDER BY (provider || '|' || provider_user_id) != owner_id, linked_at, rowid",
        (owner_id,),
    ).fetchall()
    return [_from_row(row) for row in rows]


def identities_json(conn: sqlite3.Connection, user_id: str) -> list[dict[str, Any]]:
    """The user's `identities` as Auth0 returns them (GET /users/{id}, link, unlink)."""
    return [
        identity.to_json(with_profile=identity.full_id != user_id)
        for identity in identities_of(conn, user_id)
    ]


def find_identity(
    conn: sqlite3.Connection, provider: str, provider_user_id: str
) -> Identity | None:
    row = conn.execute(
        "SELECT * FROM directory_identities WHERE provider = ? AND provider_user_id = ?",
        (provider, provider_user_id),
    ).fetchone()
    return None if row is None else _from_row(row)


def find_by_login(
    conn: sqlite3.Connection, connection: str, login: str
) -> tuple[Identity, str | None] | None:
    """The identity signed in to as `login` on `connection`, and its password hash."""
    row = conn.execute(
        "SELECT * FROM directory_identities WHERE connection = ? AND login = ?",
        (connection, login.lower()),
    ).fetchone()
    return None if row is None else (_from_row(row), row["password_hash"])


def move_identities(conn: sqlite3.Connection, from_owner: str, to_owner: str) -> None:
    """Give every identity of `from_owner` to `to_owner`, stamped as linked now."""
    conn.execute(
        "UPDATE directory_identities SET owner_id = ?, linked_at = ? WHERE owner_id = ?",
        (to_owner, now_iso(), from_owner),
    )


def set_owner(
    conn: sqlite3.Connection,
    identity: Identity,
    owner_id: str,
    profile_data: dict[str, Any] | None = None,
) -> None:
    """Move one identity to `owner_id`, optionally refreshing its stored profile."""
    conn.execute(
        "UPDATE directory_identities SET owner_id = ?, profile_data = ?, linked_at = ?"
        " WHERE provider = ? AND provider_user_id = ?",
        (
            owner_id,
            dump(identity.profile_data if profile_data is None else profile_data),
            now_iso(),
            identity.provider,
            identity.provider_user_id,
        ),
    )
