"""The tenant's signing keys: a JWKS fetched once, cached, refetched sparingly.

Contract: `JwksCache.key_for(kid, trusted=...)` returns the RSA public key for `kid`
(or, when `kid` is None, the only key published) or raises `UnknownKey`/`JwksUnavailable`.

- The first use fetches the JWKS; afterwards it is refreshed in passing every
  `MAX_AGE` seconds. A failed fetch keeps the cached keys (a JWKS outage does not
  stop tokens signed by a known key).
- An unknown `kid` forces a refetch, so a freshly rotated key is accepted. How often
  depends on who brought the token:
  - `trusted=True`: the BFF fetched it itself from the tenant's token endpoint (code
    exchange, refresh), so a new `kid` in it means the tenant signs with a new key.
    Such tokens force at most one refetch per `TRUSTED_REFETCH_INTERVAL` seconds.
  - `trusted=False`: it was posted to us (back-channel logout, an implicit-flow
    `form_post`), by anyone, with any `kid`. All of those together force at most one
    refetch per `UNTRUSTED_REFETCH_INTERVAL` seconds.
  The two allowances are separate: a flood of made-up `kid`s uses up only the
  untrusted one, so a sign-in with a freshly rotated key still succeeds at once
  while the flood makes the BFF fetch the JWKS no more than a few times a minute.
  Both are per process (per gunicorn worker).
"""

from __future__ import annotations

import logging
import threading
import time

import requests
from jwt import PyJWK
from jwt.exceptions import PyJWKError

log = logging.getLogger(__name__)

MAX_AGE = 10 * 60
#: Seconds between two refetches forced by tokens from the tenant's token endpoint.
TRUSTED_REFETCH_INTERVAL = 5.0
#: Seconds between two refetches forced by tokens anyone can post to us (3 a minute).
UNTRUSTED_REFETCH_INTERVAL = 20.0
OUTAGE_RETRY = 30.0


class UnknownKey(Exception):
    """No published key matches the token's `kid` (after the one allowed refetch)."""


class JwksUnavailable(Exception):
    """The JWKS could not be fetched and no key is cached."""


class JwksCache:
    def __init__(self, url: str, timeout: float) -> None:
        self.url = url
        self._timeout = timeout
        self._lock = threading.Lock()
        self._keys: dict[str | None, PyJWK] = {}
        self._fetched_at: float | None = None
        # When each kind of carrier last forced a refetch (see the module docstring).
        self._forced_at: dict[bool, float] = {}

    def key_for(self, kid: str | None, *, trusted: bool = False):
        """The verification key for `kid`; see the module docstring for the fetch rules.
        `trusted`: the token came from the tenant's token endpoint, not from a request."""
        with self._lock:
            if self._fetched_at is None or time.monotonic() - self._fetched_at > MAX_AGE:
                self._fetch(required=not self._keys)
            key = self._lookup(kid)
            if key is None and self._may_force(trusted):
                self._forced_at[trusted] = time.monotonic()
                self._fetch(required=False)
                key = self._lookup(kid)
        if key is None:
            raise UnknownKey("no key in the tenant's JWKS matches the token's kid")
        return key.key

    def _lookup(self, kid: str | None) -> PyJWK | None:
        if kid is not None:
            return self._keys.get(kid)
        # A token without kid is acceptable only while exactly one key is published.
        return next(iter(self._keys.values())) if len(self._keys) == 1 else None

    def _may_force(self, trusted: bool) -> bool:
        last = self._forced_at.get(trusted)
        interval = TRUSTED_REFETCH_INTERVAL if trusted else UNTRUSTED_REFETCH_INTERVAL
        return last is None or time.monotonic() - last >= interval

    def _fetch(self, *, required: bool) -> None:
        try:
            response = requests.get(self.url, timeout=self._timeout)
            response.raise_for_status()
            keys = self._parse(response.json())
        except (requests.RequestException, ValueError, PyJWKError) as error:
            # Keep what we have: tokens signed by a cached key stay verifiable.
            log.warning("JWKS fetch from %s failed: %s", self.url, error)
            if required:
                raise JwksUnavailable(
                    f"the tenant's signing keys are unavailable ({error})"
                ) from error
            # Try again in OUTAGE_RETRY seconds, not on every request.
            self._fetched_at = time.monotonic() - MAX_AGE + OUTAGE_RETRY
            return
        self._keys = keys
        self._fetched_at = time.monotonic()

    @staticmethod
    def _parse(document: dict) -> dict[str | None, PyJWK]:
        keys: dict[str | None, PyJWK] = {}
        for jwk in document.get("keys", []):
            if jwk.get("kty") != "RSA" or jwk.get("use", "sig") != "sig":
                continue
            keys[jwk.get("kid")] = PyJWK.from_dict(jwk, algorithm="RS256")
        if not keys:
            raise ValueError("the JWKS holds no RSA signing key")
        return keys
