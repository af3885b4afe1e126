"""A My Account API token beside the Management API one, kept in the same grant.

Contract: `my_account_access()` (inside a request, for the signed-in user) returns a
`MyAccountAccess`: a fresh access token for `{issuer}me/` with its `me:` scopes, or no
token and the `reason` (`off`, `not_granted`, `unavailable`) with a `detail` for people.
It never raises for "not available"; it raises the login problem when the session
itself has ended (the tenant refused the sign-in's refresh token).

How the token is had: Auth0 issues one audience per access token, so there are two ways,
tried in this order right after a sign-in (`after_sign_in`, code flow only):

1. `how: "refresh_token"`: the multi-resource refresh grant (`refresh_token` with
   `audience` and `scope`, docs-v2 `configure-and-implement-multi-resource-refresh-token`)
   from the sign-in's own refresh token, where the application's refresh token policy
   lists the My Account API. It is renewed the same way when it nears expiry. That grant
   rotates the sign-in's refresh token too, so it runs under the same per-session lock as
   the Management token's refresh (`refresh.py`) and saves the rotated token: two
   refreshes with one refresh token would revoke the family.
2. `how: "authorize"`: when the tenant refuses that as not granted, `after_sign_in` says
   so and the callback view sends the browser once through a second, silent `/authorize`
   (`prompt=none`, code + PKCE, audience `{issuer}me/`, `openid offline_access` and the
   `me:` scopes) as a transaction of kind `KIND`, bound to the session.
   `save_authorized` keeps its token with the record's OWN refresh token; it is renewed
   with that refresh token (a plain `refresh_token` grant), never with the sign-in's.
   A tenant error there, or any failure, is remembered as a refusal
   (`remember_silent_refusal`); the sign-in itself goes on.

Every write of the grant that carries this record happens under the session's refresh lock
(`session_key("refresh", session_id)`): the Management refresh, the multi-resource
refresh and this renewal each rewrite the whole grant, so under separate locks one could
write back another's stale refresh token, and a reused refresh token revokes its family.

The grant keeps `"my_account"`: `{"access_token", "access_expires_at",
"access_issued_at", "scopes", "how"}` (plus `"refresh_token"` when `how` is
`"authorize"`), or `{"refused": detail, "at": time}` when the tenant refused this
application (remembered for `REFUSAL_TTL` seconds, so that every page does not ask
again; the next sign-in tries again). Neither token is ever sent to the browser. A
re-authentication (`step_up.py`) keeps an `"authorize"` record and drops the others
(a multi-resource one is had again from the new refresh token).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from flask import g

from ..config import Settings
from ..web.problems import Problem
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
NOT_GRANTED = frozenset({"access_denied", "unauthorized_client", "invalid_scope",
                          "invalid_request"})
_RECORD = "my_account"
#: The transaction kind of the silent `/authorize` for the `/me/` audience (at `/callback`).
KIND = "my_account"
OFF_DETAIL = "This account page is set not to use the My Account API (AUTH0_MYACCOUNT=off)."


@dataclass(frozen=True)
class MyAccountAccess:
    """A My Account API token for the signed-in user, or why there is none."""

    token: str | None = field(repr=False)
    scopes: frozenset[str] = frozenset()
    how: str | None = None  # "refresh_token" (multi-resource refresh) or "authorize"
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
    return _access_for(auth, user.session_id)


def _access_for(auth: AuthServices, session_id: str) -> MyAccountAccess:
    grant = grants.load(auth.store, session_id)
    if grant is None:
        raise login_problem(silent=True)
    known = _known(grant)
    if known is not None:
        return known
    try:
        with _grant_lock(auth, session_id):
            grant = grants.load(auth.store, session_id)
            if grant is None:
                raise login_problem(silent=True)
            return _known(grant) or _fetch(auth, session_id, grant)
    except LockTimeout:
        return _unavailable("timed out waiting for another refresh of this session")


def _grant_lock(auth: AuthServices, session_id: str):
    """The session's refresh lock (`refresh.py`): see the module docstring for why one."""
    lock_ttl = 2 * auth.settings.http_timeout + 5
    return lock(auth.store, session_key("refresh", session_id), ttl=lock_ttl,
                wait=lock_ttl + 1)


