"""The tenant's single sign-on session: a server-side row and a signed cookie naming it.

Contract: the cookie (`auth0`, as on Auth0; HttpOnly, Path=/; over https SameSite=None
and Secure as on Auth0, so that a silent sign-in in a cross-site iframe carries it; over
plain http, where browsers refuse SameSite=None, SameSite=Lax) carries
`sid`, `user_id` and `auth_time`, signed with the tenant's secret key. A session is
current only while its row exists (logout deletes it) and its user still exists (a
user linked into another one is gone). Each client that received tokens under a
session is recorded, so logout knows whom to tell on the back channel.
"""

from __future__ import annotations

import secrets
import sqlite3
import time
from dataclasses import dataclass

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

from app.tenant import directory
from app.tenant.db import register_schema

register_schema(
    """
    CREATE TABLE IF NOT EXISTS sso_sessions (
        sid TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        connection TEXT NOT NULL,
        auth_time INTEGER NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS sso_session_clients (
        sid TEXT NOT NULL REFERENCES sso_sessions (sid) ON DELETE CASCADE,
        client_id TEXT NOT NULL,
        PRIMARY KEY (sid, client_id)
    );
    """
)

TABLES = ("sso_session_clients", "sso_sessions")
COOKIE_NAME = "auth0"
#: Auth0's default inactivity timeout for the tenant session is three days.
COOKIE_MAX_AGE = 3 * 24 * 3600


@dataclass(frozen=True)
class SsoSession:
    sid: str
    user_id: str
    connection: str
    auth_time: int


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="tenant-sso-session")


def current_session(conn: sqlite3.Connection) -> SsoSession | None:
    """The browser's live session, or None (no cookie, bad signature, ended, user gone)."""
    raw = request.cookies.get(COOKIE_NAME)
    if not raw:
        return None
    try:
        data = _serializer().loads(raw)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    session = get_session(conn, data.get("sid"))
    if session is None or session.user_id != data.get("user_id"):
        return None
    if not directory.user_exists(conn, session.user_id):
        return None
    return session


def start_session(conn: sqlite3.Connection, user_id: str, connection: str) -> SsoSession:
    session = SsoSession(
        sid=secrets.token_urlsafe(24), user_id=user_id, connection=connection,
        auth_time=int(time.time()),
    )
    conn.execute(
        "INSERT INTO sso_sessions (sid, user_id, connection, auth_time, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (session.sid, user_id, connection, session.auth_time, session.auth_time),
    )
    conn.commit()
    return session


def set_cookie(response: Response, session: SsoSession) -> None:
    value = _serializer().dumps(
        {"sid": session.sid, "user_id": session.user_id, "auth_time": session.auth_time}
    )
    response.set_cookie(
        COOKIE_NAME, value, max_age=COOKIE_MAX_AGE, path="/", httponly=True,
        samesite=_same_site(), secure=request.is_secure,
    )


def _same_site() -> str:
    return "None" if request.is_secure else "Lax"


def clear_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite=_same_site(),
                           secure=request.is_secure)


def add_client(conn: sqlite3.Connection, sid: str, client_id: str) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO sso_session_clients (sid, client_id) VALUES (?, ?)",
        (sid, client_id),
    )
    conn.commit()


def get_session(conn: sqlite3.Connection, sid: str | None) -> SsoSession | None:
    row = conn.execute("SELECT * FROM sso_sessions WHERE sid = ?", (sid,)).fetchone()
    if row is None:
        return None
    return SsoSession(row["sid"], row["user_id"], row["connection"], row["auth_time"])


def end_session(conn: sqlite3.Connection, sid: str) -> list[str]:
    """Delete the session; the ids of the clients that had tokens under it."""
    rows = conn.execute(
        "SELECT client_id FROM sso_session_clients WHERE sid = ? ORDER BY client_id", (sid,)
    ).fetchall()
    conn.execute("DELETE FROM sso_session_clients WHERE sid = ?", (sid,))
    conn.execute("DELETE FROM sso_sessions WHERE sid = ?", (sid,))
    conn.commit()
    return [row["client_id"] for row in rows]


def clear_all(conn: sqlite3.Connection) -> None:
    for table in TABLES:
        conn.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
    conn.commit()
