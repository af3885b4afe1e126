"""The one store for what the BFF keeps: sessions, grants, transactions, locks, indexes,
caches and registries, shared by every worker process (and, on Redis, every server).

Two backends follow one contract (`Store`): embedded SQLite (`store_sqlite.py`, the
default: one file in `DATA_DIR`) and Redis or Redis Cluster (`store_redis.py`).
`open_store(settings)` builds the configured one.

Values are JSON (msgspec), never pickle: what does not decode is treated as absent
and logged (`decode`). Contract of every backend:

- `get(key)`, `set(key, value, ttl)`, `delete(key)`: `ttl` in seconds, or None for a
  value that never expires (a registry).
- `get_many(keys)`: the values (None where absent) in one round trip. In Redis Cluster
  the keys must share a hash tag (one slot): build them with `user_key`/`session_key`.
- `add(key, value, ttl) -> bool`: set only if absent (or expired), atomically.
- `pop(key)`: read and delete atomically; of two concurrent callers only one gets it.
- `delete_if(key, value) -> bool`: delete only while the key still holds `value`.
- `incr(key, ttl) -> int`: add one atomically (a missing key counts as 0), and keep
  the counter `ttl` more seconds.
- `add_member(key, member, ttl)`, `members(key)`, `remove_member(key, member)`: a set
  whose members each live `ttl` seconds from their last `add_member`.
- `log_append(key, entry, *, at, cap, max_age)`, `log_read(key, *, before, limit)`: an
  append-only capped log (the activity log): entries scored by their time `at` (epoch
  seconds); an append drops, atomically with it, the entries older than `max_age`
  seconds and all but the newest `cap`; a read gives `(at, entry)` pairs, newest first,
  at most `limit`, only those strictly before `before` when given, none older than
  the `max_age` they were written with.
- `ping()`: a write, read and delete round trip; raises `StoreUnavailable` if the
  store cannot serve.

Keys: a user's keys (indexes, locks, caches, registries) and the keys of that user's
sessions (grant, pending link, refresh lock, profile cache) carry the user's hash tag
`{u:<hash>}`, so that a request reads them together (`get_many`) and Redis Cluster
keeps them in one slot. Our session ids start with that hash (`new_session_id`), so
every worker finds a session's keys from its id alone.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import secrets
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import msgspec

if TYPE_CHECKING:
    from ..config import Settings

log = logging.getLogger(__name__)

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder()


class StoreUnavailable(RuntimeError):
    """The store cannot serve (Redis down, the database file unwritable)."""


class LockTimeout(RuntimeError):
    """Another holder kept the lock for longer than the caller would wait."""


class Store(Protocol):
    def get(self, key: str) -> Any | None: ...
    def get_many(self, keys: Sequence[str]) -> list[Any | None]: ...
    def set(self, key: str, value: Any, ttl: float | None) -> None: ...
    def delete(self, key: str) -> None: ...
    def add(self, key: str, value: Any, ttl: float) -> bool: ...
    def pop(self, key: str) -> Any | None: ...
    def delete_if(self, key: str, value: Any) -> bool: ...
    def incr(self, key: str, ttl: float) -> int: ...
    def add_member(self, key: str, member: str, ttl: float) -> None: ...
    def members(self, key: str) -> set[str]: ...
    def remove_member(self, key: str, member: str) -> None: ...
    def log_append(self, key: str, entry: Any, *, at: float, cap: int,
                   max_age: float) -> None: ...
    def log_read(self, key: str, *, before: float | None,
                 limit: int) -> list[tuple[float, Any]]: ...
    def ping(self) -> None: ...
    def close(self) -> None: ...


def encode(value: Any) -> bytes:
    try:
        return _encoder.encode(value)
    except UnicodeEncodeError:
        # A lone UTF-16 surrogate (the tenant may hold one, written by another client)
        # has no UTF-8 form; msgspec refuses it, the standard library escapes it.
        return json.dumps(value, ensure_ascii=True, separators=(",", ":")).encode()


def decode(raw: bytes | str | None, key: str) -> Any | None:
    """The JSON value of `raw`, or None (logged) if it is not JSON: never unpickled."""
    if raw is None:
        return None
    try:
        return _decoder.decode(raw)
    except msgspec.DecodeError:
        pass
    try:
        # What `encode` escaped with the standard library (a lone surrogate).
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        # Only the key's kind: the rest may be a session id, as good as a cookie.
        log.warning("store: the value of a %r key is not JSON; treated as absent",
                    key.split(":", 1)[0])
        return None


# --- keys ---------------------------------------------------------------------------------

@functools.lru_cache(maxsize=4096)  # several keys per request name the same user
def user_tag(user_id: str) -> str:
    """A short fixed-length hash of `user_id`: safe inside a Redis hash tag whatever the id."""
    return hashlib.sha256(user_id.encode()).hexdigest()[:16]


def user_key(name: str, user_id: str) -> str:
    """`name:{u:<hash>}`, a key of one user (index, lock, cache, registry)."""
    return f"{name}:{{u:{user_tag(user_id)}}}"


def new_session_id(user_id: str) -> str:
    """A new random session id that names its user's hash tag (`<hash>.<random>`)."""
    return f"{user_tag(user_id)}.{secrets.token_urlsafe(24)}"


def session_key(name: str, session_id: str) -> str:
    """`name:{u:<hash>}:<session_id>`, a key of one session, in its user's slot."""
    tag = session_id.split(".", 1)[0]
    return f"{name}:{{u:{tag}}}:{session_id}"


# --- a lock on any backend ------------------------------------------------------------------

@contextlib.contextmanager
def lock(store: Store, name: str, *, ttl: float, wait: float) -> Iterator[None]:
    """Hold `name` exclusively across threads and processes, for at most `ttl` seconds.

    `ttl` must outlast the work done under the lock: it only exists so that a holder
    that died cannot block the others for ever. Waits up to `wait` seconds, then
    raises `LockTimeout`. Released only by its holder (a lock that expired and was
    taken by another is left to that one).
    """
    key = "lock:" + name
    token = secrets.token_hex(12)
    deadline = time.monotonic() + wait
    while not store.add(key, token, ttl):
        if time.monotonic() > deadline:
            raise LockTimeout(name)
        time.sleep(0.02)
    try:
        yield
    finally:
        store.delete_if(key, token)


def write_read_delete(store: Store, name: str) -> None:
    """A backend's `ping`: a value written, read back and deleted, or `StoreUnavailable`."""
    key = "health:" + secrets.token_hex(8)
    store.set(key, True, 5)
    if store.pop(key) is not True:
        raise StoreUnavailable(f"{name}: a value written was not read back")


def open_store(settings: Settings) -> Store:
    """The store `SESSION_TYPE` names: SQLite in `DATA_DIR`, or Redis (Cluster)."""
    if settings.session_type == "redis":
        from .store_redis import RedisStore, redis_client

        return RedisStore(redis_client(settings))
    from .store_sqlite import SqliteStore

    return SqliteStore.in_folder(settings.data_dir)
