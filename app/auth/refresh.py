"""Keeping a session's access token fresh: one refresh at a time, across threads and processes.

Contract: `ensure_fresh(auth, session_id, grant)` returns a grant whose access token
has more than the refresh margin left, or raises:

- `NeedsLogin`: the token is (nearly) expired and there is no refresh token, or the
  tenant refused the refresh token (then the grant is deleted: the session ended);
- `RefreshUnavailable`: the tenant could not be reached and the token has expired.

Single flight: the refresher holds the store's lock (`store.lock`) for the session,
re-reads the grant and refreshes only if nobody did meanwhile; the others wait for the
lock and then find the holder's fresh grant instead of calling the tenant themselves.
That matters doubly because the tenant rotates refresh tokens: a second refresh
with the same token would be refused.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from . import grants
from .oauth_client import SignInServiceError
from .services import AuthServices
from .store import LockTimeout, lock, session_key
from .tokens import InvalidToken

log = logging.getLogger(__name__)

#: Refresh when the access token has less than this many seconds left (or, for
#: short-lived tokens, less than half of its lifetime).
REFRESH_MARGIN = 60


class NeedsLogin(Exception):
    """The session cannot get a fresh access token without the user signing in again."""


class RefreshUnavailable(Exception):
    """The tenant did not answer the refresh and the access token has expired."""


def needs_refresh(grant: dict[str, Any], now: float | None = None) -> bool:
    now = time.time() if now is None else now
    lifetime = grant["access_expires_at"] - grant["access_issued_at"]
    margin = min(REFRESH_MARGIN, max(lifetime, 0) / 2)
    return grant["access_expires_at"] - now <= margin


def ensure_fresh(auth: AuthServices, session_id: str, grant: dict[str, Any]) -> dict[str, Any]:
    if not needs_refresh(grant):
        return grant
    if not grant.get("refresh_token"):
        raise NeedsLogin("the access token expires and no refresh token was issued")

    store = auth.store
    # Outlasts one token request: connecting and reading may each take http_timeout.
    lock_ttl = 2 * auth.settings.http_timeout + 5
    try:
        with lock(store, session_key("refresh", session_id), ttl=lock_ttl, wait=lock_ttl + 1):
            current = _current(auth, session_id)
            if not needs_refresh(current):
                return current  # another request (or worker) refreshed meanwhile
            return _refresh(auth, session_id, current)
    except LockTimeout:
        current = _current(auth, session_id)
        if not needs_refresh(current):
            return current
        return _fallback(current, "timed out waiting for another refresh")


#: Token endpoint errors after which no retry can succeed: the session ends.
REFUSED = frozenset({"invalid_grant", "unauthorized_client", "invalid_client", "access_denied"})


def _current(auth: AuthServices, session_id: str) -> dict[str, Any]:
    current = grants.load(auth.store, session_id)
    if current is None:
        raise NeedsLogin("the session has ended")
    return current


def _refresh(auth: AuthServices, session_id: str, grant: dict[str, Any]) -> dict[str, Any]:
    try:
        tokens = auth.client.refresh(grant["refresh_token"])
        claims = auth.validator.access_token(tokens.get("access_token", ""), sub=grant["sub"])
    except SignInServiceError as error:
        # Final answers: the refresh token is dead, or this client may not use it
        # (Auth0 answers a refused client authentication with 401 access_denied).
        if error.error in REFUSED:
            log.info("refresh refused by the tenant (%s): session ended", error.error)
            grants.delete(auth.store, session_id)
            raise NeedsLogin("the tenant refused the refresh token") from None
        return _fallback(grant, str(error))
    except InvalidToken as error:
        log.warning("refresh returned an invalid access token: %s", error)
        return _fallback(grant, str(error))
    updated = {
        **grant,
        "access_token": tokens["access_token"],
        "access_expires_at": claims["exp"],
        "access_issued_at": claims["iat"],
        "scopes": claims.get("scope", "").split(),
        "refresh_token": tokens.get("refresh_token") or grant["refresh_token"],
    }
    grants.save(auth.store, session_id, updated, auth.settings.absolute_timeout)
    log.info("access token refreshed")
    return updated


def _fallback(grant: dict[str, Any], reason: str) -> dict[str, Any]:
    """Keep using a token that is near expiry but still valid; fail once it has expired."""
    if grant["access_expires_at"] > time.time():
        log.warning("refresh failed (%s); using the current access token while it lasts", reason)
        return grant
    raise RefreshUnavailable(reason)
