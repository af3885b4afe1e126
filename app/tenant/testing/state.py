"""What the test hooks have armed: faults, token tweaks, and a key nobody publishes.

Contract: `install(app)` gives the app its `TestState`; `test_state(app)` returns it.
`take_fault(path, method)` and `take_tweak(kind)` hand out one use of an armed fault or
tweak (thread-safe); `clear()` disarms everything.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, current_app

_EXTENSION = "tenant.testing"

#: How a tweaked or minted token may be signed (see `signing.sign_with`).
SIGN_MODES = ("current", "rogue", "unknown_kid", "none", "hs256_pubkey", "no_kid", "previous")
#: The kinds of token a tweak may apply to.
TOKEN_KINDS = ("id_token", "access_token", "logout_token")


@dataclass
class Fault:
    path: str
    method: str | None = None
    status: int | None = None
    times: int = 1
    delay: float = 0
    drop: bool = False
    retry_after: int | None = None
    ratelimit_reset_in: int | None = None
    body: Any = None

    def matches(self, path: str, method: str) -> bool:
        return path.startswith(self.path) and (self.method is None or self.method == method)


@dataclass
class Tweak:
    set: dict[str, Any] = field(default_factory=dict)
    unset: list[str] = field(default_factory=list)
    sign: str = "current"
    remaining: int = 1

    def apply(self, claims: dict[str, Any]) -> dict[str, Any]:
        out = {**claims, **self.set}
        for name in self.unset:
            out.pop(name, None)
        return out


@dataclass
class TestState:
    faults: list[Fault] = field(default_factory=list)
    tweaks: dict[str, Tweak] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _rogue_key: rsa.RSAPrivateKey | None = None

    def clear(self) -> None:
        with self.lock:
            self.faults.clear()
            self.tweaks.clear()

    def add_fault(self, fault: Fault) -> None:
        with self.lock:
            self.faults.append(fault)

    def arm_tweaks(self, tweaks: dict[str, Tweak]) -> None:
        with self.lock:
            self.tweaks.update(tweaks)

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def clear_tweaks(self) -> None:
        with self.lock:
            self.tweaks.clear()

    def take_fault(self, path: str, method: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.times > 0 and fault.matches(path, method):
                    fault.times -= 1
                    if fault.times == 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def take_tweak(self, kind: str) -> Tweak | None:
        with self.lock:
            tweak = self.tweaks.get(kind)
            if tweak is None:
                return None
            tweak.remaining -= 1
            if tweak.remaining <= 0:
                del self.tweaks[kind]
            return tweak

    def rogue_key(self) -> rsa.RSAPrivateKey:
        """A key the tenant never publishes (one per run: generating RSA keys is slow)."""
        with self.lock:
            if self._rogue_key is None:
                self._rogue_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            return self._rogue_key


def install(app: Flask) -> TestState:
    app.extensions[_EXTENSION] = TestState()
    return app.extensions[_EXTENSION]


def test_state(app: Flask | None = None) -> TestState:
    return (app or current_app).extensions[_EXTENSION]
