"""The running tenant's identity and state, shared by its blueprints.

Contract: `app.extensions["tenant"]` is a `TenantContext`; `current_tenant()` returns it
inside a request. `verify_access_token(token)` pins RS256, the issuer, the audience
and a kid published in the JWKS; `published_key(token)` is the key lookup every
verifier of the tenant's own tokens starts with.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from flask import current_app

from app.tenant.keys import ALGORITHM, KeyRing

#: Clock skew tolerated when the tenant itself verifies a token.
LEEWAY_SECONDS = 30


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
class BackchannelDelivery:
    client_id: str
    uri: str
    status: int | None
    sid: str
    sub: str
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"client_id": self.client_id, "uri": self.uri, "status": self.status,
                "sid": self.sid, "sub": self.sub, "error": self.error}


@dataclass
class TenantContext:
    base_url: str
    keys: KeyRing
    bff_url: str
    testing: bool
    settings: TokenSettings = field(default_factory=TokenSettings)
    deliveries: list[BackchannelDelivery] = field(default_factory=list)
    #: Called with a database connection by `reset()` (e.g. the Management API's rate limits).
    reset_hooks: list[Callable[[sqlite3.Connection], None]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def issuer(self) -> str:
        return self.base_url + "/"

    @property
    def audience(self) -> str:
        """The Management API's identifier, as `https://{domain}/api/v2/` is on Auth0."""
        return self.issuer + "api/v2/"

    @property
    def userinfo_audience(self) -> str:
        return self.issuer + "userinfo"

    def record_delivery(self, delivery: BackchannelDelivery) -> None:
        with self.lock:
            self.deliveries.append(delivery)
            del self.deliveries[:-200]  # a long-running demo must not grow without bound

    def on_reset(self, hook: Callable[[sqlite3.Connection], None]) -> None:
        self.reset_hooks.append(hook)

    def published_key(self, token: str) -> tuple[Any, RSAPublicKey | None]:
        """The `alg` a token's header names and the published key for its `kid` (None when
        the kid is absent or unknown). Raises `jwt.InvalidTokenError` when the token has no
        readable JWT header. Nothing is verified yet."""
        header = jwt.get_unverified_header(token)
        kid = header.get("kid")
        return header.get("alg"), self.keys.public_key(kid) if isinstance(kid, str) else None

    def verify_access_token(self, token: str, audience: str | None = None) -> dict[str, Any]:
        """The claims of an access token this tenant issued for `audience` (default: the
        Management API). Raises `jwt.InvalidTokenError` (or a subclass) otherwise."""
        _alg, key = self.published_key(token)
        if key is None:
            raise jwt.InvalidTokenError("unknown signing key")
        return jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=audience or self.audience,
            issuer=self.issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["iss", "sub", "aud", "iat", "exp"]},
        )


def current_tenant() -> TenantContext:
    return current_app.extensions["tenant"]
