"""The steps of a login after (or instead of) the password: a second factor, a passkey.

Contract (every step belongs to one login transaction, its `state`):
- `await_second_factor(conn, transaction_id, user_id, connection)`: the password was
  right and the user has second factors: the login waits for one of them.
  `pending_second_factor()` reads that state; `check_second_factor()` checks a code for
  one of the user's factors (a TOTP code, the code last sent to the outbox for an e-mail
  or phone factor, or a recovery code, which is then used up); after `MAX_ATTEMPTS`
  wrong codes the step is forgotten and the user starts the login again.
- `passkey_challenge(conn, transaction_id)` gives `navigator.credentials.get()` options;
  `passkey_sign_in(conn, transaction_id, credential)` verifies the assertion against the
  stored passkey and returns a one-time ticket (valid `TICKET_TTL` s, for this
  transaction only) that the login page on the tenant's own origin redeems with
  `redeem_ticket()`: the passkey ceremony runs on the rp.id's origin, the SSO cookie
  belongs to the issuer's (docs/myaccount.md).
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import time
from dataclasses import dataclass

from app.tenant.db import register_schema
from app.tenant.directory import authentication_methods as methods
from app.tenant.mfa import codes, outbox, relying_party

register_schema(
    """
    CREATE TABLE IF NOT EXISTS login_second_factor (
        transaction_id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        connection TEXT NOT NULL,
        sent_to TEXT,
        sent_code TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS login_passkey (
        transaction_id TEXT PRIMARY KEY,
        challenge TEXT,
        ticket_hash TEXT,
        user_id TEXT,
        ticket_expires_at INTEGER
    );
    """
)

TABLES = ("login_second_factor", "login_passkey")
MAX_ATTEMPTS = 5
TICKET_TTL = 60


@dataclass(frozen=True)
class PendingSecondFactor:
    transaction_id: str
    user_id: str
    connection: str
    sent_to: str | None  # the method id whose code was last sent
    attempts: int


def await_second_factor(conn: sqlite3.Connection, transaction_id: str, user_id: str,
                        connection: str) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO login_second_factor (transaction_id, user_id, connection,"
        " created_at) VALUES (?, ?, ?, ?)",
        (transaction_id, user_id, connection, int(time.time())),
    )
    conn.commit()


def pending_second_factor(conn: sqlite3.Connection,
                          transaction_id: str) -> PendingSecondFactor | None:
    row = conn.execute("SELECT * FROM login_second_factor WHERE transaction_id = ?",
                       (transaction_id,)).fetchone()
    if row is None:
        return None
    return PendingSecondFactor(row["transaction_id"], row["user_id"], row["connection"],
                               row["sent_to"], row["attempts"])


def send_code(conn: sqlite3.Connection, pending: PendingSecondFactor,
              factor: methods.SecondFactor) -> None:
    """Send a fresh code for an e-mail or phone factor to the outbox."""
    code = codes.new_otp()
    if factor.type == "email":
        outbox.deliver(conn, "email", factor.email or "", f"Your sign-in code is {code}")
    else:
        outbox.deliver(conn, "sms", factor.phone_number or "", f"Your sign-in code is {code}")
    conn.execute("UPDATE login_second_factor SET sent_to = ?, sent_code = ?"
                 " WHERE transaction_id = ?", (factor.method_id, code, pending.transaction_id))
    conn.commit()


def check_second_factor(conn: sqlite3.Connection, pending: PendingSecondFactor,
                        factor: methods.SecondFactor, code: str) -> bool:
    """True when `code` answers `factor` (then the step is over); False counts an attempt."""
    row = conn.execute("SELECT sent_to, sent_code FROM login_second_factor"
                       " WHERE transaction_id = ?", (pending.transaction_id,)).fetchone()
    if factor.type == "totp":
        good = factor.secret is not None and codes.totp_matches(factor.secret, code)
    elif factor.type == "recovery-code":
        good = methods.recovery_code_matches(factor, code)
    else:
        good = (row is not None and row["sent_to"] == factor.method_id
                and row["sent_code"] is not None and codes.otp_matches(row["sent_code"], code))
    if good:
        methods.mark_used(conn, factor)
        conn.execute("DELETE FROM login_second_factor WHERE transaction_id = ?",
                     (pending.transaction_id,))
    elif pending.attempts + 1 >= MAX_ATTEMPTS:
        conn.execute("DELETE FROM login_second_factor WHERE transaction_id = ?",
                     (pending.transaction_id,))
    else:
        conn.execute("UPDATE login_second_factor SET attempts = attempts + 1"
                     " WHERE transaction_id = ?", (pending.transaction_id,))
    conn.commit()
    return good


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def passkey_challenge(conn: sqlite3.Connection, transaction_id: str) -> dict:
    options, challenge = relying_party.authentication_options()
    conn.execute(
        "INSERT OR REPLACE INTO login_passkey (transaction_id, challenge) VALUES (?, ?)",
        (transaction_id, challenge),
    )
    conn.commit()
    return options


def passkey_sign_in(conn: sqlite3.Connection, transaction_id: str, credential: dict) -> str:
    """A one-time ticket for the user whose passkey answered the challenge.

    Raises `relying_party.PasskeyRejected` when there was no challenge, the passkey is
    unknown, or the assertion does not verify. A challenge is used once, either way.
    """
    row = conn.execute("SELECT challenge FROM login_passkey WHERE transaction_id = ?",
                       (transaction_id,)).fetchone()
    conn.execute("UPDATE login_passkey SET challenge = NULL WHERE transaction_id = ?",
                 (transaction_id,))
    conn.commit()
    if row is None or not row["challenge"]:
        raise relying_party.PasskeyRejected("no passkey challenge for this sign-in")
    key_id = credential.get("rawId") or credential.get("id")
    key = methods.passkey_by_credential(conn, key_id) if isinstance(key_id, str) else None
    if key is None:
        raise relying_party.PasskeyRejected("this passkey is not enrolled here")
    verified = relying_party.verify_authentication(credential, row["challenge"],
                                                   key.public_key, key.sign_count)
    methods.record_passkey_use(conn, key, verified.new_sign_count)
    ticket = secrets.token_urlsafe(32)
    conn.execute(
        "UPDATE login_passkey SET ticket_hash = ?, user_id = ?, ticket_expires_at = ?"
        " WHERE transaction_id = ?",
        (_hash(ticket), key.user_id, int(time.time()) + TICKET_TTL, transaction_id),
    )
    conn.commit()
    return ticket


def redeem_ticket(conn: sqlite3.Connection, transaction_id: str, ticket: str) -> str | None:
    """The user a passkey signed in for this transaction; the ticket works once."""
    rows = conn.execute(
        "DELETE FROM login_passkey WHERE transaction_id = ? AND ticket_hash = ?"
        " RETURNING user_id, ticket_expires_at",
        (transaction_id, _hash(ticket)),
    ).fetchall()
    conn.commit()
    if not rows or rows[0]["ticket_expires_at"] < time.time():
        return None
    return rows[0]["user_id"]


def clear_all(conn: sqlite3.Connection) -> None:
    for table in TABLES:
        conn.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
    conn.commit()
