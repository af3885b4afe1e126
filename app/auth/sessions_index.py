"""The signed-in sessions of one user on this account service: list them, end them.

Contract:
- `record(store, session_id, *, client, record_key, ttl)`: at sign-in, what the list
  shows about the session (browser, OS, shortened IP, signed-in time) and the key of
  its flask-session record (whose last-seen time, rewritten at most every few seconds
  by `session.py`, is the "last active" shown: no extra store write per request).
- `public_id(secret_key, session_id)`: the id the API shows for a session, an HMAC of
  our session id under APP_SECRET_KEY: neither the session id nor the cookie value,
  and not reversible to them.
- `list_for(store, user_id, current_session_id, secret_key, idle_timeout)`: the
  user's live sessions (grant present, not idle), newest activity first.
- `end(store, user_id, public_id, secret_key) -> bool` and `end_others(...) -> int`:
  delete the grant (which ends the session on every worker: the next request of that
  browser finds no grant and gets 401), the flask-session record and this record.

The user's sessions are found through the grants' index by `sub` (`grants.py`); every
key read here is in the user's hash tag except the flask-session records (read one by
one: a user has few sessions).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Any

from . import grants
from .client_info import ClientInfo
from .store import Store, session_key

#: The flask session's member holding the last-seen time (session.py writes it).
LAST_SEEN = "seen"


@dataclass(frozen=True)
class SignedInSession:
    id: str  # public id
    browser: str
    os: str
    ip: str
    signed_in_at: float
    last_active: float
    current: bool


def _info_key(session_id: str) -> str:
    # grants.delete drops it too, whichever way a session ends.
    return session_key("session-info", session_id)


def public_id(secret_key: str, session_id: str) -> str:
    digest = hmac.new(secret_key.encode(), b"session-public-id:" + session_id.encode(),
                      hashlib.sha256)
    return digest.hexdigest()[:32]


def _same(ours: str, given: str) -> bool:
    # As bytes: compare_digest refuses str with non-ASCII characters, and `given` is
    # whatever the request's path held.
    return hmac.compare_digest(ours.encode(), given.encode("utf-8", "surrogatepass"))


def record(store: Store, session_id: str, *, client: ClientInfo, record_key: str,
           ttl: float) -> None:
    store.set(_info_key(session_id), {
        "browser": client.browser, "os": client.os, "ip": client.ip,
        "signed_in_at": time.time(), "record": record_key,
    }, ttl)


def _live(store: Store, user_id: str, idle_timeout: int) -> list[tuple[str, dict[str, Any]]]:
    """(session id, info with `last_active`) of the user's live sessions."""
    session_ids = sorted(grants.sessions_for(store, sid=None, sub=user_id))
    if not session_ids:
        return []
    values = store.get_many([key for sid in session_ids
                             for key in (grants.grant_key(sid), _info_key(sid))])
    now = time.time()
    found = []
    for index, sid in enumerate(session_ids):
        grant, info = values[2 * index], values[2 * index + 1]
        if grant is None or grant.get("sub") != user_id:
            continue
        info = dict(info or {})
        flask_record = store.get(info["record"]) if info.get("record") else None
        seen = flask_record.get(LAST_SEEN) if isinstance(flask_record, dict) else None
        if info.get("record") and flask_record is None:
            continue  # the browser's session record is gone: that session has ended
        last_active = seen if isinstance(seen, int | float) else grant["signed_in_at"]
        if now - last_active > idle_timeout:
            continue
        info.setdefault("signed_in_at", grant["signed_in_at"])
        info["last_active"] = last_active
        found.append((sid, info))
    return found


def list_for(store: Store, user_id: str, current_session_id: str, secret_key: str,
             idle_timeout: int) -> list[SignedInSession]:
    sessions = [
        SignedInSession(
            id=public_id(secret_key, sid), browser=info.get("browser", "Unknown"),
            os=info.get("os", "Unknown"), ip=info.get("ip", ""),
            signed_in_at=info["signed_in_at"], last_active=info["last_active"],
            current=sid == current_session_id)
        for sid, info in _live(store, user_id, idle_timeout)
    ]
    return sorted(sessions, key=lambda s: (not s.current, -s.last_active))


def _end(store: Store, session_id: str) -> None:
    info = store.get(_info_key(session_id))
    grants.delete(store, session_id)
    if isinstance(info, dict) and info.get("record"):
        store.delete(info["record"])
    store.delete(_info_key(session_id))


def end(store: Store, user_id: str, wanted: str, secret_key: str) -> bool:
    """End the user's session whose public id is `wanted`; False if there is none."""
    for sid in grants.sessions_for(store, sid=None, sub=user_id):
        if _same(public_id(secret_key, sid), wanted):
            _end(store, sid)
            return True
    return False


def end_others(store: Store, user_id: str, current_session_id: str) -> int:
    """End every session of the user but `current_session_id`; how many ended."""
    others = [sid for sid in grants.sessions_for(store, sid=None, sub=user_id)
              if sid != current_session_id]
    for sid in others:
        _end(store, sid)
    return len(others)


@dataclass(frozen=True)
class UserSessions:
    """One user's sessions as the account API acts on them (built per request by
    `of_current_user`)."""

    store: Store
    secret_key: str
    idle_timeout: int
    user_id: str
    current_session_id: str

    def list(self) -> list[SignedInSession]:
        return list_for(self.store, self.user_id, self.current_session_id, self.secret_key,
                        self.idle_timeout)

    def is_current(self, wanted: str) -> bool:
        return _same(public_id(self.secret_key, self.current_session_id), wanted)

    def end(self, wanted: str) -> bool:
        return end(self.store, self.user_id, wanted, self.secret_key)

    def end_others(self) -> int:
        return end_others(self.store, self.user_id, self.current_session_id)


def of_current_user() -> UserSessions | None:
    """The signed-in user's sessions, or None without a session."""
    from .services import services
    from .session import current_user

    user = current_user()
    if user is None:
        return None
    auth = services()
    return UserSessions(store=auth.store, secret_key=auth.settings.secret_key,
                        idle_timeout=auth.settings.idle_timeout, user_id=user.user_id,
                        current_session_id=user.session_id)
