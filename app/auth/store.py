"""The small key-value store every worker shares: transactions, token grants, locks, indexes.

It lives beside the session store (`SESSION_TYPE`): a folder for `filesystem`, the
same Redis for `redis`, so that what one worker or process writes, every other one
sees. Values are JSON. Contract (both backends):

- `get(key)`, `set(key, value, ttl)`, `delete(key)`: plain values with a time to live.
- `add(key, value, ttl) -> bool`: set only if absent, atomically (a lock, a replay guard).
- `pop(key)`: read and delete atomically; of two concurrent callers only one gets the value.
- `delete_if(key, value) -> bool`: delete only while the key still holds `value`,
  atomically (a lock released by its holder only).
- `add_member(key, member, ttl)`, `members(key)`, `remove_member(key, member)`: a set.

`lock(store, name, ttl, wait)` builds a mutual exclusion on `add` and `delete_if`.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import secrets
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import redis


class Store(Protocol):
    def get(self, key: str) -> Any | None: ...
    def set(self, key: str, value: Any, ttl: float) -> None: ...
    def delete(self, key: str) -> None: ...
    def add(self, key: str, value: Any, ttl: float) -> bool: ...
    def pop(self, key: str) -> Any | None: ...
    def delete_if(self, key: str, value: Any) -> bool: ...
    def add_member(self, key: str, member: str, ttl: float) -> None: ...
    def members(self, key: str) -> set[str]: ...
    def remove_member(self, key: str, member: str) -> None: ...


class LockTimeout(RuntimeError):
    """Another holder kept the lock for longer than the caller would wait."""


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


# Compare-and-delete in one step on the server.
_DELETE_IF = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


class RedisStore:
    """The store on a Redis server; every operation is a single atomic Redis command."""

    def __init__(self, client: redis.Redis, prefix: str = "selfserve:") -> None:
        self._redis = client
        self._prefix = prefix
        self._delete_if = client.register_script(_DELETE_IF)

    def _k(self, key: str) -> str:
        return self._prefix + key

    def get(self, key: str) -> Any | None:
        raw = self._redis.get(self._k(key))
        return None if raw is None else json.loads(raw)

    def set(self, key: str, value: Any, ttl: float) -> None:
        self._redis.set(self._k(key), json.dumps(value), px=_millis(ttl))

    def delete(self, key: str) -> None:
        self._redis.delete(self._k(key))

    def add(self, key: str, value: Any, ttl: float) -> bool:
        return bool(self._redis.set(self._k(key), json.dumps(value), px=_millis(ttl), nx=True))

    def pop(self, key: str) -> Any | None:
        raw = self._redis.getdel(self._k(key))
        return None if raw is None else json.loads(raw)

    def delete_if(self, key: str, value: Any) -> bool:
        return bool(self._delete_if(keys=[self._k(key)], args=[json.dumps(value)]))

    def add_member(self, key: str, member: str, ttl: float) -> None:
        with self._redis.pipeline() as pipe:
            pipe.sadd(self._k(key), member)
            pipe.pexpire(self._k(key), _millis(ttl))
            pipe.execute()

    def members(self, key: str) -> set[str]:
        found = self._redis.smembers(self._k(key))
        return {m.decode() if isinstance(m, bytes) else m for m in found}

    def remove_member(self, key: str, member: str) -> None:
        self._redis.srem(self._k(key), member)


class FileStore:
    """The store in a folder, safe across threads and processes on one machine.

    One file per key (named by the key's hash) holding `{"exp": epoch, "value": ...}`.
    Writes go to a temporary file and are renamed into place; `add` relies on
    `link()` failing on an existing name, `pop` on an atomic rename; read-modify-write
    steps (sets, `delete_if`, taking over an expired key) hold the folder's `flock`.
    """

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self._dir = Path(folder)
        self._dir.mkdir(parents=True, exist_ok=True, mode=0o700)

    def _path(self, key: str) -> Path:
        return self._dir / hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def _read(path: Path) -> Any | None:
        try:
            record = json.loads(path.read_text())
        except FileNotFoundError:
            return None
        if record["exp"] < time.time():
            return None
        return record["value"]

    def _write(self, path: Path, value: Any, ttl: float) -> None:
        data = json.dumps({"exp": time.time() + ttl, "value": value})
        fd, tmp = tempfile.mkstemp(dir=self._dir, suffix=".tmp")
        with os.fdopen(fd, "w") as handle:
            handle.write(data)
        os.replace(tmp, path)

    def get(self, key: str) -> Any | None:
        return self._read(self._path(key))

    def set(self, key: str, value: Any, ttl: float) -> None:
        self._write(self._path(key), value, ttl)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def add(self, key: str, value: Any, ttl: float) -> bool:
        path = self._path(key)
        fd, tmp = tempfile.mkstemp(dir=self._dir, suffix=".tmp")
        with os.fdopen(fd, "w") as handle:
            handle.write(json.dumps({"exp": time.time() + ttl, "value": value}))
        try:
            try:
                # link() fails if the name exists: atomic, and readers never see a
                # half-written file.
                os.link(tmp, path)
                return True
            except FileExistsError:
                pass
            # Taken, or expired (e.g. a lock whose holder died). Taking an expired key
            # over is a read-then-replace: under the key's flock, so that of two
            # processes finding it expired only one gets it.
            with self._locked():
                if self._read(path) is not None:
                    return False
                path.unlink(missing_ok=True)
                try:
                    os.link(tmp, path)
                except FileExistsError:
                    return False  # a plain add got there first
                return True
        finally:
            os.unlink(tmp)

    def pop(self, key: str) -> Any | None:
        path = self._path(key)
        claimed = path.with_name(f"{path.name}.{secrets.token_hex(8)}.pop")
        try:
            os.rename(path, claimed)
        except FileNotFoundError:
            return None
        try:
            return self._read(claimed)
        finally:
            claimed.unlink(missing_ok=True)

    def delete_if(self, key: str, value: Any) -> bool:
        with self._locked():
            if self._read(self._path(key)) != value:
                return False
            self.delete(key)
            return True

    @contextlib.contextmanager
    def _locked(self):
        # One lock file for the whole folder: the sections it guards are a read and a
        # rename, and per-key lock files would pile up (one per session).
        with open(self._dir / "store.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def sweep(self) -> int:
        """Delete the files whose time to live has passed; returns how many.

        The folder's lock file stays: deleting it under a holder would break the lock.
        """
        removed = 0
        now = time.time()
        for path in self._dir.iterdir():
            if path.suffix in (".lock", ".tmp", ".pop") or not path.is_file():
                continue
            try:
                expired = json.loads(path.read_text())["exp"] < now
            except (FileNotFoundError, ValueError, KeyError, TypeError):
                continue  # being replaced right now, or not ours
            if expired:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def add_member(self, key: str, member: str, ttl: float) -> None:
        with self._locked():
            current = set(self.get(key) or [])
            current.add(member)
            self.set(key, sorted(current), ttl)

    def members(self, key: str) -> set[str]:
        return set(self.get(key) or [])

    def remove_member(self, key: str, member: str) -> None:
        with self._locked():
            current = set(self.get(key) or [])
            current.discard(member)
            if current:
                path = self._path(key)
                record = json.loads(path.read_text())
                self._write(path, sorted(current), max(record["exp"] - time.time(), 1))
            else:
                self.delete(key)


def _millis(ttl: float) -> int:
    return max(int(ttl * 1000), 1)