def after_sign_in(auth: AuthServices, session_id: str) -> bool:
    """Right after a sign-in (or a re-authentication that left no record): try the
    multi-resource refresh now. True when the tenant refused it as not granted and the
    caller should try the silent `/authorize` (`KIND`) once; False otherwise (a token was
    had, the feature is off, the implicit flow, or the tenant did not answer)."""
    settings = auth.settings
    if settings.my_account != "auto" or settings.flow != "code":
        return False
    try:
        access = _access_for(auth, session_id)
    except Problem as problem:
        # The sign-in's refresh token was refused at once: the session will say so itself.
        log.warning("no My Account API token after the sign-in: %s", problem.code)
        return False
    return access.reason == "not_granted"


def authorize_scopes(settings: Settings) -> tuple[str, ...]:
    """What the silent `/authorize` asks for: its own refresh token and the `me:` scopes."""
    return ("openid", "offline_access", *settings.my_account_scopes)


def save_authorized(auth: AuthServices, session_id: str, tokens: dict[str, Any],
                    access_claims: dict[str, Any]) -> bool:
    """Keep the token of a silent `/authorize` (its ID and access tokens validated by the
    caller, the access token for the `/me/` audience and this session's user) with its own
    refresh token. False when the session ended meanwhile (nothing is kept)."""
    record = _record(tokens["access_token"], access_claims, "authorize")
    record["refresh_token"] = tokens.get("refresh_token")
    try:
        with _grant_lock(auth, session_id):
            grant = grants.load(auth.store, session_id)
            if grant is None or grant["sub"] != access_claims["sub"]:
                return False
            grants.save(auth.store, session_id, {**grant, _RECORD: record},
                        auth.settings.absolute_timeout)
    except LockTimeout:
        log.warning("My Account API token by silent sign-in not kept: the session was busy")
        return False
    log.info("My Account API token obtained by a silent /authorize")
    return True


def remember_silent_refusal(auth: AuthServices, session_id: str, why: str) -> None:
    """The silent `/authorize` did not give a token (`why`: the tenant's error or our
    check): remember the refusal, with what the tenant's administrator must grant."""
    settings = auth.settings
    detail = (f"The tenant does not give this application a My Account API token: a"
              f" multi-resource refresh was refused and a silent sign-in for"
              f" {settings.my_account_audience} failed ({why}). Give {settings.client_id}"
              f" a client grant for the My Account API with the me: scopes (or list the"
              f" API in its refresh token policy).")
    log.info("no My Account API token by silent sign-in: %s", why)
    try:
        with _grant_lock(auth, session_id):
            grant = grants.load(auth.store, session_id)
            if grant is not None:
                _remember_refusal(auth, session_id, grant, detail)
    except LockTimeout:
        log.warning("My Account refusal not remembered: the session was busy")


def _known(grant: dict[str, Any]) -> MyAccountAccess | None:
    """What the grant already says, or None when the tenant must be asked."""
    record = grant.get(_RECORD)
    if not isinstance(record, dict):
        return None
    if "refused" in record:
        return _not_granted(record["refused"]) if _refusal_holds(record) else None
    if _needs_renewal(record):
        return None
    return _usable(record)


def _refusal_holds(record: dict[str, Any]) -> bool:
    """A remembered refusal younger than `REFUSAL_TTL` (after it, the tenant is asked again)."""
    return time.time() - record.get("at", 0) < REFUSAL_TTL


def _usable(record: dict[str, Any]) -> MyAccountAccess:
    return MyAccountAccess(record["access_token"], frozenset(record["scopes"]),
                           how=record["how"])


def _needs_renewal(record: dict[str, Any]) -> bool:
    lifetime = record["access_expires_at"] - record["access_issued_at"]
    margin = min(REFRESH_MARGIN, max(lifetime, 0) / 2)
    return record["access_expires_at"] - time.time() <= margin


def _record(access_token: str, claims: dict[str, Any], how: str) -> dict[str, Any]:
    # The token also carries the sign-in's OIDC scopes; the me: ones are what it may do.
    scopes = [s for s in claims.get("scope", "").split() if ":me:" in s]
    return {"access_token": access_token, "access_expires_at": claims["exp"],
            "access_issued_at": claims["iat"], "scopes": scopes, "how": how}


