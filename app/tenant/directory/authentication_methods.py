"""The sign-in methods a user enrolled beyond the password: second factors and passkeys.

Contract:
- A second factor (`totp`, `email`, `phone`, `recovery-code`) is one row of
  `directory_enrollments` (what the Management API's `GET /users/{id}/enrollments` lists)
  plus one row of `mfa_factor_secrets` keyed by that enrollment's id (what checks a code).
  Deleting either way (the Management API's `DELETE /multifactor/{provider}`, the My
  Account API's `DELETE /authentication-methods/{id}`) removes both, so the two views
  never disagree. Its My Account id is `{type}|{enrollment id}`.
- A passkey is one row of `passkey_credentials`; Auth0 does not list passkeys among the
  Guardian enrollments. Its My Account id is `passkey|{row id}`.
- Secrets at rest: the TOTP key is kept (it must compute codes), a recovery code only as
  SHA-256 (it is 24 random characters, so no slow hash is needed).
Rows go when their user goes (foreign keys with ON DELETE CASCADE), so a directory reset
or a user linked into another one leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from dataclasses import dataclass
from typing import Any

from app.tenant.db import register_schema
from app.tenant.directory.store import dump, load, now_iso, write

register_schema(
    """
    CREATE TABLE IF NOT EXISTS mfa_factor_secrets (
        enrollment_id TEXT PRIMARY KEY
            REFERENCES directory_enrollments (id) ON DELETE CASCADE,
        user_id TEXT NOT NULL REFERENCES directory_users (user_id) ON DELETE CASCADE,
        method_type TEXT NOT NULL,
        secret TEXT,
        email TEXT,
        phone_number TEXT,
        preferred_method TEXT
    );
    CREATE TABLE IF NOT EXISTS passkey_credentials (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES directory_users (user_id) ON DELETE CASCADE,
        credential_id TEXT NOT NULL UNIQUE,
        public_key TEXT NOT NULL,
        sign_count INTEGER NOT NULL,
        transports TEXT,
        aaguid TEXT,
        user_handle TEXT NOT NULL,
        backed_up INTEGER NOT NULL,
        device_type TEXT NOT NULL,
        rp_id TEXT NOT NULL,
        user_agent TEXT,
        name TEXT,
        created_at TEXT NOT NULL,
        last_auth_at TEXT
    );
    """
)

#: How each second-factor type shows among the Guardian enrollments (provider, type,
#: auth_method). `google-authenticator` is the provider DELETE /multifactor/ removes.
FACTOR_ENROLLMENTS = {
    "totp": ("google-authenticator", "authenticator", "authenticator"),
    "phone": ("guardian", "sms", "sms"),
    "email": ("guardian", "email", "guardian"),
    "recovery-code": ("guardian", "recovery-code", "guardian"),
}
SECOND_FACTOR_TYPES = tuple(FACTOR_ENROLLMENTS)


def new_enrollment_id() -> str:
    return "dev_" + secrets.token_hex(8)


def hash_code(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


@dataclass(frozen=True)
class SecondFactor:
    """A confirmed second factor and what checks it."""

    method_id: str  # `{type}|{enrollment id}`
    enrollment_id: str
    user_id: str
    type: str
    secret: str | None  # TOTP key (base32) or the recovery code's SHA-256
    email: str | None
    phone_number: str | None
    preferred_method: str | None
    name: str | None
    created_at: str
    last_auth_at: str | None


@dataclass(frozen=True)
class Passkey:
    method_id: str  # `passkey|{row id}`
    user_id: str
    credential_id: str  # base64url
    public_key: str  # base64url COSE key
    sign_count: int
    transports: list[str]
    aaguid: str | None
    user_handle: str
    backed_up: bool
    device_type: str
    rp_id: str
    user_agent: str | None
    name: str | None
    created_at: str
    last_auth_at: str | None


def _factor(row: sqlite3.Row) -> SecondFactor:
    return SecondFactor(
        method_id=f"{row['method_type']}|{row['enrollment_id']}",
        enrollment_id=row["enrollment_id"], user_id=row["user_id"], type=row["method_type"],
        secret=row["secret"], email=row["email"], phone_number=row["phone_number"],
        preferred_method=row["preferred_method"], name=row["name"],
        created_at=row["enrolled_at"], last_auth_at=row["last_auth"],
    )


_FACTOR_SELECT = (
    "SELECT s.*, e.name, e.enrolled_at, e.last_auth FROM mfa_factor_secrets s"
    " JOIN directory_enrollments e ON e.id = s.enrollment_id"
)


def second_factors_of(conn: sqlite3.Connection, user_id: str) -> list[SecondFactor]:
    """The user's confirmed second factors, oldest first."""
    rows = conn.execute(
        _FACTOR_SELECT + " WHERE s.user_id = ? AND e.status = 'confirmed'"
        " ORDER BY e.enrolled_at, e.rowid", (user_id,),
    ).fetchall()
    return [_factor(row) for row in rows]


