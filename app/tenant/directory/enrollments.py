"""MFA enrollments (Guardian authenticators) of a user.

Contract: `enrollments_of` is the body of GET /users/{id}/enrollments;
`remove_provider` is DELETE /users/{id}/multifactor/{provider}.
"""

from __future__ import annotations

import secrets
import sqlite3
from typing import Any

from app.tenant.directory.store import now_iso, write

#: Multifactor providers a current_user token may remove, and how each enrolls.
MULTIFACTOR_PROVIDERS = {
    "google-authenticator": {"type": "authenticator", "auth_method": "authenticator"},
    "duo": {"type": "duo", "auth_method": "guardian"},
}


def add_enrollment(
    conn: sqlite3.Connection,
    user_id: str,
    provider: str,
    *,
    name: str | None = None,
    status: str = "confirmed",
) -> str:
    """Enroll the user with `provider`; returns the enrollment id (`dev_...`)."""
    kind = MULTIFACTOR_PROVIDERS[provider]
    enrollment_id = "dev_" + secrets.token_hex(8)
    now = now_iso()
    with write(conn):
        conn.execute(
            "INSERT INTO directory_enrollments (id, user_id, provider, status, type,"
            " auth_method, name, enrolled_at, last_auth) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (enrollment_id, user_id, provider, status, kind["type"], kind["auth_method"],
             name, now, now if status == "confirmed" else None),
        )
        conn.execute(
            "UPDATE directory_users SET multifactor_last_modified = ? WHERE user_id = ?",
            (now, user_id),
        )
    return enrollment_id


def enrollments_of(conn: sqlite3.Connection, user_id: str) -> list[dict[str, Any]]:
    """The user's enrollments as Auth0 lists them (`[]` when none)."""
    rows = conn.execute(
        "SELECT * FROM directory_enrollments WHERE user_id = ? ORDER BY enrolled_at, rowid",
        (user_id,),
    ).fetchall()
    out = []
    for row in rows:
        item = {
            "id": row["id"],
            "status": row["status"],
            "type": row["type"],
            "auth_method": row["auth_method"],
            "enrolled_at": row["enrolled_at"],
        }
        if row["name"]:
            item["name"] = row["name"]
        if row["last_auth"]:
            item["last_auth"] = row["last_auth"]
        out.append(item)
    return out


def providers_of(conn: sqlite3.Connection, user_id: str) -> list[str]:
    """The multifactor providers the user has confirmed (the user's `multifactor`)."""
    rows = conn.execute(
        "SELECT DISTINCT provider FROM directory_enrollments"
        " WHERE user_id = ? AND status = 'confirmed' ORDER BY provider",
        (user_id,),
    ).fetchall()
    return [row["provider"] for row in rows]


def remove_provider(conn: sqlite3.Connection, user_id: str, provider: str) -> int:
    """Delete the user's enrollments with `provider`; returns how many were removed."""
    with write(conn):
        removed = conn.execute(
            "DELETE FROM directory_enrollments WHERE user_id = ? AND provider = ?",
            (user_id, provider),
        ).rowcount
        if removed:
            conn.execute(
                "UPDATE directory_users SET multifactor_last_modified = ? WHERE user_id = ?",
                (now_iso(), user_id),
            )
    return removed
