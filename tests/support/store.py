"""What the BFF keeps in its SQLite store, read as an observer with the stdlib `sqlite3`
(the tests look at server state; the browser never sees it).

`data_dir` is the BFF's `DATA_DIR`; the database is `DATA_DIR/selfserve.sqlite3`
(`app/auth/store_sqlite.py`). Redis-backed tests read Redis with its own client.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

from app.auth.store_sqlite import FILENAME


def database(data_dir: str | Path) -> Path:
    return Path(data_dir) / FILENAME


def live_rows(data_dir: str | Path) -> dict[str, bytes]:
    """Every unexpired value by key (sets aside)."""
    path = database(data_dir)
    if not path.exists():
        return {}
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT key, value FROM entries WHERE expires_at IS NULL"
                            " OR expires_at > ?", (time.time(),)).fetchall()
    return {key: bytes(value) if isinstance(value, bytes) else value.encode()
            for key, value in rows}


def live_values(data_dir: str | Path, prefix: str = "") -> list[Any]:
    """The JSON values of the live keys starting with `prefix`."""
    return [json.loads(raw) for key, raw in live_rows(data_dir).items() if key.startswith(prefix)]


def session_keys(data_dir: str | Path) -> list[str]:
    """The live flask-session records."""
    return [key for key in live_rows(data_dir) if key.startswith("session:")]


def forget_sessions(app) -> None:
    """What an idle timeout or a wiped store does: every flask-session record of the BFF
    `app` goes, on whichever store it runs (SQLite's file, or its Redis)."""
    settings = app.extensions["selfserve.settings"]
    if settings.session_type == "sqlite":
        with sqlite3.connect(database(settings.data_dir)) as conn:
            conn.execute("DELETE FROM entries WHERE key LIKE 'session:%'")
        return
    import redis

    from app.auth.store_redis import PREFIX

    client = redis.from_url(settings.redis_url)
    for key in client.scan_iter(match=PREFIX + "session:*"):
        client.delete(key)


def footprint(data_dir: str | Path) -> tuple[int, int]:
    """(rows, bytes of keys and values) of everything live, sets included."""
    path = database(data_dir)
    now = time.time()
    with sqlite3.connect(path) as conn:
        entries = conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(LENGTH(key) + LENGTH(value)), 0) FROM entries"
            " WHERE expires_at IS NULL OR expires_at > ?", (now,)).fetchone()
        members = conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(LENGTH(key) + LENGTH(member)), 0) FROM members"
            " WHERE expires_at > ?", (now,)).fetchone()
    return entries[0] + members[0], entries[1] + members[1]
