"""A signed-in, cached `GET /api/me` under gunicorn, on each store, against a bare Flask app.

Run: `.venv/bin/python -m bench.bench_store [--quick] [--rounds N] [--seconds S]` from the
repo root (needs Debian's `wrk` and `redis-server`).

The local tenant runs in this process (threaded werkzeug, `bench/stack.py`). Five
gunicorn servers, each with 2 sync workers and the same command line, serve:

- `bare`: `bench/bare_app.py`, returning the very body the BFF's `GET /api/me` returned;
- `sqlite 100`, `sqlite 100k`: the BFF on the SQLite store holding alice's session and
  99 (or 99,999) other live sessions, each with its grant;
- `redis 100`, `redis 100k`: the same on Redis (a database each).

Alice signs in to each BFF through the real code flow; her profile cache is warm. In
each round `wrk` (1 thread, 2 connections, `--latency`) drives every side for `S`
seconds, in a rotating order, so that noise from other processes falls on all alike.
It prints requests/s and p99 per side (medians over the rounds) and the ratios against
the targets: BFF/bare throughput >= 0.6 on both stores, Redis no slower than SQLite,
and the p99 with 100,000 sessions within 1.2x of the p99 with 100, on both stores.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import redis
import requests

from app.auth.grants import grant_key
from app.auth.store import encode, new_session_id, user_key
from app.auth.store_redis import PREFIX
from app.auth.store_sqlite import FILENAME
from bench.stack import running_stack
from bench.stats import median, print_ratio
from tests.deploy.conftest import Gunicorn
from tests.support.login import sign_in
from tests.support.servers import RedisServer, free_port

ROOT = Path(__file__).resolve().parents[1]
CLIENT_ID = "selfserve-demo-bff"
THROUGHPUT_TARGET = 0.6
P99_TARGET = 1.2
SESSION_TTL = 1800
GRANT_TTL = 12 * 3600


@dataclass
class Server:
    name: str
    url: str
    gunicorn: Gunicorn  # its process group, stopped as tests/deploy stops its own
    cookie: str = ""

    def stop(self) -> None:
        self.gunicorn.stop()


def start(name: str, wsgi_app: str, env: dict[str, str], folder: Path, ready: str) -> Server:
    """gunicorn with 2 sync workers on a loopback port; returns once `ready` answers 200."""
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    process_env = {**os.environ, "PUBLIC_URL": f"http://localhost:{port}", **env,
                   "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))}
    with (folder / "gunicorn.log").open("ab") as log:
        proc = subprocess.Popen(  # noqa: S603 - our own command line
            [sys.executable, "-m", "gunicorn", "--workers", "2", "--worker-class", "sync",
             "--bind", f"127.0.0.1:{port}", "--no-control-socket", wsgi_app],
            cwd=folder, env=process_env, start_new_session=True,
            stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    url = f"http://localhost:{port}"
    server = Server(name, url, Gunicorn(proc, url, folder, workers=2))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name}: gunicorn exited:\n{(folder / 'gunicorn.log').read_text()}")
        try:
            if requests.get(server.url + ready, timeout=2).status_code == 200:
                return server
        except requests.RequestException:
            pass  # still booting
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"{name}: not ready in 30 s:\n{(folder / 'gunicorn.log').read_text()}")


def filler(count: int) -> list[tuple[str, bytes, float]]:
    """`count` live sessions as other users' browsers leave them: (key, value, ttl)."""
    now = time.time()
    token = "x" * 900  # about the size of a real access or refresh token
    rows = []
    for i in range(count):
        sub = f"auth0|filler{i:06d}"
        session_id = new_session_id(sub)
        rows.append(("session:" + secrets.token_urlsafe(32),
                     encode({"_permanent": True, "auth": {"id": session_id, "sub": sub},
                             "seen": now}), SESSION_TTL))
        rows.append((grant_key(session_id), encode({
            "sub": sub, "sid": secrets.token_hex(16), "claims": {"sub": sub, "name": "F"},
            "scopes": ["read:current_user"], "access_token": token,
            "access_expires_at": now + 86400, "access_issued_at": now,
            "refresh_token": token, "signed_in_at": now}), GRANT_TTL))
        rows.append((user_key("idx:sub", sub) + "\n" + session_id, b"", GRANT_TTL))
    return rows


def fill_sqlite(data_dir: Path, count: int) -> None:
    now = time.time()
    values, members = [], []
    for key, value, ttl in filler(count):
        if "\n" in key:
            members.append((*key.split("\n"), now + ttl))
        else:
            values.append((key, value, now + ttl))
    with sqlite3.connect(data_dir / FILENAME) as conn:
        conn.executemany("INSERT INTO entries (key, value, expires_at) VALUES (?, ?, ?)", values)
        conn.executemany("INSERT INTO members (key, member, expires_at) VALUES (?, ?, ?)",
                         members)


def fill_redis(url: str, count: int) -> None:
    client = redis.from_url(url)
    with client.pipeline(transaction=False) as pipe:
        for index, (key, value, ttl) in enumerate(filler(count)):
            if "\n" in key:
                name, member = key.split("\n")
                pipe.zadd(PREFIX + name, {member: int((time.time() + ttl) * 1000)})
            else:
                pipe.set(PREFIX + key, value, px=int(ttl * 1000))
            if index % 5000 == 0:
                pipe.execute()
        pipe.execute()


