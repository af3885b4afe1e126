"""Device credentials (public keys registered by a user's devices).

Contract: one public key per (user, client, device); `create` raises
`DeviceKeyExists` for a second one, `delete` removes only the given user's own.
"""

from __future__ import annotations

import secrets
import sqlite3

from app.tenant.directory.errors import DeviceKeyExists
from app.tenant.directory.store import now_iso, write


def create_credential(
    conn: sqlite3.Connection,
    user_id: str,
    *,
    client_id: str,
    device_name: str,
    device_id: str,
    value: str,
    credential_type: str = "public_key",
) -> str:
    """Register the key; returns its id (`dcr_` + 16 characters, as Auth0's)."""
    credential_id = "dcr_" + secrets.token_hex(8)
    with write(conn):
        exists = conn.execute(
            "SELECT 1 FROM directory_device_credentials"
            " WHERE user_id = ? AND client_id = ? AND device_id = ? AND type = ?",
            (user_id, client_id, device_id, credential_type),
        ).fetchone()
        if exists:
            raise DeviceKeyExists()
        conn.execute(
            "INSERT INTO directory_device_credentials (id, user_id, client_id, device_name,"
            " device_id, type, value, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (credential_id, user_id, client_id, device_name, device_id, credential_type,
             value, now_iso()),
        )
    return credential_id


def credential_owner(conn: sqlite3.Connection, credential_id: str) -> str | None:
    """The user_id the credential belongs to, or None when there is no such credential."""
    row = conn.execute(
        "SELECT user_id FROM directory_device_credentials WHERE id = ?", (credential_id,)
    ).fetchone()
    return None if row is None else row["user_id"]


def delete_credential(conn: sqlite3.Connection, user_id: str, credential_id: str) -> bool:
    """Delete the user's own credential; False when the user has no such credential."""
    with write(conn):
        removed = conn.execute(
            "DELETE FROM directory_device_credentials WHERE id = ? AND user_id = ?",
            (credential_id, user_id),
        ).rowcount
    return removed > 0


def credentials_of(conn: sqlite3.Connection, user_id: str) -> list[dict[str, str]]:
    """The user's credentials (id, device_name, device_id, type, client_id), oldest first."""
    rows = conn.execute(
        "SELECT id, device_name, device_id, type, client_id FROM directory_device_credentials"
        " WHERE user_id = ? ORDER BY created_at, rowid",
        (user_id,),
    ).fetchall()
    return [dict(row) for row in rows]