def add_second_factor(
    conn: sqlite3.Connection,
    user_id: str,
    method_type: str,
    *,
    secret: str | None = None,
    email: str | None = None,
    phone_number: str | None = None,
    preferred_method: str | None = None,
    name: str | None = None,
    enrollment_id: str | None = None,
) -> SecondFactor:
    """Record a confirmed second factor: its Guardian enrollment and its secret together."""
    provider, kind, auth_method = FACTOR_ENROLLMENTS[method_type]
    enrollment_id = enrollment_id or new_enrollment_id()
    now = now_iso()
    with write(conn):
        conn.execute(
            "INSERT INTO directory_enrollments (id, user_id, provider, status, type,"
            " auth_method, name, enrolled_at, last_auth) VALUES (?, ?, ?, 'confirmed', ?, ?,"
            " ?, ?, NULL)",
            (enrollment_id, user_id, provider, kind, auth_method, name, now),
        )
        conn.execute(
            "INSERT INTO mfa_factor_secrets (enrollment_id, user_id, method_type, secret,"
            " email, phone_number, preferred_method) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (enrollment_id, user_id, method_type, secret, email, phone_number,
             preferred_method),
        )
        conn.execute(
            "UPDATE directory_users SET multifactor_last_modified = ? WHERE user_id = ?",
            (now, user_id),
        )
    found = second_factor(conn, user_id, f"{method_type}|{enrollment_id}")
    assert found is not None
    return found


def attach_totp_secret(conn: sqlite3.Connection, enrollment_id: str, secret: str) -> None:
    """Give an existing `google-authenticator` enrollment its TOTP key (the demo seed)."""
    with write(conn):
        conn.execute(
            "INSERT INTO mfa_factor_secrets (enrollment_id, user_id, method_type, secret)"
            " SELECT id, user_id, 'totp', ? FROM directory_enrollments WHERE id = ?",
            (secret, enrollment_id),
        )


def second_factor(conn: sqlite3.Connection, user_id: str, method_id: str) -> SecondFactor | None:
    kind, _, enrollment_id = method_id.partition("|")
    row = conn.execute(
        _FACTOR_SELECT + " WHERE s.user_id = ? AND s.enrollment_id = ? AND s.method_type = ?",
        (user_id, enrollment_id, kind),
    ).fetchone()
    return None if row is None else _factor(row)


def mark_used(conn: sqlite3.Connection, factor: SecondFactor) -> None:
    """Record a successful use; a recovery code is used up by it (Auth0 then has the user
    enroll a new one; here the factor is simply gone)."""
    with write(conn):
        if factor.type == "recovery-code":
            conn.execute("DELETE FROM directory_enrollments WHERE id = ?",
                         (factor.enrollment_id,))
        else:
            conn.execute("UPDATE directory_enrollments SET last_auth = ? WHERE id = ?",
                         (now_iso(), factor.enrollment_id))


def recovery_code_matches(factor: SecondFactor, code: str) -> bool:
    return factor.secret is not None and hmac.compare_digest(factor.secret, hash_code(code))


def rename(conn: sqlite3.Connection, user_id: str, method_id: str, fields: dict[str, Any]) -> bool:
    """Set `name` and/or `preferred_authentication_method`; False when there is no such method."""
    kind, _, row_id = method_id.partition("|")
    with write(conn):
        if kind == "passkey":
            if "name" not in fields:
                return passkey(conn, user_id, method_id) is not None
            count = conn.execute("UPDATE passkey_credentials SET name = ? WHERE id = ?"
                                 " AND user_id = ?", (fields["name"], row_id, user_id)).rowcount
            return count > 0
        if second_factor(conn, user_id, method_id) is None:
            return False
        if "name" in fields:
            conn.execute("UPDATE directory_enrollments SET name = ? WHERE id = ?",
                         (fields["name"], row_id))
        if "preferred_authentication_method" in fields:
            conn.execute("UPDATE mfa_factor_secrets SET preferred_method = ?"
                         " WHERE enrollment_id = ?",
                         (fields["preferred_authentication_method"], row_id))
    return True