_LATENCY_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def wrk(server: Server, seconds: float) -> tuple[float, float]:
    """(requests per second, p99 latency in seconds) of one wrk run on `server`."""
    header = f"Cookie: selfserve-session={server.cookie}" if server.cookie else "X-Bench: 1"
    result = subprocess.run(  # noqa: S603 - Debian's wrk, our own arguments
        [shutil.which("wrk") or "wrk", "-t1", "-c2", f"-d{int(seconds)}s", "--latency",
         "-H", header, server.url + "/api/me"],
        capture_output=True, text=True, timeout=seconds + 30, check=True)
    out = result.stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"{server.name}: wrk saw errors:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"\s99%\s+([\d.]+)(us|ms|s|m)\b", out).groups()
    return rps, float(value) * _LATENCY_UNITS[unit]


def run(rounds: int, seconds: float, full: int) -> None:
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="selfserve-bench-") as tmp:
        root = Path(tmp)
        tenant = stack.enter_context(running_stack())
        (root / "redis").mkdir()
        redis_server = RedisServer(root / "redis")
        stack.callback(redis_server.stop)
        base = redis_server.url.rsplit("/", 1)[0]
        common = {"AUTH0_DOMAIN": tenant.tenant_url, "AUTH0_CLIENT_ID": CLIENT_ID,
                  "AUTH0_CLIENT_SECRET": tenant.tenant_app.config["DEMO_BFF_CLIENT_SECRET"],
                  "APP_SECRET_KEY": secrets.token_urlsafe(48)}
        stores = {
            "sqlite 100": {"SESSION_TYPE": "sqlite", "DATA_DIR": str(root / "s100")},
            f"sqlite {full // 1000}k": {"SESSION_TYPE": "sqlite",
                                        "DATA_DIR": str(root / "sfull")},
            "redis 100": {"SESSION_TYPE": "redis", "REDIS_URL": base + "/1"},
            f"redis {full // 1000}k": {"SESSION_TYPE": "redis", "REDIS_URL": base + "/2"},
        }
        bffs = []
        for name, env in stores.items():
            server = start(name, "app:create_app()", {**common, **env},
                           root / name.replace(" ", "-"), "/readyz")
            stack.callback(server.stop)
            bffs.append(server)
        tenant.hooks.client_urls(
            CLIENT_ID, callbacks=[f"{s.url}/callback" for s in bffs],
            allowed_logout_urls=[f"{s.url}/" for s in bffs], web_origins=[s.url for s in bffs])
        body = b""
        for server in bffs:
            with requests.Session() as http:
                page = sign_in(http, server.url)
                if page.status_code != 200:
                    raise RuntimeError(f"{server.name}: sign-in failed: {page.status_code}")
                server.cookie = http.cookies["selfserve-session"]
                me = http.get(server.url + "/api/me", timeout=10)
                me.raise_for_status()
                body = me.content
        (root / "body.json").write_bytes(body)
        bare = start("bare", "bench.bare_app:create_app()",
                     {"BENCH_BODY_FILE": str(root / "body.json")}, root / "bare", "/api/me")
        stack.callback(bare.stop)

        print(f"filling the stores: 99 and {full - 1} other live sessions ...", flush=True)
        fill_sqlite(root / "s100", 99)
        fill_sqlite(root / "sfull", full - 1)
        fill_redis(base + "/1", 99)
        fill_redis(base + "/2", full - 1)

        sides = [bare, *bffs]
        for side in sides:  # warm-up
            wrk(side, 1)
        results: dict[str, list[tuple[float, float]]] = {s.name: [] for s in sides}
        for index in range(rounds):
            shift = index % len(sides)
            for side in sides[shift:] + sides[:shift]:
                results[side.name].append(wrk(side, seconds))
    report(results, full)


def report(results: dict[str, list[tuple[float, float]]], full: int) -> None:
    rps = {name: median([r for r, _ in runs]) for name, runs in results.items()}
    p99 = {name: median([p for _, p in runs]) for name, runs in results.items()}
    rounds = len(next(iter(results.values())))
    print(f"\nGET /api/me (cached) under gunicorn, 2 sync workers, wrk -t1 -c2, {rounds} rounds")
    print(f"  {'':12}  {'req/s':>8}  {'p99 (ms)':>9}")
    for name in results:
        print(f"  {name:12}  {rps[name]:8.0f}  {p99[name] * 1e3:9.2f}")
    print()
    big = f"{full // 1000}k"
    for store in ("sqlite", "redis"):
        value = rps[f"{store} 100"] / rps["bare"]
        print_ratio(f"{store}/bare", value, f">= {THROUGHPUT_TARGET}", value >= THROUGHPUT_TARGET)
    value = rps["redis 100"] / rps["sqlite 100"]
    print_ratio("redis/sqlite", value, ">= 1 (Redis no slower)", value >= 1)
    for store in ("sqlite", "redis"):
        value = p99[f"{store} {big}"] / p99[f"{store} 100"]
        print_ratio(f"{store}_p99_{big}/100", value, f"<= {P99_TARGET}", value <= P99_TARGET)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run (smoke test)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=3.0, help="per side and round")
    parser.add_argument("--sessions", type=int, default=100_000,
                        help="live sessions in the full stores")
    args = parser.parse_args(argv)
    if args.quick:
        run(rounds=1, seconds=1, full=2000)
    else:
        run(rounds=args.rounds, seconds=args.seconds, full=args.sessions)


if __name__ == "__main__":
    main()
