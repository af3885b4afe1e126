"""Users: their profile, metadata and login record, and the Auth0 user JSON.

Contract: `get_user` returns exactly the user object Auth0's Management API
returns (GET /users/{id}); `profile_claims` the profile claims of an ID token.
"""

from __future__ import annotations

import hashlib
import sqlite3
from typing import Any
from urllib.parse import quote

from app.tenant.directory import enrollments, identities
from app.tenant.directory.errors import ProfileTooLarge, UserNotFound
from app.tenant.directory.identities import Identity
from app.tenant.directory.passwords import verify_password
from app.tenant.directory.store import dump, load, now_iso, write

DATABASE_CONNECTION = "Username-Password-Authentication"

#: The profile attributes a user row has, and each identity's profileData copies.
PROFILE_FIELDS = ("email", "email_verified", "name", "nickname", "given_name",
                  "family_name", "picture")


def default_picture(email: str | None, name: str) -> str:
    """Auth0's default avatar: a Gravatar URL falling back to the initials image."""
    digest = hashlib.md5((email or "").strip().lower().encode(), usedforsecurity=False)
    initials = "".join(part[0] for part in name.split()[:2]).lower() or "u"
    fallback = quote(f"https://cdn.auth0.com/avatars/{initials}.png", safe="")
    return f"https://s.gravatar.com/avatar/{digest.hexdigest()}?s=480&r=pg&d={fallback}"


def create_user(
    conn: sqlite3.Connection,
    identity: Identity,
    profile: dict[str, Any],
    *,
    login: str,
    password_hash: str | None = None,
    user_metadata: dict[str, Any] | None = None,
    app_metadata: dict[str, Any] | None = None,
) -> str:
    """Create a user whose main identity is `identity`; returns its user_id."""
    user_id = identity.full_id
    with write(conn):
        insert_user(conn, user_id, profile, user_metadata=user_metadata,
                    app_metadata=app_metadata)
        identities.insert_identity(conn, identity, login=login, password_hash=password_hash)
    return user_id


def insert_user(
    conn: sqlite3.Connection,
    user_id: str,
    profile: dict[str, Any],
    *,
    user_metadata: dict[str, Any] | None = None,
    app_metadata: dict[str, Any] | None = None,
) -> None:
    """Store the user row alone (its identities are the caller's), created and updated now."""
    now = now_iso()
    conn.execute(
        "INSERT INTO directory_users (user_id, email, email_verified, name, nickname,"
        " given_name, family_name, picture, user_metadata, app_metadata, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (user_id, profile.get("email"), int(bool(profile.get("email_verified"))),
         profile.get("name"), profile.get("nickname"), profile.get("given_name"),
         profile.get("family_name"), profile.get("picture"), dump(user_metadata),
         dump(app_metadata), now, now),
    )


def _row(conn: sqlite3.Connection, user_id: str) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT * FROM directory_users WHERE user_id = ?", (user_id,)
    ).fetchone()


def user_exists(conn: sqlite3.Connection, user_id: str) -> bool:
    return _row(conn, user_id) is not None


def profile_of(row: sqlite3.Row) -> dict[str, Any]:
    """The user's profile attributes that are set (what a linked identity's profileData
    holds); `email_verified` always is (a NOT NULL column)."""
    out: dict[str, Any] = {}
    for field in PROFILE_FIELDS:
        value = row[field]
        if value is None:
            continue
        out[field] = bool(value) if field == "email_verified" else value
    return out


