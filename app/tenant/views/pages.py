"""What every tenant page shares: security headers, the error page, static assets.

Contract: `error_page(error, description, status)` renders `tenant/error.html` (used
when a request cannot go back to a client, e.g. an unknown client or redirect URI);
`expired_sign_in_page()` is that page for an unknown or expired login transaction.
Every response gets a CSP; HTML forms may post to the tenant and, through the redirects
that follow a login, to the registered clients' origins.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template

from app.tenant import clients
from app.tenant.db import get_db

bp = Blueprint("pages", __name__)

_ASSETS = {
    "form_post.js": "application/javascript; charset=utf-8",
    "web_message.js": "application/javascript; charset=utf-8",
    "passkey.js": "application/javascript; charset=utf-8",
    "tenant.css": "text/css; charset=utf-8",
}


def error_page(error: str, description: str, status: int = 400) -> Response:
    body = render_template("tenant/error.html", error=error, description=description)
    return Response(body, status=status, content_type="text/html; charset=utf-8")


def expired_sign_in_page() -> Response:
    """The answer to a login transaction (`state`) that is unknown or has expired."""
    return error_page(
        "invalid_request",
        "This sign-in has expired or is unknown. Go back to the application and start again.",
    )


@bp.get("/assets/<name>")
def asset(name: str):
    if name not in _ASSETS:
        abort(404)
    response = Response(render_template(f"tenant/assets/{name}"), content_type=_ASSETS[name])
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.after_app_request
def security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    # Transaction ids and codes travel in URLs: never hand them to another site.
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if "Content-Security-Policy" not in response.headers:
        origins = sorted({o for c in clients.all_clients(get_db()) for o in c.origins})
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'self'; img-src 'self' data: https:;"
            " base-uri 'none'; frame-ancestors 'none';"
            f" form-action 'self' {' '.join(origins)}"
        ).strip()
    return response


@bp.get("/")
def home():
    """What this tenant is, its demo clients and users (the demo's documentation page)."""
    from app.tenant import directory
    from app.tenant.context import current_tenant

    return render_template(
        "tenant/home.html",
        tenant=current_tenant(),
        clients=clients.all_clients(get_db()),
        demo_users=[(directory.ALICE_EMAIL, directory.ALICE_PASSWORD),
                    (directory.BOB_EMAIL, directory.BOB_PASSWORD)],
        totp_secret=directory.ALICE_TOTP_SECRET,
    )
