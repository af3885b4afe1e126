"""Security headers on every response of the BFF.

Contract: every response gets a strict Content-Security-Policy (scripts and styles
from this origin only, nothing inline), `frame-ancestors` limited to this origin
plus EMBED_ALLOWED_ORIGINS, `X-Content-Type-Options: nosniff`, a `Referrer-Policy`,
and HSTS when PUBLIC_URL is https. Every JSON answer (any path under `/api/` or
`/bff/`, routed or not, and any JSON or problem+json body) is `Cache-Control:
no-store` unless its view chose a `Cache-Control` itself. A view may set its own
header first; it is kept.
"""

from __future__ import annotations

from flask import Flask, Response, request

from ..config import Settings
from .problems import PROBLEM_JSON, is_json_path

_JSON_TYPES = frozenset({"application/json", PROBLEM_JSON})


def content_security_policy(settings: Settings) -> str:
    ancestors = " ".join(["'self'", *settings.embed_allowed_origins])
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        # Profile pictures come from the identity providers' hosts.
        "img-src": "'self' data: https:",
        "connect-src": "'self'",
        "font-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        # Chromium applies form-action to the redirects after a submission too, and
        # sign-out continues at the tenant.
        "form-action": f"'self' {settings.tenant_url}",
        "frame-ancestors": ancestors,
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def no_store(response: Response) -> Response:
    """`after_request` hook for blueprints whose answers are personal or one-time:
    no shared or browser cache keeps them (the SPA revalidates with ETags)."""
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask, settings: Settings) -> None:
    csp = content_security_policy(settings)
    headers = {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }
    if settings.secure_cookies:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"

    @app.after_request
    def _security_headers(response: Response) -> Response:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        # One place for every JSON answer, errors included: a 404 or 405 under /api/
        # reaches no blueprint's hook, and a shared cache must never keep a JSON answer.
        if is_json_path(request.path) or response.mimetype in _JSON_TYPES:
            response.headers.setdefault("Cache-Control", "no-store")
        return response
