"""Expired sessions leave the SQLite store by the sweep; live ones stay. The sweep runs in
a background thread of each process, never in a user's request."""

from __future__ import annotations

import sqlite3
import threading
import time

import requests

from app.auth.store_sqlite import SqliteStore, _Sweeper
from tests.support.login import sign_in
from tests.support.store import database


def _rows(data_dir) -> dict[str, float | None]:
    """Every stored key (sets' members as `key member`) and its expiry, expired included."""
    with sqlite3.connect(database(data_dir)) as conn:
        rows = dict(conn.execute("SELECT key, expires_at FROM entries"))
        rows.update({f"{k} {m}": e for k, m, e in
                     conn.execute("SELECT key, member, expires_at FROM members")})
    return rows


def test_the_sweep_removes_expired_sessions_and_grants_only(make_bff, bff_server, bff_env, hooks):
    # Short timeouts, yet long enough that the second session is still live when the
    # test looks at the rows on a loaded machine.
    app = make_bff(SESSION_TYPE="sqlite",  # the sweeper is the SQLite store's
                   SESSION_IDLE_TIMEOUT="3", SESSION_ABSOLUTE_TIMEOUT="4")
    store = app.extensions["selfserve.auth"].store

    with requests.Session() as old:
        assert sign_in(old, bff_server.url).status_code == 200
    time.sleep(4.2)  # both timeouts over for the first session
    with requests.Session() as live:
        assert sign_in(live, bff_server.url).status_code == 200
        now = time.time()
        before = _rows(bff_env["DATA_DIR"])
        expired = {k for k, exp in before.items() if exp is not None and exp < now}
        assert sum(k.startswith("session:") for k in expired) == 1
        assert sum(k.startswith("grant:") for k in expired) == 1

        assert store.sweep() >= len(expired)

        after = _rows(bff_env["DATA_DIR"])
        assert [k for k, exp in after.items() if exp is not None and exp < now] == []
        assert set(before) - expired == set(after)  # live ones stay
        assert live.get(bff_server.url + "/bff/user", timeout=10).status_code == 200


def test_each_process_sweeps_in_one_background_thread(make_bff, tmp_path):
    make_bff(SESSION_TYPE="sqlite")
    make_bff(SESSION_TYPE="sqlite")
    sweepers = [t for t in threading.enumerate() if t.name == "selfserve-store-sweeper"]
    assert len(sweepers) == 1 and sweepers[0].daemon
    store = SqliteStore.in_folder(str(tmp_path / "other"))
    try:
        assert store in _Sweeper._stores
    finally:
        store.close()
    assert store not in _Sweeper._stores
