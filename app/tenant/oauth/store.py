"""What the authorization server keeps between requests: codes, refresh tokens, login
transactions; each row comes back as the model authlib's grants expect.

Contract: a code is consumed by the lookup that finds it (`take_code`), so a code works
once even under concurrent redemptions; a refresh token likewise (`take_refresh_token`),
which is what rotation needs. Every refresh token belongs to a family (the tokens
rotated from one sign-in); presenting one that was already rotated revokes the whole
family, the newest token included (Auth0's reuse detection). Secrets (codes, refresh
tokens, opaque access tokens) are stored as SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import time
from dataclasses import dataclass
from typing import Any

from authlib.oauth2.rfc6749 import ClientMixin
from authlib.oidc.core import AuthorizationCodeMixin

from app.tenant.db import register_column, register_schema

register_schema(
    """
    CREATE TABLE IF NOT EXISTS oauth_codes (
        code_hash TEXT PRIMARY KEY,
        client_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        redirect_uri TEXT NOT NULL,
        scope TEXT NOT NULL,
        audience TEXT,
        nonce TEXT,
        code_challenge TEXT,
        code_challenge_method TEXT,
        sid TEXT NOT NULL,
        auth_time INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS oauth_refresh_tokens (
        token_hash TEXT PRIMARY KEY,
        client_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        scope TEXT NOT NULL,
        audience TEXT,
        sid TEXT NOT NULL,
        auth_time INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked INTEGER NOT NULL DEFAULT 0,
        family TEXT
    );
    CREATE TABLE IF NOT EXISTS oauth_opaque_tokens (
        token_hash TEXT PRIMARY KEY,
        client_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        scope TEXT NOT NULL,
        expires_at INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS oauth_transactions (
        id TEXT PRIMARY KEY,
        params TEXT NOT NULL,
        connection TEXT,
        login_hint TEXT,
        created_at INTEGER NOT NULL,
        authenticated_sid TEXT
    );
    """
)

# Data folders made before refresh token families existed get the column on start.
register_column("oauth_refresh_tokens", "family", "TEXT")

#: `oauth_refresh_tokens.revoked`: live, revoked (logout, /oauth/revoke, reuse), or
#: rotated (used once: presenting it again is reuse).
LIVE, REVOKED, ROTATED = 0, 1, 2

#: Tables `clear_all` empties on a reset.
TABLES = ("oauth_codes", "oauth_refresh_tokens", "oauth_opaque_tokens", "oauth_transactions")

#: Auth0's codes live for a short while; a minute is plenty for a redirect and a POST.
CODE_TTL = 60
#: A login page left open longer than this has to start over.
TRANSACTION_TTL = 3600


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class EndUser:
    """The signed-in user an authorization is for, with the SSO session it came from."""

    user_id: str
    sid: str
    auth_time: int


@dataclass(frozen=True)
class AuthorizationCode(AuthorizationCodeMixin):
    client_id: str
    user_id: str
    redirect_uri: str
    scope: str
    audience: str | None
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    sid: str
    auth_time: int

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def end_user(self) -> EndUser:
        return EndUser(self.user_id, self.sid, self.auth_time)


@dataclass(frozen=True)
class RefreshToken:
    client_id: str
    user_id: str
    scope: str
    audience: str | None
    sid: str
    auth_time: int
    family: str

    def get_scope(self) -> str:
        return self.scope

    def check_client(self, client: ClientMixin) -> bool:
        return client.get_client_id() == self.client_id

    def end_user(self) -> EndUser:
        return EndUser(self.user_id, self.sid, self.auth_time)


# -- codes ---------------------------------------------------------------------------


def save_code(conn: sqlite3.Connection, code: str, item: AuthorizationCode) -> None:
    conn.execute(
        "INSERT INTO oauth_codes (code_hash, client_id, user_id, redirect_uri, scope, audience,"
        " nonce, code_challenge, code_challenge_method, sid, auth_time, expires_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (_hash(code), item.client_id, item.user_id, item.redirect_uri, item.scope,
         item.audience, item.nonce, item.code_challenge, item.code_challenge_method,
         item.sid, item.auth_time, int(time.time()) + CODE_TTL),
    )
    conn.commit()


def take_code(conn: sqlite3.Connection, code: str, client_id: str) -> AuthorizationCode | None:
    """The unexpired code issued to `client_id`, deleted in the same statement (single use)."""
    rows = conn.execute(
        "DELETE FROM oauth_codes WHERE code_hash = ? RETURNING *", (_hash(code),)
    ).fetchall()
    conn.commit()
    row = rows[0] if rows else None
    if row is None or row["client_id"] != client_id or row["expires_at"] < time.time():
        return None
    fields = {k: row[k] for k in row.keys() if k not in ("code_hash", "expires_at")}
    return AuthorizationCode(**fields)


# -- refresh tokens ------------------------------------------------------------------


def new_refresh_token() -> str:
    return "v1." + secrets.token_urlsafe(48)


def new_family() -> str:
    """The family id of a refresh token issued at sign-in (rotations keep it)."""
    return secrets.token_urlsafe(16)


def save_refresh_token(
    conn: sqlite3.Connection, token: str, item: RefreshToken, ttl: int
) -> None:
    conn.execute(
        "INSERT INTO oauth_refresh_tokens (token_hash, client_id, user_id, scope, audience, sid,"
        " auth_time, expires_at, family) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (_hash(token), item.client_id, item.user_id, item.scope, item.audience, item.sid,
         item.auth_time, int(time.time()) + ttl, item.family),
    )
    conn.commit()


def take_refresh_token(
    conn: sqlite3.Connection, token: str, client_id: str
) -> RefreshToken | None:
    """The live refresh token of `client_id`, marked rotated in the same statement. A
    token already rotated is reuse: its whole family is revoked and None returned."""
    token_hash = _hash(token)
    rows = conn.execute(
        "UPDATE oauth_refresh_tokens SET revoked = ?"
        " WHERE token_hash = ? AND client_id = ? AND revoked = ? AND expires_at >= ?"
        " RETURNING *",
        (ROTATED, token_hash, client_id, LIVE, int(time.time())),
    ).fetchall()
    if not rows:
        conn.execute(
            "UPDATE oauth_refresh_tokens SET revoked = ? WHERE revoked = ? AND family IN"
            " (SELECT family FROM oauth_refresh_tokens"
            "  WHERE token_hash = ? AND client_id = ? AND revoked = ?)",
            (REVOKED, LIVE, token_hash, client_id, ROTATED),
        )
    conn.commit()
    if not rows:
        return None
    row = rows[0]
    return RefreshToken(
        client_id=row["client_id"], user_id=row["user_id"], scope=row["scope"],
        audience=row["audience"], sid=row["sid"], auth_time=row["auth_time"],
        family=row["family"] or new_family(),
    )


def revoke_refresh_token(conn: sqlite3.Connection, token: str, client_id: str) -> bool:
    """Revoke a refresh token of `client_id`; False when there was no such live token."""
    count = conn.execute(
        "UPDATE oauth_refresh_tokens SET revoked = ?"
        " WHERE token_hash = ? AND client_id = ? AND revoked = ?",
        (REVOKED, _hash(token), client_id, LIVE),
    ).rowcount
    conn.commit()
    return count > 0


# -- opaque access tokens (no audience: good for /userinfo only) ---------------------


@dataclass(frozen=True)
class OpaqueToken:
    client_id: str
    user_id: str
    scope: str


def save_opaque_token(conn: sqlite3.Connection, item: OpaqueToken, ttl: int) -> str:
    """Issue an opaque access token for `item`, valid `ttl` seconds; the token."""
    token = secrets.token_urlsafe(32)
    now = int(time.time())
    conn.execute(
        "DELETE FROM oauth_opaque_tokens WHERE expires_at < ?", (now,)
    )  # keeps the table to the live tokens
    conn.execute(
        "INSERT INTO oauth_opaque_tokens (token_hash, client_id, user_id, scope, expires_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (_hash(token), item.client_id, item.user_id, item.scope, now + ttl),
    )
    conn.commit()
    return token


def opaque_token(conn: sqlite3.Connection, token: str) -> OpaqueToken | None:
    """The live opaque access token `token`, or None."""
    row = conn.execute(
        "SELECT client_id, user_id, scope FROM oauth_opaque_tokens"
        " WHERE token_hash = ? AND expires_at >= ?", (_hash(token), int(time.time())),
    ).fetchone()
    return None if row is None else OpaqueToken(row["client_id"], row["user_id"], row["scope"])


# -- login transactions --------------------------------------------------------------


@dataclass(frozen=True)
class Transaction:
    """An /authorize request waiting for the user to sign in."""

    id: str
    params: list[tuple[str, str]]
    connection: str | None
    login_hint: str | None
    created_at: int
    authenticated_sid: str | None


def create_transaction(
    conn: sqlite3.Connection,
    params: list[tuple[str, str]],
    connection: str | None,
    login_hint: str | None,
) -> str:
    transaction_id = secrets.token_urlsafe(24)
    conn.execute(
        "INSERT INTO oauth_transactions (id, params, connection, login_hint, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (transaction_id, json.dumps(params), connection, login_hint, int(time.time())),
    )
    conn.commit()
    return transaction_id


def get_transaction(conn: sqlite3.Connection, transaction_id: str) -> Transaction | None:
    row = conn.execute(
        "SELECT * FROM oauth_transactions WHERE id = ? AND created_at >= ?",
        (transaction_id, int(time.time()) - TRANSACTION_TTL),
    ).fetchone()
    if row is None:
        return None
    params: Any = json.loads(row["params"])
    return Transaction(
        id=row["id"],
        params=[(k, v) for k, v in params],
        connection=row["connection"],
        login_hint=row["login_hint"],
        created_at=row["created_at"],
        authenticated_sid=row["authenticated_sid"],
    )


def mark_transaction_authenticated(conn: sqlite3.Connection, transaction_id: str, sid: str) -> None:
    conn.execute(
        "UPDATE oauth_transactions SET authenticated_sid = ? WHERE id = ?", (sid, transaction_id)
    )
    conn.commit()


def delete_transaction(conn: sqlite3.Connection, transaction_id: str) -> None:
    conn.execute("DELETE FROM oauth_transactions WHERE id = ?", (transaction_id,))
    conn.commit()


def clear_all(conn: sqlite3.Connection) -> None:
    for table in TABLES:
        conn.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
    conn.commit()


def refresh_token_client(conn: sqlite3.Connection, token: str) -> str | None:
    """The client a live refresh token was issued to, or None."""
    row = conn.execute(
        "SELECT client_id FROM oauth_refresh_tokens WHERE token_hash = ? AND revoked = ?",
        (_hash(token), LIVE),
    ).fetchone()
    return None if row is None else row["client_id"]