def _fetch(auth: AuthServices, session_id: str, grant: dict[str, Any]) -> MyAccountAccess:
    record = grant.get(_RECORD)
    if isinstance(record, dict) and record.get("how") == "authorize":
        return _renew_authorized(auth, session_id, grant, record)
    settings = auth.settings
    if not grant.get("refresh_token"):
        return _remember_refusal(auth, session_id, grant, (
            "The sign-in gave this application no refresh token, which the My Account"
            " API token is got with."))
    try:
        tokens = auth.client.refresh(grant["refresh_token"],
                                     audience=settings.my_account_audience,
                                     scope=" ".join(settings.my_account_scopes))
    except SignInServiceError as error:
        if error.error in NOT_GRANTED:
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
    # The tenant has rotated the sign-in's refresh token: the new one is kept whatever
    # the access token turns out to be (the old one is spent; reusing it would revoke
    # the whole family and end the session).
    grant = {**grant, "refresh_token": tokens.get("refresh_token") or grant["refresh_token"]}
    try:
        claims = auth.validator.access_token(tokens.get("access_token", ""), sub=grant["sub"],
                                             audience=settings.my_account_audience)
    except InvalidToken as error:
        # E.g. a token for the sign-in's own audience: Auth0 ignores a policy entry that
        # names no API of the tenant. As good as a refusal (the silent /authorize may
        # still give one).
        log.warning("the My Account API token failed validation: %s", error)
        return _remember_refusal(auth, session_id, grant, (
            f"The tenant's answer was not a My Account API token for this user ({error}):"
            f" its refresh token policy and client grant must list"
            f" {settings.my_account_audience}."))
    record = _record(tokens["access_token"], claims, "refresh_token")
    grants.save(auth.store, session_id, {**grant, _RECORD: record}, settings.absolute_timeout)
    log.info("My Account API token obtained by multi-resource refresh")
    return _usable(record)


def _renew_authorized(auth: AuthServices, session_id: str, grant: dict[str, Any],
                      record: dict[str, Any]) -> MyAccountAccess:
    """Renew a silent `/authorize`'s token with its own refresh token (the sign-in's is
    not touched). Refused: the record is replaced by a refusal (no browser is here to
    send through `/authorize` again; the next sign-in tries again)."""
    settings = auth.settings
    refused = (f"The tenant no longer renews this application's My Account API token"
               f" ({{}}); signing in again gets a new one if {settings.client_id} still has a"
               f" client grant for {settings.my_account_audience}.")
    if not record.get("refresh_token"):
        return _remember_refusal(auth, session_id, grant, refused.format(
            "the silent sign-in gave no refresh token: offline_access was not granted"))
    try:
        tokens = auth.client.refresh(record["refresh_token"])
    except SignInServiceError as error:
        if error.error in NOT_GRANTED | REFUSED:
            log.info("the tenant refused to renew the My Account API token (%s)", error.error)
            return _remember_refusal(auth, session_id, grant, refused.format(error.error))
        return _while_it_lasts(record, str(error))
    # Rotated: keep the new refresh token even if the access token is no good.
    record = {**record, "refresh_token": tokens.get("refresh_token") or record["refresh_token"]}
    try:
        claims = auth.validator.access_token(tokens.get("access_token", ""), sub=grant["sub"],
                                             audience=settings.my_account_audience)
    except InvalidToken as error:
        log.warning("the renewed My Account API token failed validation: %s", error)
        grants.save(auth.store, session_id, {**grant, _RECORD: record},
                    settings.absolute_timeout)
        return _while_it_lasts(record, "the tenant's My Account API token failed validation")
    renewed = {**_record(tokens["access_token"], claims, "authorize"),
               "refresh_token": record["refresh_token"]}
    grants.save(auth.store, session_id, {**grant, _RECORD: renewed},
                settings.absolute_timeout)
    log.info("My Account API token renewed with its own refresh token")
    return _usable(renewed)


def _while_it_lasts(record: dict[str, Any], why: str) -> MyAccountAccess:
    """A renewal that failed for now: the current token while it is valid."""
    if record["access_expires_at"] > time.time():
        log.warning("My Account API token renewal failed (%s); using it while it lasts", why)
        return _usable(record)
    return _unavailable(why)


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
    `available` is None while it has not been asked for yet in this session, and once
    a refusal is older than `REFUSAL_TTL` (the next request asks the tenant again)."""
    status: dict[str, Any] = {"available": None, "how": None, "reason": None,
                              "detail": None, "scopes": []}
    if mode == "off":
        return {**status, "available": False, "reason": "off", "detail": (
            OFF_DETAIL)}
    if not isinstance(grant_record, dict):
        return status
    if "refused" in grant_record:
        if not _refusal_holds(grant_record):
            return status
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
