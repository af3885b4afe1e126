"""Helpers for tests of the tenant's Management API: tokens minted by the tenant (through
its test hooks, `TenantHooks`) and a small HTTP client for `/api/v2`, all over real HTTP
to the tenant on loopback."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

import requests

from app.tenant import db, directory
from app.tenant.oauth.scopes import CURRENT_USER_SCOPES
from tests.support.tenant import TIMEOUT, TenantHooks

BFF_CLIENT_ID = "selfserve-demo-bff"


class TenantApi:
    """Requests to one tenant: test hooks, token minting and Management API calls."""

    def __init__(self, tenant) -> None:
        self.tenant = tenant
        self.http = requests.Session()
        self.hooks = TenantHooks(tenant.url, self.http)

    def reset(self) -> None:
        self.hooks.reset()

    def set_rate_limit(self, limit: int, window: float) -> None:
        self.hooks.rate_limit(limit, window)

    def mint(self, claims: dict[str, Any], sign: str = "current") -> str:
        return self.hooks.mint(claims, sign=sign)

    # -- tokens --------------------------------------------------------------------

    def access_token(
        self,
        sub: str = directory.ALICE_ID,
        scopes: tuple[str, ...] | list[str] = CURRENT_USER_SCOPES,
        *,
        sign: str = "current",
        **claims: Any,
    ) -> str:
        """A Management API access token as the tenant issues one to the demo BFF."""
        now = int(time.time())
        base = {
            "iss": self.tenant.issuer,
            "sub": sub,
            "aud": [self.tenant.audience, self.tenant.issuer + "userinfo"],
            "azp": BFF_CLIENT_ID,
            "iat": now,
            "exp": now + 600,
            "scope": " ".join(scopes),
        }
        base.update(claims)
        return self.mint({k: v for k, v in base.items() if v is not None}, sign=sign)

    def id_token(self, sub: str, *, sign: str = "current", **claims: Any) -> str:
        """An ID token for `sub` issued to the demo BFF (what link_with carries)."""
        now = int(time.time())
        base = {"iss": self.tenant.issuer, "sub": sub, "aud": BFF_CLIENT_ID,
                "iat": now, "exp": now + 600}
        base.update(claims)
        return self.mint({k: v for k, v in base.items() if v is not None}, sign=sign)

    # -- Management API ------------------------------------------------------------

    def url(self, path: str) -> str:
        return self.tenant.url + "/api/v2" + path

    def call(
        self, method: str, path: str, token: str | None = None, **kwargs: Any
    ) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}))
        if token is not None:
            headers["Authorization"] = "Bearer " + token
        return self.http.request(
            method, self.url(path), headers=headers, timeout=TIMEOUT, **kwargs
        )

    # -- the directory, through the tenant's own store -------------------------------

    def sign_in_social(self, connection: str, login: str) -> str:
        """Sign in with a social stand-in account as the login page would (user_id)."""
        conn = db.connect(self.tenant.app.config["TENANT_DB_PATH"])
        try:
            user_id = directory.sign_in_social(conn, connection, login)
        finally:
            conn.close()
        assert user_id is not None
        return user_id

    def authenticate(self, email: str, password: str) -> str | None:
        conn = db.connect(self.tenant.app.config["TENANT_DB_PATH"])
        try:
            return directory.authenticate(conn, directory.DATABASE_CONNECTION, email, password)
        finally:
            conn.close()


def user_path(user_id: str, suffix: str = "") -> str:
    """`/users/{id}...` with the id percent-encoded, as Auth0's SDKs send it."""
    return "/users/" + quote(user_id, safe="") + suffix
