"""Who is signed in: the session contract the rest of the BFF relies on (docs/architecture.md).

- `current_user() -> SignedInUser | None`: None without a valid session (none, ended
  by logout or back-channel logout, idle or absolute timeout). Its `access_token`
  is fresh: refreshed (single flight) when near expiry, or the 401 `login_required`
  problem is raised instead of returning.
- `login_required`: a view decorator. JSON requests (`/api/`, `/bff/`) get the 401
  problem+json `login_required` with a `login_url`; page navigations are redirected
  to that URL.
- `pending_link() -> PendingLink | None` / `clear_pending_link()`: the secondary
  identity `/link/callback` validated, waiting for the JSON API to confirm the link.

- `read_with_session(app, keys_for)`: other packages name store keys to read in the
  same round trip as the grant (`keys_for(session_id, user_id) -> [key, ...]`, keys
  in the user's hash tag); `take_prefetched(keys)` hands their values to the request
  once, or None when they were not read (`discard_prefetched()` after a write).
- `add_tenant_session(id_claims)`: the link step's fresh sign-in opened another
  tenant session; a back-channel logout of it ends this session too.

The flask session (cookie + flask-session) holds only our `session_id`, the user's
`sub` and the last-seen time; tokens and claims live in the grant (`grants.py`). A
request with a session reads the store twice: the flask session record, then the grant
with the keys registered by `read_with_session`, in one `get_many`.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, g, redirect, request, session, url_for

from ..web.problems import Problem, wants_json
from . import client_info, grants, sessions_index
from .refresh import NeedsLogin, RefreshUnavailable, ensure_fresh
from .services import services
from .store import new_session_id, session_key

_SESSION_KEY = "auth"
_READS = "selfserve.session_reads"
_LAST_SEEN = sessions_index.LAST_SEEN
#: Seconds within which the last-seen time is not rewritten (fewer session writes).
_SEEN_GRANULARITY = 5


@dataclass(frozen=True)
class SignedInUser:
    user_id: str  # the validated `sub`
    claims: dict[str, Any]  # ID token profile claims (small subset)
    scopes: frozenset[str]  # granted by the tenant
    access_token: str  # fresh
    session_id: str
    expires_at: float  # when the session ends if nothing else happens (idle or absolute)
    auth_time: float | None = None  # when the user last authenticated at the tenant


@dataclass(frozen=True)
class PendingLink:
    connection: str
    id_token: str  # raw, for the Management API's `link_with`
    claims: dict[str, Any]  # validated
    access_token: str | None  # the secondary identity's own token (reads its user_metadata)
    expires_at: float


def current_user() -> SignedInUser | None:
    if "selfserve_user" not in g:
        g.selfserve_user = _load_user()
    return g.selfserve_user


def _load_user() -> SignedInUser | None:
    data = session.get(_SESSION_KEY)
    if not data:
        return None
    auth = services()
    settings = auth.settings
    now = time.time()
    session_id = data["id"]
    extra = [key for keys_for in current_app.extensions.get(_READS, ())
             for key in keys_for(session_id, data["sub"])]
    grant, *values = auth.store.get_many([grants.grant_key(session_id), *extra])
    g.selfserve_prefetched = dict(zip(extra, values, strict=True))
    idle = now - session.get(_LAST_SEEN, 0) > settings.idle_timeout
    if grant is None or idle or now - grant["signed_in_at"] > settings.absolute_timeout:
        end_session()
        return None
    if now - session.get(_LAST_SEEN, 0) >= min(_SEEN_GRANULARITY, settings.idle_timeout / 4):
        session[_LAST_SEEN] = now
    try:
        grant = ensure_fresh(auth, session_id, grant)
    except NeedsLogin:
        raise login_problem(silent=True) from None
    except RefreshUnavailable:
        raise Problem(
            503, "tenant_unavailable", "The sign-in service is not answering. Try again shortly."
        ).with_headers(Retry_After="5") from None
    return SignedInUser(
        user_id=grant["sub"],
        claims=dict(grant["claims"]),
        scopes=frozenset(grant["scopes"]),
        access_token=grant["access_token"],
        session_id=session_id,
        expires_at=min(
            grant["signed_in_at"] + settings.absolute_timeout, now + settings.idle_timeout
        ),
        auth_time=grant.get("auth_time"),
    )


def read_with_session(app: Flask, keys_for: Callable[[str, str], list[str]]) -> None:
    """Read the keys `keys_for(session_id, user_id)` names together with the grant."""
    app.extensions.setdefault(_READS, []).append(keys_for)


def take_prefetched(keys: list[str]) -> list[Any] | None:
    """The values of `keys` read with this request's grant (each handed out once), or
    None if any of them was not read."""
    found = g.get("selfserve_prefetched")
    if not found or any(key not in found for key in keys):
        return None
    return [found.pop(key) for key in keys]


def discard_prefetched() -> None:
    """Forget what was read with the grant: after a write it may be stale."""
    g.pop("selfserve_prefetched", None)


def login_required(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            user = current_user()
        except Problem as problem:
            if problem.code == "login_required" and not wants_json():
                return redirect(problem.extra["login_url"])
            raise
        if user is None:
            problem = login_problem(silent=False)
            if not wants_json():
                return redirect(problem.extra["login_url"])
            raise problem
        return view(*args, **kwargs)

    return wrapper


def login_problem(*, silent: bool) -> Problem:
    """The 401 `login_required` problem; `silent` re-authenticates with `prompt=none`."""
    params: dict[str, str] = {"returnTo": return_to_for_login()}
    if silent:
        params["prompt"] = "none"
    return Problem(
        401,
        "login_required",
        "Your session has expired. Sign in again." if silent else "Sign in to continue.",
        # `error` as well as `code`: DESIGN.md's contract for `/bff/user` names it so.
        error="login_required",
        login_url=url_for("auth.login", **params),
    )


def return_to_for_login() -> str:
    """Where to come back after signing in: the SPA's `returnTo` (query or `X-Return-To`
    header), else this page for a navigation, else the app's root."""
    asked = request.args.get("returnTo") or request.headers.get("X-Return-To")
    if asked:
        return safe_return_to(asked)
    if request.method == "GET" and not wants_json():
        return safe_return_to(request.full_path.rstrip("?"))
    return safe_return_to(None)


