"""The shared store on both backends (SQLite and a real Redis): TTLs, no-expiry values,
atomic add, pop, compare-and-delete and counters, sets, one-round-trip reads, sweeps."""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid

import pytest
import redis

from app.auth.store import LockTimeout, lock, session_key, user_key
from app.auth.store_redis import RedisStore
from app.auth.store_sqlite import SWEEP_BATCH, SqliteStore


@pytest.fixture(params=["sqlite", "redis", "cluster"])
def store(request, tmp_path):
    if request.param == "cluster":
        from app.auth.store_redis import redis_client
        from app.config import Settings

        nodes = request.getfixturevalue("redis_cluster").nodes_setting
        settings = Settings(tenant_url="", client_id="", client_secret=None, secret_key="",
                            session_type="redis", redis_cluster_nodes=tuple(
                                (h, int(p)) for h, p in (n.split(":") for n in nodes.split(","))))
        client = redis_client(settings)
        yield RedisStore(client, prefix=f"test-{uuid.uuid4().hex}:")
        client.close()
        return
    if request.param == "redis":
        server = request.getfixturevalue("redis_server")
        yield RedisStore(redis.from_url(server.url), prefix=f"test-{uuid.uuid4().hex}:")
        return
    sqlite_store = SqliteStore.in_folder(str(tmp_path / "data"))
    yield sqlite_store
    sqlite_store.close()


def test_values_expire(store):
    store.set("a", {"x": 1}, 0.3)
    assert store.get("a") == {"x": 1}
    time.sleep(0.4)
    assert store.get("a") is None


def _winners_of_a_race_to_add(store, key: str, threads: int = 16) -> list[int]:
    """Start `threads` threads at once, each adding its number under `key`."""
    wins: list[int] = []
    barrier = threading.Barrier(threads)

    def contend(i: int) -> None:
        barrier.wait()
        if store.add(key, i, 5):
            wins.append(i)

    runners = [threading.Thread(target=contend, args=(i,)) for i in range(threads)]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join()
    return wins


def test_add_is_atomic_across_threads(store):
    wins = _winners_of_a_race_to_add(store, "lock")
    assert len(wins) == 1
    assert store.get("lock") == wins[0]


def test_an_expired_lock_can_be_taken_again(store):
    assert store.add("lock", 1, 0.2)
    assert not store.add("lock", 2, 0.2)
    time.sleep(0.3)
    assert store.add("lock", 3, 1)


