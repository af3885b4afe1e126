"""A My Account API token beside the Management API one, kept in the same grant.

Contract: `my_account_access()` (inside a request, for the signed-in user) returns a
`MyAccountAccess`: a fresh access token for `{issuer}me/` with its `me:` scopes, or no
token and the `reason` (`off`, `not_granted`, `unavailable`) with a `detail` for people.
It never raises for "not available"; it raises the login problem when the session
itself has ended (the tenant refused the sign-in's refresh token).

How the token is had: Auth0 issues one audience per access token, so the token is got
with the multi-resource refresh grant (`refresh_token` with `audience` and `scope`,
docs-v2 `configure-and-implement-multi-resource-refresh-token`) from the sign-in's own
refresh token, lazily, on the first call that needs it, and renewed the same way when it
nears expiry. That grant rotates the sign-in's refresh token too, so it runs under the
same per-session lock as the Management token's refresh (`refresh.py`) and saves the
rotated token: two refreshes with one refresh token would revoke the family.

The grant keeps `"my_account"`: `{"access_token", "access_expires_at",
"access_issued_at", "scopes", "how"}` or `{"refused": detail, "at": time}` when the
tenant refused this application (remembered for `REFUSAL_TTL` seconds, so that every
page does not ask again). The token is never sent to the browser.

Not built yet (issue 13): the silent `/authorize` (`prompt=none`) fallback for tenants
whose refresh token policy does not list the My Account API; such a tenant gives
reason `not_granted` here.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from flask import g

from . import grants
from .oauth_client import SignInServiceError
from .refresh import REFRESH_MARGIN, REFUSED
from .services import AuthServices, services
from .session import current_user, login_problem
from .store import LockTimeout, lock, session_key
from .tokens import InvalidToken

log = logging.getLogger(__name__)

#: Seconds a refusal is remembered before the tenant is asked again.
REFUSAL_TTL = 10 * 60
#: Answers that say this application may not have the token: nothing else is wrong.
_NOT_GRANTED = frozenset({"access_denied", "unauthorized_client", "invalid_scope",
                          "invalid_request"})
_RECORD = "my_account"
OFF_DETAIL = "This account page is set not to use the My Account API (AUTH0_MYACCOUNT=off)."


@dataclass(frozen=True)
class MyAccountAccess:
    """A My Account API token for the signed-in user, or why there is none."""

    token: str | None = field(repr=False)
    scopes: frozenset[str] = frozenset()
    how: str | None = None  # "refresh_token": the multi-resource refresh grant
    reason: str | None = None  # None with a token; else "off", "not_granted", "unavailable"
    detail: str | None = None

    @property
    def available(self) -> bool:
        return self.token is not None


def my_account_access() -> MyAccountAccess:
    """The current user's My Account access (see the module docstring); cached per request."""
    if "selfserve_my_account" not in g:
        g.selfserve_my_account = _access()
    return g.selfserve_my_account


def _access() -> MyAccountAccess:
    auth = services()
    if auth.settings.my_account == "off":
        return MyAccountAccess(None, reason="off", detail=(
            OFF_DETAIL))
    user = current_user()
    if user is None:
        raise login_problem(silent=False)
    grant = grants.load(auth.store, user.session_id)
    if grant is None:
        raise login_problem(silent=True)
    known = _known(grant)
    if known is not None:
        return known
    lock_ttl = 2 * auth.settings.http_timeout + 5
    try:
        # The refresh lock: a multi-resource refresh rotates the sign-in's refresh token.
        with lock(auth.store, session_key("refresh", user.session_id), ttl=lock_ttl,
                  wait=lock_ttl + 1):
            grant = grants.load(auth.store, user.session_id)
            if grant is None:
                raise login_problem(silent=True)
            return _known(grant) or _fetch(auth, user.session_id, grant)
    except LockTimeout:
        return _unavailable("timed out waiting for another refresh of this session")


def _known(grant: dict[str, Any]) -> MyAccountAccess | None:
    """What the grant already says, or None when the tenant must be asked."""
    record = grant.get(_RECORD)
    if not isinstance(record, dict):
        return None
    if "refused" in record:
        if time.time() - record.get("at", 0) < REFUSAL_TTL:
            return _not_granted(record["refused"])
        return None
    if _needs_renewal(record):
        return None
    return MyAccountAccess(record["access_token"], frozenset(record["scopes"]),
                           how=record["how"])


