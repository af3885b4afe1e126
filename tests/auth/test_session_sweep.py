"""Expired sessions leave the filesystem store; live ones stay."""

from __future__ import annotations

import json
import struct
import time
from pathlib import Path

import requests

from tests.support.login import sign_in


def _expiry(path: Path) -> float:
    """When a stored file expires: the store's JSON `exp`, or cachelib's 4-byte header."""
    raw = path.read_bytes()
    if raw.startswith(b"{"):
        return json.loads(raw)["exp"]
    return struct.unpack("I", raw[:4])[0] or float("inf")


def _stored(folder: Path) -> dict[Path, float]:
    """Each stored file and its expiry (lock files, and files gone while listing, aside)."""
    found = {}
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix != ".lock":
            try:
                found[path] = _expiry(path)
            except FileNotFoundError:
                continue
    return found


def test_the_sweep_removes_expired_sessions_and_grants_only(make_bff, bff_server, bff_env, hooks):
    # Short timeouts, yet long enough that the second session is still live when the
    # test looks at the files on a loaded machine.
    app = make_bff(SESSION_IDLE_TIMEOUT="3", SESSION_ABSOLUTE_TIMEOUT="4")
    folder = Path(bff_env["SESSION_DIR"])
    sweeper = app.extensions["selfserve.session_sweeper"]

    with requests.Session() as old:
        assert sign_in(old, bff_server.url).status_code == 200
    time.sleep(4.2)  # both timeouts over for the first session
    with requests.Session() as live:
        assert sign_in(live, bff_server.url).status_code == 200
        now = time.time()
        before = _stored(folder)
        assert sum(exp < now for p, exp in before.items() if p.parent == folder) == 1
        assert any(exp < now for p, exp in before.items() if p.parent == folder / "auth")

        sweeper.sweep()

        after = _stored(folder)
        assert [p for p, exp in after.items() if exp < now] == []
        assert {p for p, exp in before.items() if exp >= now} == set(after)  # live ones stay
        assert live.get(bff_server.url + "/bff/user", timeout=10).status_code == 200
