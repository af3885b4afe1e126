"""How an authorization response reaches the client: `response_mode` query, fragment or
form_post (an auto-submitting HTML form).

Contract: `deliver()` returns authlib's `(status, body, headers)` triple. form_post runs
no inline script: the page loads the tenant's own `form_post.js`, and a `<noscript>`
button submits it without JavaScript; its CSP allows posting to the redirect URI's origin.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from authlib.common.urls import add_params_to_uri
from flask import render_template, url_for

RESPONSE_MODES = ("query", "fragment", "form_post")


def default_mode(response_type: str | None) -> str:
    """OAuth's defaults: query for a code, fragment when tokens travel in the response."""
    return "query" if response_type == "code" else "fragment"


def requested_mode(data) -> str | None:
    """The request's response_mode when it is one we support, else None."""
    mode = data.get("response_mode")
    return mode if mode in RESPONSE_MODES else None


def deliver(
    redirect_uri: str, params: list[tuple[str, str]], mode: str
) -> tuple[int, str, list[tuple[str, str]]]:
    if mode == "form_post":
        target = urlsplit(redirect_uri)
        csp = (
            "default-src 'none'; script-src 'self'; style-src 'self'; base-uri 'none';"
            f" frame-ancestors 'none'; form-action {target.scheme}://{target.netloc}"
        )
        body = render_template(
            "tenant/form_post.html",
            action=redirect_uri,
            fields=[(name, str(value)) for name, value in params],
            script_url=url_for("pages.asset", name="form_post.js"),
        )
        return 200, body, [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Cache-Control", "no-store"),
            ("Content-Security-Policy", csp),
        ]
    uri = add_params_to_uri(redirect_uri, params, fragment=(mode == "fragment"))
    return 302, "", [("Location", uri), ("Cache-Control", "no-store")]
