"""The running tenant's identity and keys, shared by its blueprints.

Contract: `app.extensions["tenant"]` is a `TenantContext`; `current_tenant()` returns it
inside a request. It is fixed for the app's life: its URL (issuer, audiences), its key
ring, the BFF URL the demo clients are registered for, and whether test hooks are on.
What changes while the tenant runs lives in `app.tenant.runtime`.
`verify_access_token(token)` pins RS256, the issuer, the audience and a kid published in
the JWKS; `published_key(token)` is the key lookup every verifier of the tenant's own
tokens starts with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from flask import current_app

from app.tenant.keys import ALGORITHM, KeyRing

#: Clock skew tolerated when the tenant itself verifies a token.
LEEWAY_SECONDS = 30


@dataclass(frozen=True)
class TenantContext:
    base_url: str
    keys: KeyRing
    bff_url: str
    testing: bool

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