def _needs_renewal(record: dict[str, Any]) -> bool:
    lifetime = record["access_expires_at"] - record["access_issued_at"]
    margin = min(REFRESH_MARGIN, max(lifetime, 0) / 2)
    return record["access_expires_at"] - time.time() <= margin


def _fetch(auth: AuthServices, session_id: str, grant: dict[str, Any]) -> MyAccountAccess:
    settings = auth.settings
    if not grant.get("refresh_token"):
        return _remember_refusal(auth, session_id, grant, (
            "The sign-in gave this application no refresh token, which the My Account"
            " API token is got with."))
    try:
        tokens = auth.client.refresh(grant["refresh_token"],
                                     audience=settings.my_account_audience,
                                     scope=" ".join(settings.my_account_scopes))
        claims = auth.validator.access_token(tokens.get("access_token", ""), sub=grant["sub"],
                                             audience=settings.my_account_audience)
    except SignInServiceError as error:
        if error.error in _NOT_GRANTED:
            log.info("the tenant refused a My Account API token (%s)", error.error)
            return _remember_refusal(auth, session_id, grant, (
                f"The tenant does not give this application a My Account API token"
                f" ({error.error}): its refresh token policy and client grant must list"
                f" {settings.my_account_audience}."))
        if error.error in REFUSED:
            # The sign-in's refresh token itself is dead: the session has ended.
            log.info("refresh refused by the tenant (%s): session ended", error.error)
            grants.delete(auth.store, session_id)
            raise login_problem(silent=True) from None
        return _unavailable(str(error))
    except InvalidToken as error:
        log.warning("the My Account API token failed validation: %s", error)
        return _unavailable("the tenant's My Account API token failed validation")
    # The token also carries the sign-in's OIDC scopes; the me: ones are what it may do.
    scopes = [s for s in claims.get("scope", "").split() if ":me:" in s]
    record = {"access_token": tokens["access_token"], "access_expires_at": claims["exp"],
              "access_issued_at": claims["iat"], "scopes": scopes, "how": "refresh_token"}
    updated = {**grant, _RECORD: record,
               "refresh_token": tokens.get("refresh_token") or grant["refresh_token"]}
    grants.save(auth.store, session_id, updated, settings.absolute_timeout)
    log.info("My Account API token obtained by multi-resource refresh")
    return MyAccountAccess(record["access_token"], frozenset(scopes), how="refresh_token")


def _remember_refusal(auth: AuthServices, session_id: str, grant: dict[str, Any],
                      detail: str) -> MyAccountAccess:
    updated = {**grant, _RECORD: {"refused": detail, "at": time.time()}}
    grants.save(auth.store, session_id, updated, auth.settings.absolute_timeout)
    return _not_granted(detail)


def _not_granted(detail: str) -> MyAccountAccess:
    return MyAccountAccess(None, reason="not_granted", detail=detail)


def _unavailable(why: str) -> MyAccountAccess:
    log.warning("no My Account API token: %s", why)
    return MyAccountAccess(None, reason="unavailable", detail=(
        "The sign-in service did not answer for your sign-in methods. Try again shortly."))


#: The My Account scope the "sign_in_methods" feature of `/bff/session` needs.
SIGN_IN_METHODS_SCOPE = "read:me:authentication_methods"


def status_of(grant_record: Any, mode: str) -> dict[str, Any]:
    """What `/bff/session` says of the My Account token (never the token itself):
    `available` is None while it has not been asked for yet in this session."""
    status: dict[str, Any] = {"available": None, "how": None, "reason": None,
                              "detail": None, "scopes": []}
    if mode == "off":
        return {**status, "available": False, "reason": "off", "detail": (
            OFF_DETAIL)}
    if not isinstance(grant_record, dict):
        return status
    if "refused" in grant_record:
        return {**status, "available": False, "reason": "not_granted",
                "detail": grant_record["refused"]}
    return {**status, "available": True, "how": grant_record.get("how"),
            "scopes": sorted(grant_record.get("scopes", []))}


def sign_in_methods_feature(status: dict[str, Any]) -> tuple[bool, list[str]]:
    """(available, missing scopes) of the "sign_in_methods" feature for a `status_of`."""
    # Only a token that was had can lack a scope; before it is asked for, nothing is known.
    missing = ([SIGN_IN_METHODS_SCOPE] if status["available"]
               and SIGN_IN_METHODS_SCOPE not in status["scopes"] else [])
    return bool(status["available"]) and not missing, missing
