"""CSRF protection for every state-changing request of the BFF.

Contract: a request whose method is not GET, HEAD or OPTIONS must carry
`X-CSRF: 1` (a header no cross-site form can send, and that a cross-origin script
can send only after a CORS preflight we answer for allowed origins only) and either
an `Origin` equal to PUBLIC_URL's origin or one of EMBED_ALLOWED_ORIGINS, or, when
`Origin` is absent, `Sec-Fetch-Site: same-origin`. Otherwise: 403 problem `csrf_failed`.

Views that are cross-site posts by design and carry their own proof (the form_post
callbacks: state, nonce and the browser binding; the back-channel logout: a signed
token) opt out with `@exempt`.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, request

from ..config import get_settings
from .problems import Problem

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
HEADER = "X-CSRF"
_EXEMPT_ATTR = "_selfserve_csrf_exempt"


def exempt(view: Callable) -> Callable:
    """Mark `view` as not needing the CSRF checks (it must prove its origin otherwise)."""
    setattr(view, _EXEMPT_ATTR, True)
    return view


def trusted_origins() -> frozenset[str]:
    """This app's own origin and the ones allowed to embed it (EMBED_ALLOWED_ORIGINS):
    whose state-changing calls are accepted, and to which a pop-up may post its result."""
    settings = get_settings()
    return frozenset({settings.public_origin, *settings.embed_allowed_origins})


def check_request() -> None:
    """Raise the 403 problem unless the current request passes the CSRF checks."""
    if request.method in SAFE_METHODS:
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if view is not None and getattr(view, _EXEMPT_ATTR, False):
        return
    if request.headers.get(HEADER) != "1":
        raise Problem(403, "csrf_failed", f"The request lacks the {HEADER}: 1 header.")
    check_origin()


def check_origin(allowed: frozenset[str] | None = None) -> None:
    """Raise the 403 problem unless the request shows it comes from one of `allowed`
    (default: `trusted_origins()`), by `Origin` or without it `Sec-Fetch-Site:
    same-origin`. Exempt views that receive a plain HTML form of this app (which
    cannot send the CSRF header) call it themselves."""
    origin = request.headers.get("Origin")
    if origin is not None:
        if origin not in (trusted_origins() if allowed is None else allowed):
            raise Problem(403, "csrf_failed", "The request comes from an origin not allowed here.")
    elif request.headers.get("Sec-Fetch-Site") != "same-origin":
        raise Problem(403, "csrf_failed", "The request does not show that it comes from this site.")


def init_app(app: Flask) -> None:
    app.before_request(check_request)
