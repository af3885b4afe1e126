"""`GET /api/me` through the BFF against the same read made directly to the tenant.

Run: `.venv/bin/python -m bench.bench_me [--quick] [--rounds N]` from the repo root.

The tenant and the BFF run on loopback ports in this process (threaded werkzeug, as in
the tests); alice signs in through the real code flow with `requests`
(`bench/alice.py`). Three sides are sampled in interleaved rounds, one request each,
over keep-alive connections:

- `direct`: `GET /api/v2/users/{id}` to the tenant with alice's own bearer token, the
  one the BFF holds (read from the server-side grant: the benchmark may look at it).
- `bff miss`: `GET /api/me` with the per-session profile cache empty, so the BFF
  loads the session, calls the tenant exactly as `direct` does and reshapes the answer.
- `bff hit`: `GET /api/me` answered from that cache.

It prints the medians and the ratios BFF/direct against the targets of issue 4
(miss <= 1.25, hit < 1), and, from a separate instrumented pass, where a miss spends
its time (HTTP hops, the BFF's own work, the tenant's).
"""

from __future__ import annotations

import argparse
import time
from urllib.parse import quote

import requests

from app.selfservice.profile import cache_key
from bench.alice import sign_in_alice
from bench.stack import Stack, running_stack
from bench.stats import interleave, median, print_ratio, print_table, ratio

TIMEOUT = 10
MISS_TARGET = 1.25
HIT_TARGET = 1.0


class Sides:
    """The three samplers, sharing alice's BFF session and her bearer token."""

    def __init__(self, stack: Stack) -> None:
        alice = sign_in_alice(stack)
        self.bff = alice.http
        self.me_url = stack.bff_url + "/api/me"
        self.user_id = alice.user_id
        self.session_id = alice.session_id
        self.direct = requests.Session()
        self.direct.headers["Authorization"] = "Bearer " + alice.access_token
        self.direct_url = f"{stack.tenant_url}/api/v2/users/{quote(self.user_id, safe='')}"
        if self._get(self.direct, self.direct_url)["user_id"] != self.user_id:
            raise RuntimeError("the direct read returned another user")

        # The profile cache (app/selfservice/profile.py) is keyed by our session id
        # (`profile.cache_key(session_id)`) and is valid while younger than its TTL (30 s) and
        # while the user's write generation is unchanged. A miss is therefore made by
        # deleting that one entry before the request, outside the timed part: exactly
        # the state the BFF is in when the TTL has run out. A write in between would
        # time more than a read (and bump the generation of every session), and a fresh
        # sign-in per sample would add a session the user never has per page view.
        self.api_store = stack.bff_app.extensions["selfserve.api_store"]
        self.cache_key = cache_key(self.session_id)

    @staticmethod
    def _get(http: requests.Session, url: str) -> dict:
        response = http.get(url, timeout=TIMEOUT)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url}: {response.status_code} {response.text[:300]}")
        return response.json()

    @staticmethod
    def _timed(http: requests.Session, url: str) -> float:
        start = time.perf_counter()
        response = http.get(url, timeout=TIMEOUT)
        body = response.content
        elapsed = time.perf_counter() - start
        if response.status_code != 200 or not body:
            raise RuntimeError(f"GET {url}: {response.status_code} {response.text[:300]}")
        return elapsed

    def _cached_at(self) -> float | None:
        entry = self.api_store.get(self.cache_key)
        return entry["at"] if isinstance(entry, dict) else None

    def direct_read(self) -> float:
        return self._timed(self.direct, self.direct_url)

    def bff_miss(self) -> float:
        self.api_store.delete(self.cache_key)
        elapsed = self._timed(self.bff, self.me_url)
        if self._cached_at() is None:
            raise RuntimeError("the miss did not refill the profile cache")
        return elapsed

    def bff_hit(self) -> float:
        before = self._cached_at()
        if before is None:  # not timed: fill the cache first
            self._get(self.bff, self.me_url)
            before = self._cached_at()
        elapsed = self._timed(self.bff, self.me_url)
        if self._cached_at() != before:
            raise RuntimeError("the hit was not served from the profile cache")
        return elapsed