def delete_method(conn: sqlite3.Connection, user_id: str, method_id: str) -> bool:
    """Remove a second factor or a passkey of the user; False when there is none."""
    kind, _, row_id = method_id.partition("|")
    with write(conn):
        if kind == "passkey":
            count = conn.execute("DELETE FROM passkey_credentials WHERE id = ? AND user_id = ?",
                                 (row_id, user_id)).rowcount
        elif second_factor(conn, user_id, method_id) is None:
            count = 0
        else:
            count = conn.execute("DELETE FROM directory_enrollments WHERE id = ?",
                                 (row_id,)).rowcount
            conn.execute(
                "UPDATE directory_users SET multifactor_last_modified = ? WHERE user_id = ?",
                (now_iso(), user_id),
            )
    return count > 0


# -- passkeys ----------------------------------------------------------------------------


def _passkey(row: sqlite3.Row) -> Passkey:
    return Passkey(
        method_id="passkey|" + row["id"], user_id=row["user_id"],
        credential_id=row["credential_id"], public_key=row["public_key"],
        sign_count=row["sign_count"], transports=load(row["transports"]) or [],
        aaguid=row["aaguid"], user_handle=row["user_handle"], backed_up=bool(row["backed_up"]),
        device_type=row["device_type"], rp_id=row["rp_id"], user_agent=row["user_agent"],
        name=row["name"], created_at=row["created_at"], last_auth_at=row["last_auth_at"],
    )


def add_passkey(
    conn: sqlite3.Connection,
    user_id: str,
    *,
    credential_id: str,
    public_key: str,
    sign_count: int,
    transports: list[str],
    aaguid: str | None,
    user_handle: str,
    backed_up: bool,
    device_type: str,
    rp_id: str,
    user_agent: str | None,
) -> Passkey:
    row_id = new_enrollment_id()
    with write(conn):
        conn.execute(
            "INSERT INTO passkey_credentials (id, user_id, credential_id, public_key,"
            " sign_count, transports, aaguid, user_handle, backed_up, device_type, rp_id,"
            " user_agent, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (row_id, user_id, credential_id, public_key, sign_count, dump(transports), aaguid,
             user_handle, int(backed_up), device_type, rp_id, user_agent, now_iso()),
        )
    found = passkey(conn, user_id, "passkey|" + row_id)
    assert found is not None
    return found


def passkeys_of(conn: sqlite3.Connection, user_id: str) -> list[Passkey]:
    rows = conn.execute(
        "SELECT * FROM passkey_credentials WHERE user_id = ? ORDER BY created_at, rowid",
        (user_id,),
    ).fetchall()
    return [_passkey(row) for row in rows]


def passkey(conn: sqlite3.Connection, user_id: str, method_id: str) -> Passkey | None:
    kind, _, row_id = method_id.partition("|")
    if kind != "passkey":
        return None
    row = conn.execute("SELECT * FROM passkey_credentials WHERE id = ? AND user_id = ?",
                       (row_id, user_id)).fetchone()
    return None if row is None else _passkey(row)


def passkey_by_credential(conn: sqlite3.Connection, credential_id: str) -> Passkey | None:
    row = conn.execute("SELECT * FROM passkey_credentials WHERE credential_id = ?",
                       (credential_id,)).fetchone()
    return None if row is None else _passkey(row)


def record_passkey_use(conn: sqlite3.Connection, key: Passkey, sign_count: int) -> None:
    with write(conn):
        conn.execute(
            "UPDATE passkey_credentials SET sign_count = ?, last_auth_at = ? WHERE id = ?",
            (sign_count, now_iso(), key.method_id.partition("|")[2]),
        )


# -- the password -----------------------------------------------------------------------


def database_identity(conn: sqlite3.Connection, user_id: str) -> sqlite3.Row | None:
    """The user's identity on the database connection (the one with a password), if any."""
    return conn.execute(
        "SELECT provider, provider_user_id, connection, linked_at FROM directory_identities"
        " WHERE owner_id = ? AND password_hash IS NOT NULL ORDER BY rowid LIMIT 1",
        (user_id,),
    ).fetchone()


def set_password(conn: sqlite3.Connection, user_id: str, password_hash: str) -> None:
    with write(conn):
        conn.execute(
            "UPDATE directory_identities SET password_hash = ?"
            " WHERE owner_id = ? AND password_hash IS NOT NULL",
            (password_hash, user_id),
        )
        conn.execute("UPDATE directory_users SET updated_at = ? WHERE user_id = ?",
                     (now_iso(), user_id))
