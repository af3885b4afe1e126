"""What requests without a session can make the BFF keep (issue 8, item 6), measured on
both stores by counting rows or keys and their bytes: a `GET /login` keeps one small
transaction that expires within minutes; a `POST /callback` whose state is no
transaction of ours keeps nothing; a form_post for a live transaction parks one bounded
entry per transaction."""

from __future__ import annotations

import secrets
import time

import redis
import requests

from app.auth import transactions
from tests.support.store import footprint

#: The longest returnTo the BFF keeps (`session.safe_return_to`), to measure the worst case.
LONG_RETURN_TO = "/" + "a" * 2040
#: Bytes of one transaction at most: its record holds `return_to` plus ~600 bytes.
MAX_TRANSACTION_BYTES = 3 * 1024


def measure(store_env: dict[str, str], bff_env: dict[str, str]) -> tuple[int, int]:
    """(entries, bytes of keys and values) the BFF keeps, live ones only."""
    if store_env["SESSION_TYPE"] == "sqlite":
        return footprint(bff_env["DATA_DIR"])
    client = redis.from_url(store_env["REDIS_URL"])
    entries = size = 0
    for key in client.scan_iter("selfserve:*"):
        entries += 1
        if client.type(key) == b"zset":
            size += len(key) + sum(len(m) for m in client.zrange(key, 0, -1))
        else:
            size += len(key) + client.strlen(key)
    return entries, size


def ttls(store_env: dict[str, str], bff_env: dict[str, str], prefix: str) -> list[float]:
    """Seconds left for each live key starting with `prefix`."""
    if store_env["SESSION_TYPE"] == "sqlite":
        import sqlite3

        from tests.support.store import database

        with sqlite3.connect(database(bff_env["DATA_DIR"])) as conn:
            rows = conn.execute("SELECT expires_at FROM entries WHERE key LIKE ?",
                                (prefix + "%",)).fetchall()
        return [row[0] - time.time() for row in rows]
    client = redis.from_url(store_env["REDIS_URL"])
    return [client.pttl(k) / 1000 for k in client.scan_iter(f"selfserve:{prefix}*")]


def form_post(bff_url: str, state: str, token_size: int) -> requests.Response:
    fields = {"state": state, "id_token": "e" * token_size, "access_token": "a" * 1000,
              "token_type": "Bearer", "expires_in": "86400"}
    return requests.post(bff_url + "/callback", data=fields, allow_redirects=False, timeout=10)


def test_anonymous_requests_keep_little_for_little_time(make_bff, bff_env, bff_server,
                                                        store_env, capsys):
    make_bff(**store_env, AUTH0_FLOW="implicit")
    bff_url = bff_server.url
    settings_ttl = 5 * 60
    start = measure(store_env, bff_env)

    for _ in range(100):  # each a fresh client without cookies
        assert form_post(bff_url, secrets.token_urlsafe(24), 7000).status_code == 400
    assert measure(store_env, bff_env) == start, "a POST for no transaction stored something"

    states = []
    for _ in range(100):
        login = requests.get(bff_url + "/login", params={"returnTo": LONG_RETURN_TO},
                             allow_redirects=False, timeout=10)
        assert login.status_code == 302
        states.append(login.headers["Location"].split("state=")[1].split("&")[0])
    entries, size = measure(store_env, bff_env)
    assert entries - start[0] == 100
    per_login = (size - start[1]) / 100
    assert per_login <= MAX_TRANSACTION_BYTES
    assert max(ttls(store_env, bff_env, "tx:")) <= settings_ttl + transactions.GRACE + 1

    # A form_post for a live transaction parks one entry per transaction, bounded...
    before = measure(store_env, bff_env)
    for _ in range(3):
        assert form_post(bff_url, states[0], 7000).status_code == 303
    parked_entries, parked_size = measure(store_env, bff_env)
    assert parked_entries - before[0] == 1
    per_parked = parked_size - before[1]
    assert per_parked <= transactions.PARKED_MAX_BYTES + 512
    assert max(ttls(store_env, bff_env, "parked:")) <= transactions.PARKED_TTL + 1
    # ...and fields beyond the bound are refused and stored nowhere.
    assert form_post(bff_url, states[1], transactions.PARKED_FIELD_MAX + 1).status_code == 400
    assert measure(store_env, bff_env) == (parked_entries, parked_size)

    with capsys.disabled():
        print(f"\n[{store_env['SESSION_TYPE']}] bytes kept per anonymous GET /login: "
              f"{per_login:.0f} (returnTo of {len(LONG_RETURN_TO)} chars), per POST /callback"
              f" without a transaction: 0, per parked form_post: {per_parked}")


def test_a_post_without_our_transaction_is_refused_with_a_clear_code(bff, bff_server):
    fields = {"state": secrets.token_urlsafe(8), "id_token": "x"}
    response = requests.post(bff_server.url + "/callback", data=fields, timeout=10,
                             allow_redirects=False)
    assert response.status_code == 400
    assert "<code>invalid_state</code>" in response.text
