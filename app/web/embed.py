"""Embedding the account UI in other pages: the iframe page and CORS for allowed origins.

Contracts:
- `GET /embed[?lang=de]` is the account UI for an `<iframe>`; `lang` is the host
  page's language for it (the user's own choice on the page wins). Framing is limited to
  `EMBED_ALLOWED_ORIGINS` by the `frame-ancestors` directive of the app-wide CSP
  (app/web/security.py); the page's script posts its height and events to the
  parent window only when the parent's origin is one of those origins.
- `GET /embed/signed-in` ends a sign-in started from the iframe in a pop-up
  window: it tells the iframe (same origin) and closes itself.
- `GET /embed/link-pending?opener=<origin>` ends a link started from an embedded
  UI (`/link/<connection>?opener=<origin>`) in its pop-up window: it posts
  `{source: "selfserve", type: "link-pending"}` to the window that opened it, with
  `opener` as the exact target origin, and closes itself; the embedded UI then
  shows the confirmation step. `opener` must pass `opener_origin`.
- A request whose `Origin` is in `EMBED_ALLOWED_ORIGINS` gets CORS headers with
  credentials, so `<selfserve-account>` on such a page can call the BFF. A
  preflight (`OPTIONS` with `Access-Control-Request-Method`) is answered here,
  allowing the CSRF header, `Content-Type` and `If-Match`; from any other
  origin it is refused with 403. CSRF checks still apply to every write.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, make_response, render_template, request, url_for

from ..config import get_settings
from .csrf import trusted_origins
from .modules import module_paths
from .problems import Problem

bp = Blueprint("embed", __name__)

ALLOWED_METHODS = "GET, POST, PATCH, PUT, DELETE"
ALLOWED_HEADERS = "X-CSRF, Content-Type, If-Match"
EXPOSED_HEADERS = "ETag, Retry-After, Location"
PREFLIGHT_MAX_AGE = "600"  # seconds a browser may cache a preflight answer


def embedding_origins() -> tuple[str, ...]:
    """The origins that may embed the UI and call the BFF with credentials."""
    return get_settings().embed_allowed_origins


@bp.get("/embed", endpoint="frame")
def frame() -> Response:
    response = make_response(render_template(
        "embed/frame.html", allowed_origins=" ".join(embedding_origins()),
        modules=module_paths("js/embed-frame.js"),
    ))
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/embed/signed-in", endpoint="signed_in")
def signed_in() -> Response:
    return make_response(render_template("embed/signed_in.html"))


def opener_origin(value: str | None) -> str:
    """`value` if a pop-up of this app may post its result to a window of that origin:
    this app's own (the iframe page) or one of EMBED_ALLOWED_ORIGINS (a host page with
    the element). Anything else is a 400 problem `origin_not_allowed`."""
    if value not in trusted_origins():
        raise Problem(
            400,
            "origin_not_allowed",
            "The page that opened this window may not embed the account service;"
            " add its origin to EMBED_ALLOWED_ORIGINS.",
        )
    return value


@bp.get("/embed/link-pending", endpoint="link_pending")
def link_pending() -> Response:
    origin = opener_origin(request.args.get("opener"))
    response = make_response(render_template(
        "embed/link_pending.html",
        opener_origin=origin,
        confirm_url=url_for("spa.linked_accounts"),
    ))
    response.headers["Cache-Control"] = "no-store"
    return response


def _preflight() -> Response | None:
    """Answer a CORS preflight before any view, login check or CSRF check sees it."""
    if request.method != "OPTIONS" or "Access-Control-Request-Method" not in request.headers:
        return None
    origin = request.headers.get("Origin", "")
    if origin not in embedding_origins():
        raise Problem(
            403,
            "origin_not_allowed",
            "This origin may not call the account service; add it to EMBED_ALLOWED_ORIGINS.",
        )
    response = Response(status=204)
    response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
    response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
    response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
    return response


def _cors_headers(response: Response) -> Response:
    origin = request.headers.get("Origin")
    # Vary on every response: a cache must not hand one origin's answer to another.
    response.vary.add("Origin")
    if origin and origin in embedding_origins():
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
        response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    return response


def init_app(app: Flask) -> None:
    """Register the embedding pages and the app-wide CORS hooks on `app`."""
    app.register_blueprint(bp)
    app.before_request(_preflight)
    app.after_request(_cors_headers)
