"""The JSON API's view of the store every worker shares (the one `app.auth` sets up).

Contract: `KeyValueStore(store)` wraps the `app.auth.store.Store` that follows
`SESSION_TYPE` (a folder for `filesystem`, Redis for `redis`), so what one worker
writes every other one sees, and it outlives sessions. Keys get the prefix `api:`.
`set(key, value)` without a ttl keeps the value for `FOREVER` seconds (device
registrations). `lock(name, ttl)` is `app.auth.store.lock`: a mutual exclusion
across threads and processes, held at most `ttl` seconds.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from app.auth.store import LockTimeout, Store, lock

__all__ = ["FOREVER", "KeyValueStore", "LockTimeout"]

FOREVER = 10 * 365 * 24 * 3600.0
PREFIX = "api:"


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

    def lock(self, name: str, ttl: float, wait: float = 5.0) -> AbstractContextManager[None]:
        """Hold `name` exclusively; `ttl` must outlast the work done under it."""
        return lock(self._store, PREFIX + name, ttl=ttl, wait=wait)
