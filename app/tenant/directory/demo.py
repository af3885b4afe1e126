"""The demo users of DESIGN.md: seeded on first start, restored by a reset.

Contract: ids are stable (`ALICE_ID`, `BOB_ID`) so tests and docs can name them;
`seed_demo` is idempotent; `reset_demo` wipes the directory and seeds it again.
"""

from __future__ import annotations

import sqlite3
from functools import cache

from app.tenant.directory import authentication_methods, enrollments, users
from app.tenant.directory.identities import Identity
from app.tenant.directory.passwords import hash_password
from app.tenant.directory.store import TABLES, write

ALICE_ID = "auth0|65f0a1c2b3d4e5f60718293a"
ALICE_EMAIL = "alice@example.com"
ALICE_PASSWORD = "alice-demo-password"
ALICE_USER_METADATA = {
    "theme": "dark",
    "language": "en",
    "newsletter": True,
    "address": {"city": "Lisbon", "country": "PT"},
}
ALICE_APP_METADATA = {"plan": "pro"}
#: The key of alice's seeded authenticator app (base32, RFC 6238 defaults: SHA-1, 6
#: digits, 30 s), so that the demo, the tests and an authenticator app can answer the
#: second factor her sign-in asks for. A demo secret, printed by `selfserve demo`.
ALICE_TOTP_SECRET = "ALICEDEMOTOTPSECRETKEYFORTHEDEMO"

BOB_ID = "auth0|65f0a1c2b3d4e5f60718293b"
BOB_EMAIL = "bob@example.com"
BOB_PASSWORD = "bob-demo-password"


@cache
def _demo_hash(password: str) -> str:
    # Hashing is deliberately slow; resets between tests reuse one hash per process.
    return hash_password(password)


def _create_database_user(
    conn: sqlite3.Connection, user_id: str, email: str, password: str, name: str, **extra
) -> None:
    profile = {
        "email": email,
        "email_verified": True,
        "name": name,
        "nickname": email.split("@")[0],
        "picture": users.default_picture(email, name),
    }
    identity = Identity(
        provider="auth0",
        provider_user_id=user_id.split("|", 1)[1],
        connection=users.DATABASE_CONNECTION,
        is_social=False,
        owner_id=user_id,
        profile_data=profile,
    )
    users.create_user(
        conn, identity, profile, login=email, password_hash=_demo_hash(password), **extra
    )


def seed_demo(conn: sqlite3.Connection) -> None:
    """Create the demo users unless they exist already."""
    with write(conn):
        if users.user_exists(conn, ALICE_ID) or users.user_exists(conn, BOB_ID):
            return
        _create_database_user(
            conn, ALICE_ID, ALICE_EMAIL, ALICE_PASSWORD, "Alice Example",
            user_metadata=ALICE_USER_METADATA, app_metadata=ALICE_APP_METADATA,
        )
        enrollment_id = enrollments.add_enrollment(
            conn, ALICE_ID, "google-authenticator", name="Alice's phone"
        )
        authentication_methods.attach_totp_secret(conn, enrollment_id, ALICE_TOTP_SECRET)
        _create_database_user(conn, BOB_ID, BOB_EMAIL, BOB_PASSWORD, "Bob Example")


def reset_demo(conn: sqlite3.Connection) -> None:
    """Delete every directory record and seed the demo users again."""
    with write(conn):
        for table in TABLES:
            conn.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
        seed_demo(conn)
