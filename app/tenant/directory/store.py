"""The directory's tables, and the small helpers its modules share.

Contract: the tables are registered with `app.tenant.db.register_schema` when this
module is imported; `write(conn)` is the unit of work every directory write uses.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from app.tenant.db import register_schema

register_schema(
    """
    CREATE TABLE IF NOT EXISTS directory_users (
        user_id TEXT PRIMARY KEY,
        email TEXT,
        email_verified INTEGER NOT NULL DEFAULT 0,
        name TEXT,
        nickname TEXT,
        given_name TEXT,
        family_name TEXT,
        picture TEXT,
        user_metadata TEXT,
        app_metadata TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        last_login TEXT,
        last_ip TEXT,
        logins_count INTEGER NOT NULL DEFAULT 0,
        multifactor_last_modified TEXT
    );
    CREATE TABLE IF NOT EXISTS directory_identities (
        provider TEXT NOT NULL,
        provider_user_id TEXT NOT NULL,
        connection TEXT NOT NULL,
        is_social INTEGER NOT NULL,
        login TEXT NOT NULL,
        password_hash TEXT,
        owner_id TEXT NOT NULL REFERENCES directory_users (user_id) ON DELETE CASCADE,
        profile_data TEXT NOT NULL,
        linked_at TEXT NOT NULL,
        PRIMARY KEY (provider, provider_user_id)
    );
    CREATE INDEX IF NOT EXISTS directory_identities_owner ON directory_identities (owner_id);
    CREATE UNIQUE INDEX IF NOT EXISTS directory_identities_login
        ON directory_identities (connection, login);
    CREATE TABLE IF NOT EXISTS directory_enrollments (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES directory_users (user_id) ON DELETE CASCADE,
        provider TEXT NOT NULL,
        status TEXT NOT NULL,
        type TEXT NOT NULL,
        auth_method TEXT NOT NULL,
        name TEXT,
        enrolled_at TEXT NOT NULL,
        last_auth TEXT
    );
    CREATE TABLE IF NOT EXISTS directory_device_credentials (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES directory_users (user_id) ON DELETE CASCADE,
        client_id TEXT NOT NULL,
        device_name TEXT NOT NULL,
        device_id TEXT NOT NULL,
        type TEXT NOT NULL,
        value TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (user_id, client_id, device_id, type)
    );
    """
)

#: Every directory table, children first (the order a wipe deletes in).
TABLES = (
    "directory_device_credentials",
    "directory_enrollments",
    "directory_identities",
    "directory_users",
)


def now_iso() -> str:
    """The current time as Auth0 writes it: ISO 8601, milliseconds, `Z`."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def dump(value: Any) -> str | None:
    return None if value is None else json.dumps(value, separators=(",", ":"))


def load(text: str | None) -> Any:
    return None if text is None else json.loads(text)


@contextmanager
def write(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One atomic write: BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on error.

    Inside a transaction the caller already opened, it joins that transaction and
    leaves the commit to the caller.
    """
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.rollback()
        raise
    conn.commit()
