"""Server-side sessions: flask-session's interface on top of our store (`store.py`).

Contract: `init_app(app, settings)` opens the store `SESSION_TYPE` names (SQLite in
`DATA_DIR`, or Redis), serves Flask's session from it with `StoreSessionInterface`,
and returns the store, which the rest of the BFF shares.

`StoreSessionInterface` is a flask-session backend (`ServerSideSessionInterface`) whose
records are the store's JSON values under `session:<id>`: never pickle. flask-session's
own serializer would fall back to `pickle.loads` on data it cannot decode; this
interface reads and writes through the store's codec instead (`_retrieve_session_data`,
`_upsert_session`), and its `serializer` slot is JSON-only too, so that no inherited
path can reach pickle. A stored value that does not decode is no session
(`store.decode` logs it; the browser signs in again).

The cookie holds only the opaque session id: HttpOnly, SameSite=Lax, and over https
Secure with the `__Host-` prefix. The session lives `idle_timeout` seconds after the
last write (`session.py` rewrites the last-seen time at most every few seconds, and
enforces the idle and absolute timeouts).
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any

from flask import Flask, Request
from flask_session.base import ServerSideSession, ServerSideSessionInterface

from ..config import Settings
from .store import Store, decode, encode, open_store

log = logging.getLogger(__name__)

#: What a session id we issue looks like (flask-session: `token_urlsafe(32)`).
_SESSION_ID = re.compile(r"[A-Za-z0-9_-]{16,86}")


def cookie_name(settings: Settings, name: str) -> str:
    """`name` with the `__Host-` prefix when cookies are Secure (https)."""
    return f"__Host-{name}" if settings.secure_cookies else name


class JsonSessionSerializer:
    """flask-session's serializer slot, JSON only: no fallback to pickle."""

    def encode(self, session: ServerSideSession) -> bytes:
        return encode(dict(session))

    def decode(self, serialized_data: bytes) -> dict | None:
        value = decode(serialized_data, "session")
        return value if isinstance(value, dict) else None


class StoreSessionInterface(ServerSideSessionInterface):
    """flask-session's server-side sessions kept in a `Store`."""

    session_class = ServerSideSession
    ttl = True  # the store expires records itself: no flask-session cleanup job

    def __init__(self, app: Flask, store: Store, key_prefix: str = "session:") -> None:
        super().__init__(app, key_prefix=key_prefix, use_signer=False, permanent=True,
                         sid_length=32, serialization_format="json")
        self.store = store
        self.serializer = JsonSessionSerializer()  # replaces the pickle-falling-back one

    def open_session(self, app: Flask, request: Request) -> ServerSideSession:
        sid = request.cookies.get(app.config["SESSION_COOKIE_NAME"])
        if sid and not _SESSION_ID.fullmatch(sid):
            # Not an id we issued: no store lookup for it.
            return self.session_class(sid=self._generate_sid(self.sid_length),
                                      permanent=self.permanent)
        return super().open_session(app, request)

    def _retrieve_session_data(self, store_id: str) -> dict[str, Any] | None:
        value = self.store.get(store_id)
        if value is not None and not isinstance(value, dict):
            log.warning("store: a session record is not a JSON object; treated as absent")
            return None
        return value

    def _delete_session(self, store_id: str) -> None:
        self.store.delete(store_id)

    def _upsert_session(self, session_lifetime: timedelta, session: ServerSideSession,
                        store_id: str) -> None:
        self.store.set(store_id, dict(session), session_lifetime.total_seconds())


def init_app(app: Flask, settings: Settings) -> Store:
    store = open_store(settings)
    app.config.update(
        SESSION_PERMANENT=True,
        # Saved only when modified: `session.py` rewrites the last-seen time at most every
        # few seconds, which is what extends the stored session's lifetime. Rewriting it
        # on every read cost ~0.8 ms per request (bench/bench_me.py).
        SESSION_REFRESH_EACH_REQUEST=False,
        PERMANENT_SESSION_LIFETIME=timedelta(seconds=settings.idle_timeout),
        SESSION_COOKIE_NAME=cookie_name(settings, "selfserve-session"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        SESSION_COOKIE_PATH="/",
        SESSION_COOKIE_DOMAIN=None,
    )
    app.session_interface = StoreSessionInterface(app, store)
    return store
