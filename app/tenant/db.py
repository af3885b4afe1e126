"""The local tenant's SQLite store: one file per data folder, one connection per request.

Contract: modules that own tables declare them with `register_schema(sql)` at import
time (and columns added later with `register_column`); `init_db(path)` creates every
registered table and column; `get_db()` is the request's
connection (autocommit off: call `commit()` after a write; the directory's writes go
through `app.tenant.directory.store.write`).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flask import current_app, g

_SCHEMAS: list[str] = []
_COLUMNS: list[tuple[str, str, str]] = []


def register_schema(sql: str) -> None:
    """Declare tables (idempotent `CREATE TABLE IF NOT EXISTS` statements)."""
    _SCHEMAS.append(sql)


def register_column(table: str, column: str, declaration: str) -> None:
    """Declare a column added to a table after data folders with it existed: `init_db`
    adds it where it is missing (SQLite has no `ADD COLUMN IF NOT EXISTS`)."""
    _COLUMNS.append((table, column, declaration))


def connect(path: str | Path) -> sqlite3.Connection:
    # Threaded test servers and the demo serve concurrent requests: WAL lets reads
    # go on during a write, and the busy timeout queues writers instead of failing.
    conn = sqlite3.connect(str(path), timeout=10, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    return conn


def init_db(path: str | Path) -> None:
    conn = connect(path)
    try:
        for sql in _SCHEMAS:
            conn.executescript(sql)
        for table, column, declaration in _COLUMNS:
            present = {row["name"] for row in conn.execute(f"PRAGMA table_info({table})")}
            if column not in present:
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
        conn.commit()
    finally:
        conn.close()


def get_db() -> sqlite3.Connection:
    if "tenant_db" not in g:
        g.tenant_db = connect(current_app.config["TENANT_DB_PATH"])
    return g.tenant_db


def close_db(_exc: BaseException | None = None) -> None:
    conn = g.pop("tenant_db", None)
    if conn is not None:
        conn.close()
