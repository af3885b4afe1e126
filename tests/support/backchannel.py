"""Back-channel logout tokens for the tests: their claims, and the tenant session they name."""

from __future__ import annotations

import sqlite3
import time
import uuid

from app.auth.tokens import BACKCHANNEL_EVENT

#: The demo BFF client the logout tokens are addressed to.
AUDIENCE = "selfserve-demo-bff"


def logout_claims(tenant, **claims) -> dict:
    """A valid logout token's claims (for `hooks.mint`) with `claims` over them; a claim
    given as None is left out."""
    now = int(time.time())
    base = {"iss": tenant.issuer, "aud": AUDIENCE, "iat": now, "exp": now + 120,
            "jti": uuid.uuid4().hex, "events": {BACKCHANNEL_EVENT: {}}, **claims}
    return {k: v for k, v in base.items() if v is not None}


def sid_of(tenant, user_id: str) -> str:
    """The tenant's newest SSO session id of `user_id`, read from its store (as an observer)."""
    with sqlite3.connect(tenant.data_dir / "tenant.sqlite3") as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        table = next(t for t in tables if "session" in t and "oauth" not in t)
        rows = conn.execute(f"SELECT sid FROM {table} WHERE user_id = ?", (user_id,)).fetchall()
        return rows[-1][0]
