"""Server-side sessions (flask-session) and the shared store beside them.

Contract: `init_app(app, settings)` configures flask-session and returns the `Store`
(`store.py`) that lives in the same place:

- `filesystem` (default): flask-session's cachelib backend on
  `cachelib.FileSystemCache(settings.session_dir)`; the store in `<session_dir>/auth`.
- `redis`: `redis.from_url(settings.redis_url)` for both.

The cookie holds only the opaque session id: HttpOnly, SameSite=Lax, and over https
Secure with the `__Host-` prefix. The session lives `idle_timeout` seconds after the
last request (`session.py` enforces it, and the absolute timeout).
"""

from __future__ import annotations

import struct
import threading
import time
from datetime import timedelta
from pathlib import Path

import redis
from cachelib import FileSystemCache
from flask import Flask
from flask_session import Session

from ..config import Settings
from .store import FileStore, RedisStore, Store


def cookie_name(settings: Settings, name: str) -> str:
    """`name` with the `__Host-` prefix when cookies are Secure (https)."""
    return f"__Host-{name}" if settings.secure_cookies else name


#: Seconds between two sweeps of expired session files, per process.
SWEEP_INTERVAL = 10 * 60


class ExpiredFileSweeper:
    """Deletes expired session and store files, at most every `SWEEP_INTERVAL` seconds.

    Redis expires keys by itself; a folder does not: abandoned sessions would stay on
    disk for ever (the cache's own pruning is off, as it would evict live sessions).
    Runs at the end of a request, in whichever worker first finds the interval over.
    """

    def __init__(self, session_dir: Path, store: FileStore) -> None:
        self._session_dir = session_dir
        self._store = store
        self._lock = threading.Lock()
        self._next_sweep = time.monotonic() + SWEEP_INTERVAL

    def maybe_sweep(self, _exc: BaseException | None = None) -> None:
        with self._lock:
            if time.monotonic() < self._next_sweep:
                return
            self._next_sweep = time.monotonic() + SWEEP_INTERVAL
        self.sweep()

    def sweep(self) -> None:
        now = time.time()
        for path in self._session_dir.iterdir():
            # cachelib's file format: a native unsigned int of the expiry (0: never), then
            # the pickled session. The store's own folder sits beside the session files.
            if not path.is_file() or path.name.endswith(".__wz_cache"):
                continue
            try:
                with path.open("rb") as handle:
                    (expires,) = struct.unpack("I", handle.read(4))
            except (FileNotFoundError, struct.error):
                continue  # replaced or written right now
            if expires and expires < now:
                path.unlink(missing_ok=True)
        self._store.sweep()


def init_app(app: Flask, settings: Settings) -> Store:
    if settings.session_type == "redis":
        client = redis.from_url(
            settings.redis_url,
            socket_timeout=settings.http_timeout,
            socket_connect_timeout=settings.http_timeout,
        )
        app.config.update(SESSION_TYPE="redis", SESSION_REDIS=client)
        store: Store = RedisStore(client)
    else:
        folder = Path(settings.session_dir)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        # threshold=0: never evict live sessions to stay under a file count.
        cache = FileSystemCache(str(folder), threshold=0, mode=0o600)
        app.config.update(SESSION_TYPE="cachelib", SESSION_CACHELIB=cache)
        store = FileStore(folder / "auth")
        sweeper = ExpiredFileSweeper(folder, store)
        app.extensions["selfserve.session_sweeper"] = sweeper
        app.teardown_request(sweeper.maybe_sweep)

    app.config.update(
        SESSION_PERMANENT=True,
        SESSION_KEY_PREFIX="selfserve:session:",
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
    Session(app)
    return store
