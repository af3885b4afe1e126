"""The signed-in sessions of the user on this account page: list, end one, end the others.

Contract: each function takes the user's `UserSessions` (`app.auth`: the store, the
user, this session) and answers a `SignedInSessions` body. `end(sessions, id)`: 404
`session_not_found` for an id that names no live session of this user, 400
`current_session` for this browser's own (that is signing out, `POST /logout`).
Ending deletes the session's grant, so that every worker refuses its next request.
"""

from __future__ import annotations

from datetime import UTC, datetime

from app.auth import UserSessions
from app.web.problems import Problem

from ..safety_models import SignedInSession, SignedInSessions


def iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds").replace(
        "+00:00", "Z")


def listing(sessions: UserSessions, ended: int | None = None) -> SignedInSessions:
    body = SignedInSessions(sessions=[
        SignedInSession(id=s.id, browser=s.browser, os=s.os, ip=s.ip,
                        signed_in_at=iso(s.signed_in_at), last_active=iso(s.last_active),
                        current=s.current)
        for s in sessions.list()
    ])
    if ended is not None:
        body.ended = ended
    return body


def end(sessions: UserSessions, public_id: str) -> SignedInSessions:
    if sessions.is_current(public_id):
        raise Problem(400, "current_session", "That is this browser's session: sign out"
                      " instead.")
    if not sessions.end(public_id):
        raise Problem(404, "session_not_found", "No signed-in session of yours has that id"
                      " (it may have ended already).")
    return listing(sessions)


def end_others(sessions: UserSessions) -> SignedInSessions:
    return listing(sessions, ended=sessions.end_others())
