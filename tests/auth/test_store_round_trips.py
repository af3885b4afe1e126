"""A signed-in, cached `GET /api/me` costs at most two store round trips, counted by the
backends themselves: SQLite's statement trace (`set_trace_callback`) and Redis's
`INFO commandstats`. The two: the flask session record, then the grant with the profile
cache and the user's generation in one `get_many` (one statement, one MGET)."""

from __future__ import annotations

import threading

import redis
import requests

from tests.support.login import sign_in

#: A statement the sweeper thread may run meanwhile; not part of the request.
SWEEP = "DELETE FROM entries WHERE (key) IN"


def redis_calls(client: redis.Redis) -> dict[str, int]:
    stats = client.info("commandstats")
    return {name: value["calls"] for name, value in stats.items() if name != "cmdstat_info"}


def test_a_cached_profile_read_costs_two_round_trips(make_bff, bff_server, store_env):
    app = make_bff(**store_env)
    with requests.Session() as http:
        sign_in(http, bff_server.url)
        # Fills the profile cache (a miss); the next read is the cached one, within the
        # few seconds in which the last-seen time is not rewritten.
        assert http.get(bff_server.url + "/api/me", timeout=10).status_code == 200

        if store_env["SESSION_TYPE"] == "redis":
            client = redis.from_url(store_env["REDIS_URL"])
            before = redis_calls(client)
            assert http.get(bff_server.url + "/api/me", timeout=10).status_code == 200
            after = redis_calls(client)
            calls = {k: after[k] - before.get(k, 0) for k in after
                     if after[k] != before.get(k, 0)}
            assert sum(calls.values()) <= 2, calls
            assert calls == {"cmdstat_get": 1, "cmdstat_mget": 1}
        else:
            statements: list[str] = []
            lock = threading.Lock()

            def seen(sql: str) -> None:
                with lock:
                    statements.append(sql)

            app.extensions["selfserve.auth"].store.trace(seen)
            assert http.get(bff_server.url + "/api/me", timeout=10).status_code == 200
            ran = [s for s in statements if not s.startswith(SWEEP)]
            assert len(ran) <= 2, ran
            assert [s.split()[0] for s in ran] == ["SELECT", "SELECT"], ran
