"""Waiting for a condition until a deadline, whatever fails on the way.

Contract:
- `wait_until(check, what, seconds)` calls `check()` until it returns a truthy value
  (returned) or `seconds` pass; an exception raised by `check` counts as "not yet"
  (refused, reset, read timeout, a half-started server). At the deadline it raises
  `WaitTimeout` naming `what`, how long it waited, and the last answer or error.
- `wait_for_http(url, what, ...)` waits until `url` answers `status` (200), with a
  short per-attempt timeout so that one slow answer does not eat the whole deadline;
  `alive` (e.g. a child process's `poll`) stops the wait early with its output.
- `wait_until_stale(signed_in_at, max_age)` waits until a sign-in at `signed_in_at`
  is older than a step-up's `max_age` (whole seconds, as the tenant's `auth_time` is).

Every wait of the suite for a server (tenant, BFF, gunicorn, redis-server, the
demo) goes through these, so that a busy machine makes a test slower, never red.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import requests

T = TypeVar("T")

#: How long a server may take to come up on a loaded 2-core machine.
SERVER_START = 60.0


class WaitTimeout(AssertionError):
    """The condition did not hold before the deadline."""


class Stopped(AssertionError):
    """What we waited for can no longer happen (e.g. the server process exited)."""


def wait_until(
    check: Callable[[], T], what: str, seconds: float = SERVER_START, interval: float = 0.05
) -> T:
    deadline = time.monotonic() + seconds
    last: object = None
    while True:
        try:
            result = check()
        except Stopped:
            raise
        except Exception as error:  # noqa: BLE001 - any failure means "not yet"
            last = f"{type(error).__name__}: {error}"
        else:
            if result:
                return result
            last = result
        if time.monotonic() >= deadline:
            raise WaitTimeout(f"waited {seconds:.0f}s for {what}; last: {last!r}")
        time.sleep(interval)


def wait_for_http(
    url: str,
    what: str,
    *,
    seconds: float = SERVER_START,
    status: int = 200,
    alive: Callable[[], str | None] | None = None,
    attempt_timeout: float = 5.0,
) -> requests.Response:
    """Wait until GET `url` answers `status`. `alive()` returns None while the server
    can still come up, else a description of why it cannot (then we stop at once)."""

    def answered() -> requests.Response | None:
        if alive is not None:
            gone = alive()
            if gone is not None:
                raise Stopped(f"{what} cannot answer: {gone}")
        response = requests.get(url, timeout=attempt_timeout, allow_redirects=False)
        if response.status_code != status:
            raise AssertionError(f"HTTP {response.status_code}")
        return response

    return wait_until(answered, f"{what} ({url} to answer {status})", seconds)


def wait_until_stale(signed_in_at: float, max_age: float) -> None:
    deadline = time.monotonic() + max_age + 5
    while time.time() <= int(signed_in_at) + max_age + 1:
        assert time.monotonic() < deadline, "the clock did not pass the step-up age"
        time.sleep(0.1)