def safe_return_to(value: str | None) -> str:
    """`value` if it is a path of this app, else the app's root. Never another origin."""
    root = request.script_root + "/"
    if not value or len(value) > 2048 or not value.startswith("/") or value.startswith("//"):
        return root
    if any(ord(c) < 0x20 or c == "\\" for c in value):
        return root
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return root
    prefix = request.script_root
    if prefix and not (value == prefix or value.startswith(prefix + "/")):
        value = prefix + value
    return value


def start_session(
    *, id_claims: dict[str, Any], access_claims: dict[str, Any], tokens: dict[str, Any]
) -> str:
    """Sign the browser in: a new session id (the old session, if any, ends)."""
    auth = services()
    if session.get(_SESSION_KEY):
        grants.delete(auth.store, session[_SESSION_KEY]["id"])
    current_app.session_interface.regenerate(session)
    session.clear()
    session_id = new_session_id(id_claims["sub"])
    now = time.time()
    grant = grants.from_sign_in(id_claims, access_claims, tokens, signed_in_at=now)
    settings = auth.settings
    grants.save(auth.store, session_id, grant, settings.absolute_timeout)
    grants.index(auth.store, session_id, grant, settings.absolute_timeout)
    sessions_index.record(auth.store, session_id, client=client_info.of_request(),
                          record_key=current_app.session_interface.key_prefix + session.sid,
                          ttl=settings.absolute_timeout)
    session[_SESSION_KEY] = {"id": session_id, "sub": grant["sub"]}
    session[_LAST_SEEN] = now
    session.permanent = True
    g.pop("selfserve_user", None)
    return session_id


def end_session() -> None:
    """Sign the browser out here (not at the tenant): grant deleted, session cleared."""
    data = session.get(_SESSION_KEY)
    if data:
        grants.delete(services().store, data["id"])
    session.clear()
    g.pop("selfserve_user", None)


def session_id() -> str | None:
    """Our id of the browser's session, without loading or refreshing anything."""
    data = session.get(_SESSION_KEY)
    return data["id"] if data else None


def signed_in_sub() -> str | None:
    """The signed-in user's `sub` as the session recorded it, without loading anything."""
    data = session.get(_SESSION_KEY)
    return data["sub"] if data else None


def save_pending_link(link: PendingLink) -> None:
    auth = services()
    sid = session_id()
    if sid is None:
        raise RuntimeError("save_pending_link needs a signed-in session")
    ttl = max(link.expires_at - time.time(), 1)
    auth.store.set(session_key("link", sid), link.__dict__, ttl)


def add_tenant_session(id_claims: dict[str, Any]) -> None:
    """The tenant session (`sid`) a link step's sign-in opened ends this session too when
    the tenant logs it out: the link's fresh sign-in replaced the browser's tenant session,
    so a later logout at the tenant names this one, not the sign-in's."""
    sid = id_claims.get("sid")
    session_id_ = session_id()
    if not isinstance(sid, str) or not sid or session_id_ is None:
        return
    auth = services()
    grant = grants.load(auth.store, session_id_)
    if grant is not None:
        grants.add_tenant_session(auth.store, session_id_, grant, sid=sid,
                                  sub=id_claims["sub"],
                                  absolute_timeout=auth.settings.absolute_timeout)


def pending_link() -> PendingLink | None:
    sid = session_id()
    if sid is None:
        return None
    record = services().store.get(session_key("link", sid))
    if record is None or record["expires_at"] < time.time():
        return None
    return PendingLink(**record)


def clear_pending_link() -> None:
    sid = session_id()
    if sid is not None:
        services().store.delete(session_key("link", sid))
