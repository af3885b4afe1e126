"""The JSON API's view of the store every worker shares (the one `app.auth` sets up).

Contract: `KeyValueStore(store)` wraps the `app.auth.store.Store` that follows
`SESSION_TYPE` (a folder for `filesystem`, Redis for `redis`), so what one worker
writes every other one sees, and it outlives sessions. Keys get the prefix `api:`.
`set(key, value)` without a ttl keeps the value for `FOREVER` seconds (device
registrations). `lock(name)` is a mutual exclusion across threads and processes,
held at most `ttl` seconds (a holder that died cannot block others for longer).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from app.auth.store import Store

FOREVER = 10 * 365 * 24 * 3600.0
PREFIX = "api:"


class LockTimeout(RuntimeError):
    """Another request held the lock for longer than we wait."""


class KeyValueStore:
    """JSON values by key, and short locks, in the shared store."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self, key: str) -> Any:
        return self._store.get(PREFIX + key)

    def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        self._store.set(PREFIX + key, value, ttl or FOREVER)

    def delete(self, key: str) -> None:
        self._store.delete(PREFIX + key)

    @contextmanager
    def lock(self, name: str, ttl: float = 10.0, wait: float = 5.0) -> Iterator[None]:
        """Hold `name` exclusively (an atomic add of our own token; released by us)."""
        key = f"{PREFIX}lock:{name}"
        token = secrets.token_hex(8)
        deadline = time.monotonic() + wait
        while not self._store.add(key, token, ttl):
            if time.monotonic() > deadline:
                raise LockTimeout(name)
            time.sleep(0.02)
        try:
            yield
        finally:
            # Only the holder releases; after our ttl another holder may own the key.
            if self._store.get(key) == token:
                self._store.delete(key)
