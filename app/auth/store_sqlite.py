"""The store in one SQLite database file (the default backend), safe across the threads
and worker processes of one host.

Why it is safe: the database runs in WAL mode (readers never block the writer), every
connection waits up to `BUSY_TIMEOUT` for a lock instead of failing, and every
operation is a single SQL statement, so SQLite makes it atomic: `add` is an upsert
that only replaces an expired row, `pop` a `DELETE ... RETURNING`, `delete_if` a
`DELETE` on key and value. Connections come from a small per-process pool (a list:
its `pop` and `append` are atomic; a connection never crosses a `fork`: a worker
forked from a master that opened one starts a pool of its own).

Expiry: each row has an `expires_at` (epoch seconds, NULL: never), indexed. A read
ignores expired rows; deleting them is the sweeper's job: one daemon thread per
process (`_Sweeper`), every `SWEEP_INTERVAL` seconds, deletes at most
`SWEEP_BATCH` rows per statement and `SWEEP_BATCHES` statements per store. It runs
beside the requests, so no user's request ever waits for a sweep, and the short
statements keep each write lock brief. Several processes may sweep the same file;
that is harmless.

Schema: `entries(key, value, expires_at)` for values, `members(key, member,
expires_at)` for sets and `logs(id, key, at, value, cap, expires_at)` for capped logs
(a trigger trims a log on each insert); values are msgspec JSON bytes (`store.encode`).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..config import ConfigError
from .store import StoreUnavailable, decode, encode, write_read_delete

log = logging.getLogger(__name__)

FILENAME = "selfserve.sqlite3"
BUSY_TIMEOUT = 5.0  # seconds a statement waits for another process's write lock
SWEEP_INTERVAL = 60.0
SWEEP_BATCH = 500
SWEEP_BATCHES = 20
_POOL_SIZE = 8

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL,
    expires_at REAL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entries_expiry ON entries (expires_at);
CREATE TABLE IF NOT EXISTS members (
    key TEXT NOT NULL,
    member TEXT NOT NULL,
    expires_at REAL NOT NULL,
    PRIMARY KEY (key, member)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS members_expiry ON members (expires_at);
CREATE TABLE IF NOT EXISTS logs (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    at REAL NOT NULL,
    value BLOB NOT NULL,
    cap INTEGER NOT NULL,
    expires_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS logs_by_key ON logs (key, at);
CREATE INDEX IF NOT EXISTS logs_expiry ON logs (expires_at);
-- The cap and the age limit apply with the insert itself (one statement, atomic).
CREATE TRIGGER IF NOT EXISTS logs_capped AFTER INSERT ON logs BEGIN
    DELETE FROM logs WHERE key = NEW.key AND (expires_at <= NEW.at OR id NOT IN (
        SELECT id FROM logs WHERE key = NEW.key ORDER BY at DESC, id DESC LIMIT NEW.cap));
END;
"""