class Probe:
    """Times each call of `owner.name` (the last call's seconds in `last`) until `close()`.

    Instrumentation for the breakdown pass only: the measured pass runs without it.
    """

    def __init__(self, owner: object, name: str) -> None:
        self.last = 0.0
        self._owner, self._name = owner, name
        self._original = getattr(owner, name)

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return self._original(*args, **kwargs)
            finally:
                self.last = time.perf_counter() - start

        setattr(owner, name, timed)

    def close(self) -> None:
        setattr(self._owner, self._name, self._original)


def breakdown(stack: Stack, sides: Sides, rounds: int) -> dict[str, dict[str, float]]:
    """Medians (seconds) of where a direct read and a BFF miss spend their time."""
    bff = Probe(stack.bff_app, "wsgi_app")
    tenant = Probe(stack.tenant_app, "wsgi_app")
    call = Probe(stack.bff_app.extensions["selfserve.management"], "send")
    parts: dict[str, dict[str, list[float]]] = {"direct": {}, "bff miss": {}}

    def add(side: str, part: str, seconds: float) -> None:
        parts[side].setdefault(part, []).append(seconds)

    try:
        for _ in range(rounds):
            total = sides.direct_read()
            add("direct", "client <-> server HTTP", total - tenant.last)
            add("direct", "tenant app", tenant.last)
            total = sides.bff_miss()
            add("bff miss", "client <-> server HTTP", total - bff.last)
            add("bff miss", "BFF app, own work", bff.last - call.last)
            add("bff miss", "BFF -> tenant HTTP", call.last - tenant.last)
            add("bff miss", "tenant app", tenant.last)
    finally:
        for probe in (call, tenant, bff):
            probe.close()
    return {side: {part: median(values) for part, values in found.items()}
            for side, found in parts.items()}


def print_breakdown(parts: dict[str, dict[str, float]]) -> None:
    print("\nWhere the time goes (separate instrumented pass, medians, ms)")
    names = ["client <-> server HTTP", "BFF app, own work", "BFF -> tenant HTTP",
             "tenant app"]
    print(f"  {'':24}  {'direct':>8}  {'bff miss':>8}")
    for name in names:
        cells = [parts[side].get(name) for side in ("direct", "bff miss")]
        shown = [f"{cell * 1e3:8.2f}" if cell is not None else f"{'-':>8}" for cell in cells]
        print(f"  {name:24}  {shown[0]}  {shown[1]}")


def run(rounds: int, warmup: int, budget: float, breakdown_rounds: int) -> None:
    with running_stack() as stack:
        sides = Sides(stack)
        samplers = {"direct": sides.direct_read, "bff miss": sides.bff_miss,
                    "bff hit": sides.bff_hit}
        interleave(samplers, warmup)
        samples = interleave(samplers, rounds, budget)
        parts = breakdown(stack, sides, breakdown_rounds)
    print_table("GET /api/me through the BFF vs GET /api/v2/users/{id} at the tenant",
                samples, unit="ms")
    print_breakdown(parts)
    miss = ratio(samples, "bff miss", "direct")
    hit = ratio(samples, "bff hit", "direct")
    added = median(samples["bff miss"]) - median(samples["direct"])
    print(f"\nThe BFF adds {added * 1e3:.2f} ms to a miss; the miss target holds once the"
          f" tenant's own read takes {added / (MISS_TARGET - 1) * 1e3:.1f} ms or more.")
    print()
    print_ratio("me_miss/direct", miss, f"<= {MISS_TARGET}", miss <= MISS_TARGET)
    print_ratio("me_hit/direct", hit, f"< {HIT_TARGET:g}", hit < HIT_TARGET)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few rounds (smoke test)")
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--budget", type=float, default=45.0,
                        help="stop measuring after this many seconds")
    args = parser.parse_args(argv)
    if args.quick:
        run(rounds=5, warmup=1, budget=10.0, breakdown_rounds=3)
    else:
        run(rounds=args.rounds, warmup=30, budget=args.budget, breakdown_rounds=300)


if __name__ == "__main__":
    main()
