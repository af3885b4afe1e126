"""What changes while the tenant runs: token lifetimes, the token signer, reset hooks.

Contract: `app.extensions["tenant.runtime"]` is a `TenantRuntime`; `current_runtime()`
returns it inside a request. `sign(kind, claims)` signs a token of `kind`
("id_token", "access_token", "logout_token") with the tenant's active key, unless a
`token_signer` was installed (the test hooks install one that applies token tweaks:
production code never imports them). `on_reset(hook)` registers a callable that
`app.tenant.reset_tenant` runs with a database connection.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from app.tenant.context import TenantContext

#: `(kind, claims) -> JWT`: signs one token of the tenant.
TokenSigner = Callable[[str, dict[str, Any]], str]
ResetHook = Callable[[sqlite3.Connection], None]


@dataclass
class TokenSettings:
    """Token lifetimes in seconds (Auth0's defaults); the test hook may change them."""

    access_token_ttl: int = 86400
    id_token_ttl: int = 36000
    refresh_token_ttl: int = 30 * 24 * 3600

    def update(self, values: dict[str, Any]) -> None:
        for name, value in values.items():
            if name not in self.__dataclass_fields__:
                raise ValueError(f"unknown setting {name!r}")
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer of seconds")
            setattr(self, name, value)


@dataclass
class TenantRuntime:
    tenant: TenantContext
    settings: TokenSettings = field(default_factory=TokenSettings)
    token_signer: TokenSigner | None = None
    reset_hooks: list[ResetHook] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def sign(self, kind: str, claims: dict[str, Any]) -> str:
        if self.token_signer is not None:
            return self.token_signer(kind, claims)
        return self.tenant.keys.sign(claims)

    def on_reset(self, hook: ResetHook) -> None:
        self.reset_hooks.append(hook)

    def reset(self, conn: sqlite3.Connection) -> None:
        """Run the reset hooks and restore the default token lifetimes."""
        for hook in self.reset_hooks:
            hook(conn)
        with self.lock:
            self.settings = TokenSettings()


def current_runtime() -> TenantRuntime:
    return current_app.extensions["tenant.runtime"]
