"""Per-token rate limiting with Auth0's `x-ratelimit-*` headers.

Contract: `RateLimiter(limit, window)` counts requests per key in fixed windows of
`window` seconds; `hit(key)` returns a `Quota` (limit, remaining, reset as UNIX
seconds, allowed). The blueprint keys requests by bearer token (or client address
without one), puts the headers on every response and answers 429 past the limit.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

from flask import Flask, current_app

#: Auth0-like default: a burst budget per token, refilled each window. Generous, so
#: the demo and tests never meet it unless a test lowers it.
DEFAULT_LIMIT = 50
DEFAULT_WINDOW_SECONDS = 1.0


@dataclass(frozen=True)
class Quota:
    limit: int
    remaining: int
    reset: int  # UNIX seconds when the window restarts
    allowed: bool

    def headers(self) -> dict[str, str]:
        return {
            "x-ratelimit-limit": str(self.limit),
            "x-ratelimit-remaining": str(self.remaining),
            "x-ratelimit-reset": str(self.reset),
        }


class RateLimiter:
    """Fixed-window counters per key, safe across the server's threads."""

    def __init__(self, limit: int = DEFAULT_LIMIT, window: float = DEFAULT_WINDOW_SECONDS):
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}
        self.configure(limit, window)
        self.configured = (limit, window)

    def restore(self) -> None:
        """Back to the limit and window the limiter was created with."""
        self.configure(*self.configured)

    def configure(self, limit: int, window: float) -> None:
        """Set a new limit and window; every counter starts afresh."""
        if limit < 1 or window <= 0:
            raise ValueError("limit must be >= 1 and window > 0")
        with self._lock:
            self.limit = limit
            self.window = window
            self._windows.clear()

    def hit(self, key: str) -> Quota:
        """Count one request for `key` and say whether it is within the limit."""
        now = time.time()
        with self._lock:
            started, count = self._windows.get(key, (now, 0))
            if now - started >= self.window:
                started, count = now, 0
            count += 1
            self._windows[key] = (started, count)
            if len(self._windows) > 10_000:
                self._forget_expired(now)
            return Quota(
                limit=self.limit,
                remaining=max(self.limit - count, 0),
                reset=math.ceil(started + self.window),
                allowed=count <= self.limit,
            )

    def _forget_expired(self, now: float) -> None:
        # Bounded memory: windows that ended hold no information any more.
        self._windows = {
            key: value for key, value in self._windows.items() if now - value[0] < self.window
        }


_EXTENSION = "tenant.management.rate_limiter"


def install(app: Flask) -> RateLimiter:
    """Give `app` its limiter (configured by `MANAGEMENT_RATE_LIMIT`, `(limit, window)`)."""
    limit, window = app.config.get(
        "MANAGEMENT_RATE_LIMIT", (DEFAULT_LIMIT, DEFAULT_WINDOW_SECONDS)
    )
    app.extensions[_EXTENSION] = RateLimiter(limit, window)
    return app.extensions[_EXTENSION]


def limiter() -> RateLimiter:
    """The current app's limiter."""
    return current_app.extensions[_EXTENSION]
