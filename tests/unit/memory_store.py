"""A small in-memory implementation of `app.auth.store.Store`, for unit tests of code
that keeps state in the store (one process, one thread: no server, no file)."""

from __future__ import annotations

import time
from typing import Any


class MemoryStore:
    def __init__(self) -> None:
        self._values: dict[str, tuple[float | None, Any]] = {}
        self._sets: dict[str, set[str]] = {}

    def get(self, key: str) -> Any | None:
        expires, value = self._values.get(key, (0.0, None))
        return value if expires is None or expires > time.time() else None

    def set(self, key: str, value: Any, ttl: float | None) -> None:
        """`ttl` None: the value never expires (as in `app.auth.store.Store`)."""
        self._values[key] = (None if ttl is None else time.time() + ttl, value)

    def get_many(self, keys: list[str]) -> list[Any | None]:
        return [self.get(key) for key in keys]

    def incr(self, key: str, ttl: float) -> int:
        value = int(self.get(key) or 0) + 1
        self.set(key, value, ttl)
        return value

    def delete(self, key: str) -> None:
        self._values.pop(key, None)

    def add(self, key: str, value: Any, ttl: float) -> bool:
        if self.get(key) is not None:
            return False
        self.set(key, value, ttl)
        return True

    def pop(self, key: str) -> Any | None:
        value = self.get(key)
        self.delete(key)
        return value

    def delete_if(self, key: str, value: Any) -> bool:
        if self.get(key) != value:
            return False
        self.delete(key)
        return True

    def add_member(self, key: str, member: str, ttl: float) -> None:
        self._sets.setdefault(key, set()).add(member)

    def members(self, key: str) -> set[str]:
        return set(self._sets.get(key, set()))

    def remove_member(self, key: str, member: str) -> None:
        self._sets.get(key, set()).discard(member)
