"""Several workers and several tabs: shared state lives in the store (SQLite or Redis),
concurrent edits are serialised, and nothing is lost or applied twice."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from app.auth.store import user_key
from tests.api.conftest import ALICE_ID
from tests.support.store import database


@pytest.fixture(params=["sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def session_env(request) -> dict[str, str]:
    if request.param == "redis":
        return request.getfixturevalue("redis_env")
    return {"SESSION_TYPE": "sqlite"}


def test_device_registry_is_shared_by_workers(make_bff, new_api, session_env):
    make_bff(**session_env)
    api = new_api()
    key = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    created = api.post("/api/me/device-credentials", json={
        "device_name": "Laptop", "device_id": "1234", "public_key": key})
    assert created.status_code == 201
    # Another worker process: a fresh app over the same store and secret key.
    make_bff(**session_env)
    assert api.get("/api/me/device-credentials").json() == {
        "device_credentials": [created.json()]}
    assert api.delete(f"/api/me/device-credentials/{created.json()['id']}").status_code == 204


def test_the_device_registry_never_expires_and_lives_in_its_own_key_space(
    make_bff, new_api, session_env, bff_env
):
    make_bff(**session_env)
    api = new_api()
    key = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    assert api.post("/api/me/device-credentials", json={
        "device_name": "Phone", "device_id": "ab12", "public_key": key}).status_code == 201
    stored = "api:" + user_key("registry:devices", ALICE_ID)
    if session_env["SESSION_TYPE"] == "redis":
        client = redis.from_url(session_env["REDIS_URL"])
        assert client.exists("selfserve:" + stored)
        assert client.pttl("selfserve:" + stored) == -1  # no TTL at all
    else:
        with sqlite3.connect(database(bff_env["DATA_DIR"])) as conn:
            rows = conn.execute("SELECT expires_at FROM entries WHERE key = ?",
                                (stored,)).fetchall()
        assert rows == [(None,)]


def test_a_write_in_one_worker_drops_the_cache_of_another(make_bff, new_api, session_env):
    make_bff(**session_env)
    first_tab, second_tab = new_api(), new_api()
    assert second_tab.get("/api/me").json()["user_metadata"]["theme"] == "dark"
    make_bff(**session_env)
    assert first_tab.patch("/api/me/metadata", json={"theme": "light"}).status_code == 200
    assert second_tab.get("/api/me").json()["user_metadata"]["theme"] == "light"


def test_concurrent_edits_with_one_etag_one_wins(bff, new_api, hooks):
    tabs = [new_api() for _ in range(4)]
    tag = tabs[0].get("/api/me/metadata").headers["ETag"]

    def edit(index: int) -> int:
        return tabs[index].patch("/api/me/metadata", json={f"tab{index}": index},
                                 headers={"If-Match": tag}).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = sorted(pool.map(edit, range(4)))
    assert statuses == [200, 409, 409, 409]
    written = [k for k in hooks.user(ALICE_ID)["user_metadata"] if k.startswith("tab")]
    assert len(written) == 1


def test_concurrent_edits_without_etag_all_apply(bff, new_api, hooks):
    tabs = [new_api() for _ in range(4)]

    def edit(index: int) -> int:
        return tabs[index].patch("/api/me/metadata", json={f"tab{index}": index}).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(edit, range(4))) == [200] * 4
    stored = hooks.user(ALICE_ID)["user_metadata"]
    assert {k: v for k, v in stored.items() if k.startswith("tab")} == {
        "tab0": 0, "tab1": 1, "tab2": 2, "tab3": 3}
