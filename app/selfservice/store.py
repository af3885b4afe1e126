"""A small server-side key-value store shared by every worker, with short-lived locks.

Contract: `KeyValueStore.from_settings(settings)` follows `SESSION_TYPE`: `filesystem`
keeps values as files under `<SESSION_DIR>/selfservice` (never pruned), `redis` keeps
them in `REDIS_URL` under the prefix `selfserve:api:`. `get`/`set`/`delete` take JSON
values; `set(..., ttl=0)` keeps a value until deleted. `lock(name)` is a mutual
exclusion across threads and processes held for at most `ttl` seconds.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import redis
from cachelib import FileSystemCache, RedisCache
from cachelib.base import BaseCache

from app.config import Settings


class LockTimeout(RuntimeError):
    """Another request held the lock for longer than we wait."""


class KeyValueStore:
    """JSON values by key in a cachelib backend; locks by Redis SET NX or O_EXCL files."""

    def __init__(
        self, cache: BaseCache, *, redis_client: redis.Redis | None, lock_dir: Path | None
    ) -> None:
        self._cache = cache
        self._redis = redis_client
        self._lock_dir = lock_dir

    @classmethod
    def from_settings(cls, settings: Settings) -> KeyValueStore:
        if settings.session_type == "redis":
            client = redis.from_url(settings.redis_url)
            cache = RedisCache(host=client, key_prefix="selfserve:api:", default_timeout=0)
            return cls(cache, redis_client=client, lock_dir=None)
        folder = Path(settings.session_dir) / "selfservice"
        folder.mkdir(parents=True, exist_ok=True)
        # threshold=0: never prune; device registrations must not be evicted.
        cache = FileSystemCache(str(folder / "values"), threshold=0, default_timeout=0)
        lock_dir = folder / "locks"
        lock_dir.mkdir(exist_ok=True)
        return cls(cache, redis_client=None, lock_dir=lock_dir)

    def get(self, key: str) -> Any:
        return self._cache.get(key)

    def set(self, key: str, value: Any, ttl: int = 0) -> None:
        if not self._cache.set(key, value, timeout=ttl):
            raise OSError(f"the session store did not save {key!r}")

    def delete(self, key: str) -> None:
        self._cache.delete(key)

    @contextmanager
    def lock(self, name: str, ttl: float = 10.0, wait: float = 5.0) -> Iterator[None]:
        """Hold `name` exclusively; a holder that died frees it after `ttl` seconds."""
        token = secrets.token_hex(8)
        deadline = time.monotonic() + wait
        while not self._acquire(name, token, ttl):
            if time.monotonic() > deadline:
                raise LockTimeout(name)
            time.sleep(0.02)
        try:
            yield
        finally:
            self._release(name, token)

    def _acquire(self, name: str, token: str, ttl: float) -> bool:
        if self._redis is not None:
            return bool(self._redis.set(f"selfserve:lock:{name}", token, nx=True,
                                        px=int(ttl * 1000)))
        path = self._lock_path(name)
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            try:
                stale = time.time() - path.stat().st_mtime > ttl
            except FileNotFoundError:
                return False  # released meanwhile: try again on the next round
            if stale:
                path.unlink(missing_ok=True)
            return False
        with os.fdopen(fd, "w") as handle:
            handle.write(token)
        return True

    def _release(self, name: str, token: str) -> None:
        if self._redis is not None:
            key = f"selfserve:lock:{name}"
            # Only the holder deletes: compare and delete in one step.
            self._redis.eval(
                "if redis.call('get', KEYS[1]) == ARGV[1] then"
                " return redis.call('del', KEYS[1]) end return 0",
                1, key, token,
            )
            return
        path = self._lock_path(name)
        try:
            if path.read_text() == token:
                path.unlink()
        except FileNotFoundError:
            pass  # freed as stale by another worker after our ttl: nothing to release

    def _lock_path(self, name: str) -> Path:
        assert self._lock_dir is not None
        safe = "".join(c if c.isalnum() or c in "-_" else f"%{ord(c):02x}" for c in name)
        return self._lock_dir / f"{safe}.lock"
