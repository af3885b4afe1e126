"""Nothing read from the store is unpickled (DESIGN.md): a pickle planted in a session's
raw record, through the backend's own client, is no session, runs nothing, and is
logged. flask-session's own serializer falls back to `pickle.loads`; ours never does."""

from __future__ import annotations

import logging
import pickle
import sqlite3

import pytest
import redis
import requests

from tests.support.login import sign_in

COOKIE = "selfserve-session"


class CreatesAFile:
    """Unpickling this calls `open(path, "w")`: the file appearing proves code ran."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def plant(store_env: dict[str, str], bff_env: dict[str, str], session_id: str,
          payload: bytes) -> None:
    """Overwrite the raw stored record of flask session `session_id` with `payload`."""
    if store_env["SESSION_TYPE"] == "redis":
        client = redis.from_url(store_env["REDIS_URL"])
        key = "selfserve:session:" + session_id
        assert client.exists(key)
        client.set(key, payload, ex=600)
        return
    from tests.support.store import database

    with sqlite3.connect(database(bff_env["DATA_DIR"])) as conn:
        changed = conn.execute("UPDATE entries SET value = ? WHERE key = ?",
                               (payload, "session:" + session_id)).rowcount
    assert changed == 1


@pytest.mark.parametrize("store", ["sqlite", "redis"])
def test_a_pickle_in_a_session_record_is_never_unpickled(
    make_bff, bff_env, bff_server, hooks, tmp_path, caplog, request, store
):
    store_env = request.getfixturevalue("redis_env") if store == "redis" else {
        "SESSION_TYPE": "sqlite"}
    caplog.set_level(logging.WARNING)
    make_bff(**store_env)
    marker = tmp_path / "unpickled"
    with requests.Session() as http:
        sign_in(http, bff_server.url)
        assert http.get(bff_server.url + "/bff/user", timeout=10).status_code == 200
        plant(store_env, bff_env, http.cookies[COOKIE],
              pickle.dumps({"auth": CreatesAFile(str(marker))}))

        answer = http.get(bff_server.url + "/bff/user", timeout=10)

        assert answer.status_code == 401
        assert answer.json()["code"] == "login_required"
    assert not marker.exists(), "the stored pickle was unpickled"
    assert "the value of a 'session' key is not JSON; treated as absent" in caplog.text