class SqliteStore:
    """The `Store` contract (`store.py`) on one SQLite file."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._pid = os.getpid()
        self._pool: list[sqlite3.Connection] = []
        self._forked_away: list[list[sqlite3.Connection]] = []
        self._trace = None
        conn = self._take()
        try:
            conn.executescript("BEGIN IMMEDIATE;" + _SCHEMA + "COMMIT;")
        finally:
            self._give_back(conn)
        _Sweeper.watch(self)

    @classmethod
    def in_folder(cls, folder: str) -> SqliteStore:
        """The store in `folder/selfserve.sqlite3` (folder `0700`, file `0600`), or
        `ConfigError` naming DATA_DIR."""
        try:
            Path(folder).mkdir(parents=True, exist_ok=True, mode=0o700)
            path = Path(folder) / FILENAME
            os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
            return cls(path)
        except (OSError, sqlite3.Error) as error:
            raise ConfigError(
                f"DATA_DIR={folder!r} cannot hold the store ({error}): point it at a"
                " writable folder on a local disk."
            ) from None

    # --- connections ------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None,
                               check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL cannot corrupt the file; a power cut may lose the last
        # writes (a sign-in or two), which is acceptable for sessions.
        conn.execute("PRAGMA synchronous=NORMAL")
        if self._trace is not None:
            conn.set_trace_callback(self._trace)
        return conn

    def _take(self) -> sqlite3.Connection:
        if os.getpid() != self._pid:
            # Forked (e.g. gunicorn --preload): the parent's connections must not be
            # used or closed here; keep them referenced and start afresh.
            self._forked_away.append(self._pool)
            self._pool = []
            self._pid = os.getpid()
            _Sweeper.watch(self)
        try:
            return self._pool.pop()
        except IndexError:
            return self._connect()

    def _give_back(self, conn: sqlite3.Connection) -> None:
        if len(self._pool) < _POOL_SIZE:
            self._pool.append(conn)
        else:
            conn.close()

    def trace(self, callback) -> None:
        """Call `callback(sql)` for every statement run from now on (tests, benchmarks)."""
        self._trace = callback
        self._close_pool()

    def _close_pool(self) -> None:
        while self._pool:
            self._pool.pop().close()

    def _cursor(self, sql: str, params: Sequence[Any]) -> tuple[sqlite3.Connection,
                                                                sqlite3.Cursor]:
        conn = self._take()
        try:
            return conn, conn.execute(sql, params)
        except sqlite3.OperationalError as error:
            conn.close()
            raise StoreUnavailable(f"SQLite store {self.path}: {error}") from error

    def _execute(self, sql: str, params: Sequence[Any]) -> list[tuple]:
        conn, cursor = self._cursor(sql, params)
        try:
            rows = cursor.fetchall()
        except sqlite3.OperationalError as error:
            conn.close()
            raise StoreUnavailable(f"SQLite store {self.path}: {error}") from error
        self._give_back(conn)
        return rows

    def _changes(self, sql: str, params: Sequence[Any]) -> int:
        conn, cursor = self._cursor(sql, params)
        self._give_back(conn)
        return cursor.rowcount

    # --- the contract -----------------------------------------------------------------

    def get(self, key: str) -> Any | None:
        rows = self._execute("SELECT value FROM entries WHERE key = ?"
                             " AND (expires_at IS NULL OR expires_at > ?)", (key, time.time()))
        return decode(rows[0][0], key) if rows else None

    def get_many(self, keys: Sequence[str]) -> list[Any | None]:
        marks = ",".join("?" * len(keys))  # placeholders only: the keys are parameters
        rows = self._execute(
            f"SELECT key, value FROM entries WHERE key IN ({marks})"  # noqa: S608
            " AND (expires_at IS NULL OR expires_at > ?)",
            (*keys, time.time()))
        found = dict(rows)
        return [decode(found.get(key), key) for key in keys]

    def set(self, key: str, value: Any, ttl: float | None) -> None:
        self._execute(
            "INSERT INTO entries (key, value, expires_at) VALUES (?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
            " expires_at = excluded.expires_at",
            (key, encode(value), _expiry(ttl)))

    def delete(self, key: str) -> None:
        self._execute("DELETE FROM entries WHERE key = ?", (key,))

    def add(self, key: str, value: Any, ttl: float) -> bool:
        now = time.time()
        # Inserts, or replaces a row only if it has expired: one statement, atomic.
        return self._changes(
            "INSERT INTO entries (key, value, expires_at) VALUES (?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
            " expires_at = excluded.expires_at"
            " WHERE entries.expires_at IS NOT NULL AND entries.expires_at <= ?",
            (key, encode(value), now + ttl, now)) == 1

    def pop(self, key: str) -> Any | None:
        rows = self._execute("DELETE FROM entries WHERE key = ? RETURNING value, expires_at",
                             (key,))
        if not rows or (rows[0][1] is not None and rows[0][1] <= time.time()):
            return None
        return decode(rows[0][0], key)

    def delete_if(self, key: str, value: Any) -> bool:
        return self._changes("DELETE FROM entries WHERE key = ? AND value = ?",
                             (key, encode(value))) == 1

    def incr(self, key: str, ttl: float) -> int:
        now = time.time()
        rows = self._execute(
            "INSERT INTO entries (key, value, expires_at) VALUES (?, CAST(1 AS TEXT), ?)"
            " ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at,"
            " value = CAST(CASE WHEN entries.expires_at IS NOT NULL AND entries.expires_at <= ?"
            " THEN 1 ELSE CAST(entries.value AS INTEGER) + 1 END AS TEXT)"
            " RETURNING CAST(value AS INTEGER)",
            (key, now + ttl, now))
        return int(rows[0][0])

    def add_member(self, key: str, member: str, ttl: float) -> None:
        self._execute(
            "INSERT INTO members (key, member, expires_at) VALUES (?, ?, ?)"
            " ON CONFLICT (key, member) DO UPDATE SET expires_at = excluded.expires_at",
            (key, member, time.time() + ttl))

    def members(self, key: str) -> set[str]:
        rows = self._execute("SELECT member FROM members WHERE key = ? AND expires_at > ?",
                             (key, time.time()))
        return {row[0] for row in rows}

    def remove_member(self, key: str, member: str) -> None:
        self._execute("DELETE FROM members WHERE key = ? AND member = ?", (key, member))

    def log_append(self, key: str, entry: Any, *, at: float, cap: int,
                   max_age: float) -> None:
        self._execute("INSERT INTO logs (key, at, value, cap, expires_at) VALUES (?, ?, ?, ?, ?)",
                      (key, at, encode(entry), cap, at + max_age))

    def log_read(self, key: str, *, before: float | None,
                 limit: int) -> list[tuple[float, Any]]:
        rows = self._execute(
            "SELECT at, value FROM logs WHERE key = ? AND at < ? AND expires_at > ?"
            " ORDER BY at DESC, id DESC LIMIT ?",
            (key, float("inf") if before is None else before, time.time(), limit))
        return [(at, decode(value, key)) for at, value in rows]

    def ping(self) -> None:
        try:
            write_read_delete(self, "SQLite store")
        except sqlite3.Error as error:
            raise StoreUnavailable(f"SQLite store {self.path}: {error}") from error

    def close(self) -> None:
        _Sweeper.forget(self)
        self._close_pool()

    # --- expiry -----------------------------------------------------------------------

    def sweep(self, now: float | None = None) -> int:
        """Delete expired rows, at most `SWEEP_BATCH` per statement and `SWEEP_BATCHES`
        statements; returns how many went."""
        now = time.time() if now is None else now
        removed = 0
        for table, key in (("entries", "key"), ("members", "key, member"), ("logs", "id")):
            for _ in range(SWEEP_BATCHES):
                count = self._changes(
                    f"DELETE FROM {table} WHERE ({key}) IN"  # noqa: S608 - our own names
                    f" (SELECT {key} FROM {table} WHERE expires_at <= ? LIMIT ?)",
                    (now, SWEEP_BATCH))
                removed += count
                if count < SWEEP_BATCH:
                    break
        return removed


def _expiry(ttl: float | None) -> float | None:
    return None if ttl is None else time.time() + ttl


class _Sweeper:
    """One daemon thread per process sweeping every live `SqliteStore` of that process."""

    _stores: weakref.WeakSet[SqliteStore] = weakref.WeakSet()
    _lock = threading.Lock()
    _pid: int | None = None

    @classmethod
    def watch(cls, store: SqliteStore) -> None:
        with cls._lock:
            cls._stores.add(store)
            if cls._pid != os.getpid():
                cls._pid = os.getpid()
                threading.Thread(target=cls._run, name="selfserve-store-sweeper",
                                 daemon=True).start()

    @classmethod
    def forget(cls, store: SqliteStore) -> None:
        with cls._lock:
            cls._stores.discard(store)

    @classmethod
    def _run(cls) -> None:
        while True:
            time.sleep(SWEEP_INTERVAL)
            with cls._lock:
                stores = list(cls._stores)
            for store in stores:
                try:
                    store.sweep()
                except (StoreUnavailable, sqlite3.Error) as error:
                    log.warning("store sweep failed: %s", error)
