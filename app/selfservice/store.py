"""The JSON API's view of the store every worker shares (the one `app.auth` opens).

Contract: `KeyValueStore(store)` wraps the `app.auth.store.Store` that follows
`SESSION_TYPE` (SQLite or Redis), so what one worker writes every other one sees, and
it outlives sessions. Keys get the prefix `api:`; build a user's keys with
`user_key(name, user_id)` and a session's with `session_key(name, session_id)`, so
that they share the user's hash tag (read together, one Redis Cluster slot).

- `get(key)`, `get_many(keys)`, `delete(key)`, `incr(key, ttl)`.
- `set(key, value, ttl=None)`: without a ttl the value never expires (a registry).
- `lock(name, ttl, wait)`: `app.auth.store.lock`, a mutual exclusion across threads and
  processes, held at most `ttl` seconds.
- `full_key(key)`: the store key of `key` (what `app.auth.session.read_with_session`
  takes).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

from app.auth import LockTimeout, Store, lock, session_key, user_key

__all__ = ["KeyValueStore", "LockTimeout", "session_key", "user_key"]

PREFIX = "api:"


class KeyValueStore:
    """JSON values by key, counters and short locks, in the shared store."""

    def __init__(self, store: Store) -> None:
        self._store = store

    @staticmethod
    def full_key(key: str) -> str:
        return PREFIX + key

    def get(self, key: str) -> Any:
        return self._store.get(PREFIX + key)

    def get_many(self, keys: Sequence[str]) -> list[Any]:
        return self._store.get_many([PREFIX + key for key in keys])

    def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        self._store.set(PREFIX + key, value, ttl)

    def delete(self, key: str) -> None:
        self._store.delete(PREFIX + key)

    def incr(self, key: str, ttl: float) -> int:
        return self._store.incr(PREFIX + key, ttl)

    def lock(self, name: str, ttl: float, wait: float = 5.0) -> AbstractContextManager[None]:
        """Hold `name` exclusively; `ttl` must outlast the work done under it."""
        return lock(self._store, PREFIX + name, ttl=ttl, wait=wait)
