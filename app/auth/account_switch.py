"""A sign-in never silently lands in another account than the one this browser was using.

Why: the tenant keeps its own single sign-on session. Linking signs in to the other
identity with `prompt=login`, which leaves the tenant's session on that identity
(e.g. `github|...`); once the BFF session ends, "Sign in" goes through the tenant
without a form and lands in that account. Ending the tenant session after the link
callback would need a visible trip through the tenant's logout page (and an allowed
logout URL for it), so instead every sign-in is checked here.

Contract:
- `remember(response, settings, id_claims)`: after every completed sign-in, the browser
  keeps the *last-user* cookie (`selfserve-last-user`, `__Host-` over https; HttpOnly,
  SameSite=Lax, `LAST_USER_MAX_AGE`), signed and timestamped with APP_SECRET_KEY. It
  holds a keyed hash of the `sub` (not the id, never a token) and a display hint
  (email, else name) for the choice page and the tenant's `login_hint`.
- `silent_switch(settings, cookie, id_claims, started_at) -> LastUser | None`: the last
  user, when this sign-in yields another `sub` and the tenant showed no login form:
  `auth_time` (missing counts as unknown, so as no form) is before the second in
  which the sign-in started. None otherwise (same account, a fresh authentication,
  no or a bad cookie: a first sign-in in this browser cannot be checked).
- `park(store, ...) -> handle` keeps the validated sign-in for `CHOICE_TTL` seconds
  under a one-time handle the browser holds in the `selfserve-switch` cookie; `take`
  pops it (None when expired or used). The tokens stay in the store.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from flask import Response
from itsdangerous import BadSignature, TimestampSigner

from ..config import Settings
from .session_store import cookie_name
from .store import Store

#: Seconds the last-user cookie lasts: longer than the tenant's SSO session can.
LAST_USER_MAX_AGE = 30 * 24 * 3600
#: Seconds a parked sign-in waits for the user's choice.
CHOICE_TTL = 5 * 60
MAX_HINT_LENGTH = 254
_SALT = "selfserve-last-user"


@dataclass(frozen=True)
class LastUser:
    sub_hash: str
    hint: str  # for the page and the tenant's `login_hint`; may be empty


def last_user_cookie(settings: Settings) -> str:
    return cookie_name(settings, "selfserve-last-user")


def choice_cookie(settings: Settings) -> str:
    return cookie_name(settings, "selfserve-switch")


def display_hint(claims: dict[str, Any]) -> str:
    """How the page names an account: its email, else its name, else nothing."""
    for claim in ("email", "name", "nickname"):
        value = claims.get(claim)
        if isinstance(value, str) and value.strip():
            return "".join(c for c in value.strip() if c.isprintable())[:MAX_HINT_LENGTH]
    return ""


def _sub_hash(settings: Settings, sub: str) -> str:
    return hmac.new(settings.secret_key.encode(), sub.encode(), hashlib.sha256).hexdigest()[:32]


def _signer(settings: Settings) -> TimestampSigner:
    return TimestampSigner(settings.secret_key, salt=_SALT)


def remember(response: Response, settings: Settings, id_claims: dict[str, Any]) -> None:
    # "<hash>.<percent-encoded hint>", signed and timestamped. Not JSON: nothing in a
    # cookie of ours may look like a token (base64 of JSON starts with "eyJ").
    payload = f"{_sub_hash(settings, id_claims['sub'])}.{quote(display_hint(id_claims), safe='')}"
    response.set_cookie(
        last_user_cookie(settings), _signer(settings).sign(payload).decode(),
        max_age=LAST_USER_MAX_AGE, path="/", secure=settings.secure_cookies, httponly=True,
        samesite="Lax",
    )


def last_user(settings: Settings, cookie: str | None) -> LastUser | None:
    """The user the cookie names, None for no cookie or one we did not sign."""
    if not cookie or len(cookie) > 1024:
        return None
    try:
        payload = _signer(settings).unsign(cookie, max_age=LAST_USER_MAX_AGE).decode()
    except (BadSignature, UnicodeDecodeError):  # BadSignature: also a timed-out one
        return None
    sub_hash, _, hint = payload.partition(".")
    if not sub_hash:
        return None
    return LastUser(sub_hash, unquote(hint)[:MAX_HINT_LENGTH])


def silent_switch(
    settings: Settings, cookie: str | None, id_claims: dict[str, Any], started_at: float
) -> LastUser | None:
    previous = last_user(settings, cookie)
    if previous is None:
        return None
    if hmac.compare_digest(previous.sub_hash, _sub_hash(settings, id_claims["sub"])):
        return None
    auth_time = id_claims.get("auth_time")
    if isinstance(auth_time, int | float) and not isinstance(auth_time, bool):
        # `auth_time` has whole seconds: an authentication in the second the sign-in
        # started counts as fresh (the tenant showed its form).
        if int(auth_time) >= int(started_at):
            return None
    return previous


def key(handle: str) -> str:
    """The store key of a parked sign-in (the handle itself is never stored)."""
    return "switch:" + hashlib.sha256(handle[:128].encode()).hexdigest()


def park(store: Store, record: dict[str, Any]) -> str:
    handle = secrets.token_urlsafe(32)
    store.set(key(handle), record, CHOICE_TTL)
    return handle


def take(store: Store, handle: str | None) -> dict[str, Any] | None:
    if not handle or len(handle) > 128:
        return None
    return store.pop(key(handle))
