"""A signed-in session's tokens and claims, kept in the shared store (never in the cookie).

Contract: a *grant* is the record of one sign-in, keyed by our own `session_id`:
`{"sub", "sid", "claims", "scopes", "access_token", "access_expires_at",
"access_issued_at", "refresh_token", "signed_in_at"}`. It lives in the store (not
in the flask session) so that a refresh, a logout or a back-channel logout done by
one worker is seen at once by every other worker, and so that concurrent requests
re-saving the flask session cannot write back stale tokens. Deleting the grant ends
the session. Indexes by the tenant's `sid` and by `sub` let `/backchannel-logout`
find the sessions to end.
"""

from __future__ import annotations

import time
from typing import Any

from .store import Store

#: ID token claims kept for the UI; the rest is dropped to keep the record small.
KEPT_CLAIMS = (
    "sub", "name", "nickname", "given_name", "family_name", "email", "email_verified",
    "picture", "locale", "updated_at",
)


def _key(session_id: str) -> str:
    return "grant:" + session_id


def profile_claims(id_claims: dict[str, Any]) -> dict[str, Any]:
    return {k: id_claims[k] for k in KEPT_CLAIMS if k in id_claims}


def load(store: Store, session_id: str) -> dict[str, Any] | None:
    return store.get(_key(session_id))


def save(store: Store, session_id: str, grant: dict[str, Any], absolute_timeout: int) -> None:
    ttl = grant["signed_in_at"] + absolute_timeout - time.time()
    if ttl <= 0:
        store.delete(_key(session_id))
        return
    store.set(_key(session_id), grant, ttl)


def index(store: Store, session_id: str, grant: dict[str, Any], absolute_timeout: int) -> None:
    if grant.get("sid"):
        store.add_member("idx:sid:" + grant["sid"], session_id, absolute_timeout)
    store.add_member("idx:sub:" + grant["sub"], session_id, absolute_timeout)


def delete(store: Store, session_id: str) -> None:
    grant = store.pop(_key(session_id))
    store.delete("link:" + session_id)
    if grant:
        if grant.get("sid"):
            store.remove_member("idx:sid:" + grant["sid"], session_id)
        store.remove_member("idx:sub:" + grant["sub"], session_id)


def sessions_for(store: Store, *, sid: str | None, sub: str | None) -> set[str]:
    """Our session ids for a tenant session `sid` (preferred) or, without it, a user `sub`."""
    if sid:
        found = store.members("idx:sid:" + sid)
        if sub:
            # Only sessions of that user: a sid is never reused across users, but be strict.
            found = {s for s in found if (load(store, s) or {}).get("sub") in (sub, None)}
        return found
    if sub:
        return store.members("idx:sub:" + sub)
    return set()
