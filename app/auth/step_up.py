"""Re-authentication before sensitive changes (step-up).

Contract:
- `step_up_required`: a view decorator (after `login_required`). The view runs only when
  the session's sign-in was validated with an `auth_time` at most `STEP_UP_MAX_AGE`
  seconds ago; otherwise the 401 problem `reauthentication_required` with a
  `reauth_url` (and `max_age`) is raised and nothing is changed. `require_recent_sign_in()`
  is the same check for a service-level caller.
- `GET /reauth?returnTo=` (`auth.reauthenticate` in views.py) sends the browser through
  `/authorize` with `prompt=login` and `max_age=0` (the tenant asks for the password
  again, and for the second factor where the user has one); the answer comes back to
  `/callback` as a transaction of kind `reauth` bound to this session.
- `complete(auth, finished, session_id, sub)`: the callback of a re-authentication. It
  must be the same session and the same user (`sub`); otherwise `Refused` is raised and
  the session is kept as it was. It renews the grant (fresh tokens, the new `auth_time`)
  under the same session id, and indexes the re-authentication's tenant `sid` for
  back-channel logout. A My Account token had by the silent `/authorize` is kept in it
  (`my_account.py`); the callback view then asks for one again only if none is kept.
  The ID token's `auth_time` was already checked against `max_age=0` by the
  validator (`tokens.py`, with its one LEEWAY).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from flask import g, url_for

from ..web.problems import Problem
from . import grants
from .services import AuthServices, services
from .store import LockTimeout, lock, session_key

#: The transaction kind of a re-authentication (answered at `/callback`).
KIND = "reauth"


class Refused(Exception):
    """A re-authentication that must not renew this session (`code`, `detail`)."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail


def is_recent(auth_time: float | None, max_age: int, now: float | None = None) -> bool:
    """Whether an authentication at `auth_time` is at most `max_age` seconds old."""
    if auth_time is None:
        return False
    return (time.time() if now is None else now) - auth_time <= max_age


def reauthentication_problem() -> Problem:
    """The 401 `reauthentication_required` problem, naming where to sign in again."""
    from .session import return_to_for_login

    return Problem(
        401, "reauthentication_required",
        "For your security, this change needs a recent sign-in. Sign in again to confirm"
        " it is you; nothing was changed.",
        reauth_url=url_for("auth.reauthenticate", returnTo=return_to_for_login()),
        max_age=services().settings.step_up_max_age,
    )


def require_recent_sign_in() -> None:
    """Raise `reauthentication_required` unless the signed-in user authenticated recently."""
    from .session import current_user, login_problem

    user = current_user()
    if user is None:
        raise login_problem(silent=False)
    if not is_recent(user.auth_time, services().settings.step_up_max_age):
        raise reauthentication_problem()


def step_up_required(view: Callable) -> Callable:
    """Run `view` only after a recent sign-in (see the module's contract)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        require_recent_sign_in()
        return view(*args, **kwargs)

    return wrapper


def complete(auth: AuthServices, id_claims: dict[str, Any], access_claims: dict[str, Any],
             tokens: dict[str, Any], *, session_id: str | None, started_for: str | None,
             signed_in_sub: str | None) -> None:
    """Renew the session's grant with a re-authentication's tokens; `Refused` if it is
    another session's or another user's (the session is then left as it was)."""
    if session_id is None or signed_in_sub is None or session_id != started_for:
        raise Refused(400, "reauthentication_session_changed",
                      "You signed out or in again while confirming it was you. Start again.")
    if id_claims["sub"] != signed_in_sub:
        raise Refused(403, "reauthentication_other_user",
                      "You signed in as another user than the one of this session, so"
                      " nothing was changed. Sign in again as yourself to continue.")
    timeout = auth.settings.absolute_timeout
    lock_ttl = 2 * auth.settings.http_timeout + 5
    try:
        # The refresh lock, as every writer of a grant that may hold a refresh token of
        # its own (my_account.py): a renewal meanwhile must not be written back stale.
        with lock(auth.store, session_key("refresh", session_id), ttl=lock_ttl,
                  wait=lock_ttl + 1):
            renewed = _renewed(auth, session_id, id_claims, access_claims, tokens)
    except LockTimeout:
        # Written without the lock, the renewal would be overwritten by the refresh that
        # holds it (its older copy of the grant): ask the user to confirm again instead.
        raise Refused(503, "busy", "Your session was being renewed at the same moment, so"
                      " the confirmation could not be saved. Nothing was changed: try"
                      " again.") from None
    sid = id_claims.get("sid")
    if isinstance(sid, str) and sid:
        grants.add_tenant_session(auth.store, session_id, renewed, sid=sid,
                                  sub=id_claims["sub"], absolute_timeout=timeout)
    g.pop("selfserve_user", None)


def _renewed(auth: AuthServices, session_id: str, id_claims: dict[str, Any],
             access_claims: dict[str, Any], tokens: dict[str, Any]) -> dict[str, Any]:
    """Save and return the session's grant rebuilt from a re-authentication. A My Account
    token had by the silent `/authorize` is kept (its own refresh token stays good); one
    had by multi-resource refresh, or a refusal, is not (it is had again, from the new
    refresh token, or asked for again once: see views.py `_then_my_account`)."""
    current = grants.load(auth.store, session_id)
    if current is None:
        raise Refused(400, "reauthentication_session_changed",
                      "Your session ended while you were confirming it was you. Sign in"
                      " again.")
    renewed = grants.from_sign_in(id_claims, access_claims, tokens,
                                  signed_in_at=current["signed_in_at"])
    renewed["sid"] = current.get("sid")  # the index keeps the sign-in's sid too
    record = current.get("my_account")
    if isinstance(record, dict) and record.get("how") == "authorize":
        renewed["my_account"] = record
    grants.save(auth.store, session_id, renewed, auth.settings.absolute_timeout)
    return renewed
