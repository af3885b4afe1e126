"""CORS for the endpoints a browser may call straight from an application's page, as
Auth0 does: `/oauth/token`, `/oauth/revoke`, `/userinfo` and the Management API.

Contract: `serve_cross_origin(bp, methods)` makes every endpoint of blueprint `bp`
answer a CORS preflight (`OPTIONS`, 204, before any authentication or rate limit) and
put `Access-Control-Allow-Origin` on its answers, both only for an `Origin` that is one
of a registered client's web origins (scheme and host compared case-insensitively).
Other origins get no CORS header at all, so the browser keeps the answer from the page.
The preflight allows `Authorization`, `Content-Type` and `Auth0-Client` (the telemetry
header auth0-spa-js sends); answers expose the `x-ratelimit-*` headers.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from flask import Blueprint, Response, request

from app.tenant import clients
from app.tenant.db import get_db

ALLOWED_HEADERS = "Authorization, Content-Type, Auth0-Client"
EXPOSED_HEADERS = "x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset"
#: Seconds a browser may cache a preflight answer.
PREFLIGHT_MAX_AGE = "600"


def normalized_origin(url: str) -> str | None:
    """`scheme://host[:port]` in lower case, or None for something that is no origin."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def allowed_origin(origin: str | None) -> bool:
    """True when `origin` is one of a registered client's web origins."""
    return bool(origin) and any(
        origin_of(client, origin) for client in clients.all_clients(get_db())  # type: ignore[arg-type]
    )


def origin_of(client: clients.Client, url: str) -> bool:
    """True when `url`'s origin is one of `client`'s web origins."""
    wanted = normalized_origin(url)
    return wanted is not None and any(normalized_origin(o) == wanted for o in client.web_origins)


def serve_cross_origin(bp: Blueprint, methods: Iterable[str]) -> None:
    allow_methods = ", ".join(methods)

    @bp.before_request
    def _preflight() -> Response | None:
        if request.method != "OPTIONS":
            return None
        response = Response(status=204)
        if allowed_origin(request.headers.get("Origin")):
            response.headers["Access-Control-Allow-Methods"] = allow_methods
            response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
        return response

    @bp.after_request
    def _allow_origin(response: Response) -> Response:
        origin = request.headers.get("Origin")
        if allowed_origin(origin):
            assert origin is not None
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        response.vary.add("Origin")
        return response
