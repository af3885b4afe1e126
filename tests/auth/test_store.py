"""The shared store on both backends: TTLs, atomic add and pop, sets."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
import redis

from app.auth.store import FileStore, LockTimeout, RedisStore, lock


@pytest.fixture(params=["filesystem", "redis"])
def store(request, tmp_path):
    if request.param == "redis":
        server = request.getfixturevalue("redis_server")
        return RedisStore(redis.from_url(server.url), prefix=f"test-{uuid.uuid4().hex}:")
    return FileStore(tmp_path / "store")


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