def test_pop_hands_a_value_to_one_caller_only(store):
    store.set("once", "v", 5)
    got: list[str] = []
    barrier = threading.Barrier(12)

    def take() -> None:
        barrier.wait()
        value = store.pop("once")
        if value is not None:
            got.append(value)

    threads = [threading.Thread(target=take) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == ["v"]
    assert store.get("once") is None


def test_sets(store):
    store.add_member("s", "a", 5)
    store.add_member("s", "b", 5)
    store.add_member("s", "a", 5)
    assert store.members("s") == {"a", "b"}
    store.remove_member("s", "a")
    assert store.members("s") == {"b"}
    store.remove_member("s", "b")
    assert store.members("s") == set()
    assert store.members("never") == set()


def test_delete_if_deletes_only_the_value_it_names(store):
    store.set("k", "mine", 5)
    assert not store.delete_if("k", "theirs")
    assert store.get("k") == "mine"
    assert store.delete_if("k", "mine")
    assert store.get("k") is None
    assert not store.delete_if("k", "mine")


def test_taking_over_an_expired_key_is_atomic_across_threads(store):
    assert store.add("expired", "dead holder", 0.1)
    time.sleep(0.2)
    wins = _winners_of_a_race_to_add(store, "expired")
    assert len(wins) == 1
    assert store.get("expired") == wins[0]


def test_a_lock_that_expired_under_its_holder_stays_with_the_next_holder(store):
    first = lock(store, "work", ttl=0.2, wait=1)
    first.__enter__()
    time.sleep(0.3)  # the first holder overran its ttl; the next one takes the lock
    with lock(store, "work", ttl=5, wait=1):
        first.__exit__(None, None, None)  # the first holder finishes late
        with pytest.raises(LockTimeout):  # ...and must not have released the second's
            with lock(store, "work", ttl=5, wait=0.2):
                pass


def test_a_value_without_ttl_never_expires(store, request):
    store.set("registry", [1, 2], None)
    assert store.get("registry") == [1, 2]
    if isinstance(store, RedisStore):
        assert store.client.pttl(store._k("registry")) == -1  # no TTL at all
    else:
        with sqlite3.connect(store.path) as conn:
            (expiry,) = conn.execute("SELECT expires_at FROM entries WHERE key = 'registry'"
                                     ).fetchone()
        assert expiry is None


def test_get_many_reads_values_in_order(store):
    # One user's keys: in a cluster, one slot.
    a, b, c, gone = (user_key(name, "auth0|alice") for name in ("a", "b", "c", "gone"))
    store.set(a, 1, 5)
    store.set(c, {"x": "y"}, 5)
    store.set(gone, 2, 0.05)
    time.sleep(0.1)
    assert store.get_many([a, b, c, gone]) == [1, None, {"x": "y"}, None]


def test_incr_counts_atomically_from_zero(store):
    results: list[int] = []
    barrier = threading.Barrier(8)

    def bump() -> None:
        barrier.wait()
        results.append(store.incr("n", 5))

    threads = [threading.Thread(target=bump) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == list(range(1, 9))
    assert store.get("n") == 8


def test_a_set_member_expires_on_its_own(store):
    store.add_member("s", "short", 0.2)
    store.add_member("s", "long", 5)
    time.sleep(0.3)
    assert store.members("s") == {"long"}


def test_keys_of_a_user_and_of_their_sessions_share_one_hash_tag():
    from app.auth.store import new_session_id

    def hash_tag(key: str) -> str:
        return key[key.index("{"):key.index("}") + 1]

    session_id = new_session_id("auth0|alice")
    tag = hash_tag(user_key("x", "auth0|alice"))
    assert hash_tag(session_key("grant", session_id)) == tag
    assert tag.startswith("{u:") and len(tag) == 20
    # Whatever the user id holds, the tag is a fixed-length hash.
    assert len(user_key("x", "{weird}|id")) == len(user_key("x", "a"))


def test_a_value_that_is_not_json_reads_as_absent_and_is_logged(store, caplog):
    store.set("k", "v", 5)
    if isinstance(store, RedisStore):
        store.client.set(store._k("k"), b"\x80\x04garbage")
    else:
        with sqlite3.connect(store.path) as conn:
            conn.execute("UPDATE entries SET value = ? WHERE key = 'k'", (b"\x80\x04garbage",))
    assert store.get("k") is None
    assert "the value of a 'k' key is not JSON" in caplog.text


def test_the_sqlite_sweep_deletes_expired_rows_in_bounded_batches(tmp_path):
    store = SqliteStore.in_folder(str(tmp_path / "data"))
    try:
        for i in range(SWEEP_BATCH + 10):
            store.set(f"old{i}", i, 0.01)
        store.add_member("set", "old", 0.01)
        store.set("live", 1, 60)
        store.set("registry", 1, None)
        store.add_member("set", "live", 60)
        time.sleep(0.05)
        assert store.sweep() == SWEEP_BATCH + 11
        with sqlite3.connect(store.path) as conn:
            keys = {row[0] for row in conn.execute("SELECT key FROM entries")}
            members = {row[0] for row in conn.execute("SELECT member FROM members")}
        assert keys == {"live", "registry"}
        assert members == {"live"}
    finally:
        store.close()


def test_the_sqlite_file_is_private_and_in_wal_mode(tmp_path):
    store = SqliteStore.in_folder(str(tmp_path / "data"))
    try:
        store.set("k", 1, 5)
        assert (tmp_path / "data").stat().st_mode & 0o777 == 0o700
        assert store.path.stat().st_mode & 0o777 == 0o600
        with sqlite3.connect(store.path) as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        store.close()


def test_a_capped_log_keeps_the_newest_entries_newest_first(store):
    now = time.time()
    for index in range(7):
        store.log_append("log:a", {"n": index}, at=now + index / 100, cap=5, max_age=60)
    store.log_append("log:b", {"n": 99}, at=now, cap=5, max_age=60)
    newest = store.log_read("log:a", before=None, limit=10)
    assert [entry["n"] for _, entry in newest] == [6, 5, 4, 3, 2]
    assert [at for at, _ in newest] == sorted((at for at, _ in newest), reverse=True)
    # Paging: strictly before the last entry's time.
    first = store.log_read("log:a", before=None, limit=2)
    rest = store.log_read("log:a", before=first[-1][0], limit=10)
    assert [e["n"] for _, e in first + rest] == [6, 5, 4, 3, 2]
    assert [e["n"] for _, e in store.log_read("log:b", before=None, limit=10)] == [99]


def test_a_capped_log_keeps_equal_entries_apart(store):
    now = time.time()
    store.log_append("log:same", {"action": "x"}, at=now, cap=5, max_age=60)
    store.log_append("log:same", {"action": "x"}, at=now + 0.001, cap=5, max_age=60)
    assert len(store.log_read("log:same", before=None, limit=10)) == 2


def test_capped_log_entries_older_than_their_age_limit_are_gone(store):
    now = time.time()
    store.log_append("log:old", {"n": "old"}, at=now - 100, cap=5, max_age=50)
    assert store.log_read("log:old", before=None, limit=10) == []
    store.log_append("log:old", {"n": "short"}, at=now, cap=5, max_age=0.3)
    store.log_append("log:old", {"n": "long"}, at=now, cap=5, max_age=60)
    assert {e["n"] for _, e in store.log_read("log:old", before=None, limit=10)} == {
        "short", "long"}
    deadline = time.monotonic() + 5
    while len(store.log_read("log:old", before=None, limit=10)) != 1:
        assert time.monotonic() < deadline, "the short-lived entry did not expire"
        time.sleep(0.05)
    assert [e["n"] for _, e in store.log_read("log:old", before=None, limit=10)] == ["long"]
