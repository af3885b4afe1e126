"""A signed-in session's tokens and claims, kept in the shared store (never in the cookie).

Contract: a *grant* is the record of one sign-in, keyed by our own `session_id`
(`grant_key`): `{"sub", "sid", "claims", "scopes", "access_token",
"access_expires_at", "access_issued_at", "refresh_token", "signed_in_at", "auth_time"}`
(`auth_time`: the validated ID token's, renewed by a re-authentication, see `step_up.py`). It lives
in the store (not in the flask session) so that a refresh, a logout or a back-channel
logout done by one worker is seen at once by every other worker, and so that
concurrent requests re-saving the flask session cannot write back stale tokens.
Deleting the grant ends the session.

Indexes let `/backchannel-logout` find the sessions to end, whichever worker made
them: by user (`sub`), and by every tenant session (`sid`) the session was built on:
the sign-in's, and the one each link step's fresh sign-in (`prompt=login`) opened at
the tenant, which replaces the browser's tenant session there
(`add_tenant_session`). A logout of any of them ends the BFF session.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

import msgspec

from .store import Store, session_key, user_key

#: ID token claims kept for the UI; the rest is dropped to keep the record small.
KEPT_CLAIMS = (
    "sub", "name", "nickname", "given_name", "family_name", "email", "email_verified",
    "picture", "locale", "updated_at",
)


def grant_key(session_id: str) -> str:
    return session_key("grant", session_id)


def _tenant_sessions_key(session_id: str) -> str:
    return session_key("tenant-sessions", session_id)


def _sid_index(sid: str) -> str:
    # Hashed: a sid is the tenant's string, of the tenant's length.
    return "idx:sid:" + hashlib.sha256(sid.encode()).hexdigest()[:32]


def _sub_index(sub: str) -> str:
    return user_key("idx:sub", sub)


def _member(sid: str, sub: str) -> str:
    return msgspec.json.encode([sid, sub]).decode()


def profile_claims(id_claims: dict[str, Any]) -> dict[str, Any]:
    return {k: id_claims[k] for k in KEPT_CLAIMS if k in id_claims}


def from_sign_in(id_claims: dict[str, Any], access_claims: dict[str, Any],
                 tokens: dict[str, Any], *, signed_in_at: float) -> dict[str, Any]:
    """The grant of a validated sign-in (or re-authentication) of `id_claims["sub"]`."""
    auth_time = id_claims.get("auth_time")
    return {
        "sub": id_claims["sub"],
        "sid": id_claims.get("sid") if isinstance(id_claims.get("sid"), str) else None,
        "claims": profile_claims(id_claims),
        "scopes": access_claims.get("scope", "").split(),
        "access_token": tokens["access_token"],
        "access_expires_at": access_claims["exp"],
        "access_issued_at": access_claims["iat"],
        "refresh_token": tokens.get("refresh_token"),
        "signed_in_at": signed_in_at,
        # No auth_time in the token: the sign-in never counts as recent for a step-up.
        "auth_time": auth_time if isinstance(auth_time, int | float)
        and not isinstance(auth_time, bool) else None,
    }


def load(store: Store, session_id: str) -> dict[str, Any] | None:
    return store.get(grant_key(session_id))


def save(store: Store, session_id: str, grant: dict[str, Any], absolute_timeout: int) -> None:
    ttl = _remaining(grant, absolute_timeout)
    if ttl <= 0:
        store.delete(grant_key(session_id))
        return
    store.set(grant_key(session_id), grant, ttl)


def _remaining(grant: dict[str, Any], absolute_timeout: int) -> float:
    return grant["signed_in_at"] + absolute_timeout - time.time()


def index(store: Store, session_id: str, grant: dict[str, Any], absolute_timeout: int) -> None:
    """Index a new grant by its user and by the tenant session of its sign-in."""
    store.add_member(_sub_index(grant["sub"]), session_id, absolute_timeout)
    if grant.get("sid"):
        add_tenant_session(store, session_id, grant, sid=grant["sid"], sub=grant["sub"],
                           absolute_timeout=absolute_timeout)


def add_tenant_session(store: Store, session_id: str, grant: dict[str, Any], *, sid: str,
                       sub: str, absolute_timeout: int) -> None:
    """Remember that the session was built on tenant session `sid` of user `sub` too: a
    back-channel logout naming it ends the session."""
    ttl = max(_remaining(grant, absolute_timeout), 1)
    store.add_member(_tenant_sessions_key(session_id), _member(sid, sub), ttl)
    store.add_member(_sid_index(sid), session_id, ttl)


def delete(store: Store, session_id: str) -> None:
    grant = store.pop(grant_key(session_id))
    store.delete(session_key("link", session_id))
    store.delete(session_key("session-info", session_id))  # sessions_index.py
    tenant_sessions = _tenant_sessions_key(session_id)
    for member in store.members(tenant_sessions):
        sid, _sub = msgspec.json.decode(member)
        store.remove_member(_sid_index(sid), session_id)
        store.remove_member(tenant_sessions, member)
    if grant:
        store.remove_member(_sub_index(grant["sub"]), session_id)


def sessions_for(store: Store, *, sid: str | None, sub: str | None) -> set[str]:
    """Our session ids built on tenant session `sid` (preferred) or, without it, of user
    `sub`. With both, only sessions that saw `sid` for that very `sub`."""
    if sid:
        found = store.members(_sid_index(sid))
        if sub:
            wanted = _member(sid, sub)
            found = {s for s in found if wanted in store.members(_tenant_sessions_key(s))}
        return found
    if sub:
        return store.members(_sub_index(sub))
    return set()