def get_user(conn: sqlite3.Connection, user_id: str) -> dict[str, Any] | None:
    """The user as Auth0's GET /users/{id} returns it, or None."""
    row = _row(conn, user_id)
    if row is None:
        return None
    user: dict[str, Any] = {
        "user_id": row["user_id"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        **profile_of(row),
        "identities": identities.identities_json(conn, user_id),
    }
    for field in ("user_metadata", "app_metadata"):
        value = load(row[field])
        if value is not None:
            user[field] = value
    providers = enrollments.providers_of(conn, user_id)
    if providers:
        user["multifactor"] = providers
    if row["multifactor_last_modified"]:
        user["multifactor_last_modified"] = row["multifactor_last_modified"]
    if row["last_login"]:
        user["last_login"] = row["last_login"]
        user["logins_count"] = row["logins_count"]
    if row["last_ip"]:
        user["last_ip"] = row["last_ip"]
    return dict(sorted(user.items()))


def profile_claims(conn: sqlite3.Connection, user_id: str) -> dict[str, Any] | None:
    """The OIDC profile and email claims of the user, or None when there is no such user."""
    row = _row(conn, user_id)
    if row is None:
        return None
    return {**profile_of(row), "updated_at": row["updated_at"]}


def record_login(conn: sqlite3.Connection, user_id: str, ip: str | None = None) -> None:
    """Stamp a successful sign-in: `last_login` now, `logins_count` + 1 (and `last_ip`)."""
    with write(conn):
        conn.execute(
            "UPDATE directory_users SET last_login = ?, logins_count = logins_count + 1,"
            " last_ip = COALESCE(?, last_ip) WHERE user_id = ?",
            (now_iso(), ip, user_id),
        )


def authenticate(
    conn: sqlite3.Connection, connection: str, username: str, password: str
) -> str | None:
    """The user_id signed in by `username`/`password` on a database connection, or None.

    A database identity linked to another user signs in as that (primary) user.
    """
    if connection != DATABASE_CONNECTION:
        return None
    found = identities.find_by_login(conn, connection, username.strip())
    if found is None:
        return None
    identity, password_hash = found
    if password_hash is None or not verify_password(password, password_hash):
        return None
    return identity.owner_id


def metadata_of(conn: sqlite3.Connection, user_id: str) -> dict[str, Any] | None:
    """The user's user_metadata (None when it was never set)."""
    row = _row(conn, user_id)
    if row is None:
        raise UserNotFound()
    return load(row["user_metadata"])


def set_user_metadata(
    conn: sqlite3.Connection, user_id: str, metadata: dict[str, Any]
) -> None:
    """Replace the user's whole user_metadata and stamp `updated_at`."""
    with write(conn):
        changed = conn.execute(
            "UPDATE directory_users SET user_metadata = ?, updated_at = ? WHERE user_id = ?",
            (dump(metadata), now_iso(), user_id),
        ).rowcount
    if not changed:
        raise UserNotFound()


def profile_size(user: dict[str, Any]) -> int:
    """The size in bytes of the user's JSON profile, which Auth0 budgets."""
    return len(dump(user).encode())


def merge_user_metadata(
    conn: sqlite3.Connection,
    user_id: str,
    patch: dict[str, Any],
    *,
    max_profile_bytes: int | None = None,
) -> dict[str, Any]:
    """Apply Auth0's user_metadata PATCH rules atomically; returns the new metadata.

    First-level merge: each key of `patch` replaces the stored one, a `None` value
    deletes the key, and an empty `patch` removes all metadata. When the profile
    would grow beyond `max_profile_bytes`, nothing changes and `ProfileTooLarge`
    is raised.
    """
    with write(conn):
        current = metadata_of(conn, user_id) or {}
        if patch:
            merged = {**current, **patch}
            merged = {key: value for key, value in merged.items() if value is not None}
        else:
            merged = {}
        set_user_metadata(conn, user_id, merged)
        if max_profile_bytes is not None:
            user = get_user(conn, user_id)
            if user is not None and profile_size(user) > max_profile_bytes:
                raise ProfileTooLarge(max_profile_bytes)
    return merged


def delete_user(conn: sqlite3.Connection, user_id: str) -> None:
    """Delete the user with its identities, enrollments and device credentials."""
    with write(conn):
        conn.execute("DELETE FROM directory_users WHERE user_id = ?", (user_id,))
