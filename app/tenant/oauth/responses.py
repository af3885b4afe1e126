"""How an authorization response reaches the client: `response_mode` query, fragment,
form_post (an auto-submitting HTML form) or web_message (a page posting the answer to
the window that framed or opened it, for auth0-spa-js' silent sign-in).

Contract: `deliver()` returns authlib's `(status, body, headers)` triple. form_post runs
no inline script: the page loads the tenant's own `form_post.js`, and a `<noscript>`
button submits it without JavaScript; its CSP allows posting to the redirect URI's origin.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from authlib.common.urls import add_params_to_uri
from flask import render_template, url_for

RESPONSE_MODES = ("query", "fragment", "form_post", "web_message")


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
    if mode == "web_message":
        return _web_message(redirect_uri, params)
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


def _web_message(redirect_uri: str, params: list[tuple[str, str]]):
    """The page auth0-spa-js loads in a hidden iframe (silent sign-in): it posts
    `{type: "authorization_response", response: {...}}` to its opener or parent, for
    the redirect URI's origin only. The data sits in a JSON block read by the tenant's
    own script (no inline script); only that origin may frame the page."""
    target = urlsplit(redirect_uri)
    origin = f"{target.scheme}://{target.netloc}"
    csp = (
        "default-src 'none'; script-src 'self'; base-uri 'none';"
        f" frame-ancestors {origin}; form-action 'none'"
    )
    body = render_template(
        "tenant/web_message.html",
        message={"target_origin": origin,
                 "response": {name: str(value) for name, value in params}},
        script_url=url_for("pages.asset", name="web_message.js"),
    )
    return 200, body, [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Cache-Control", "no-store"),
        ("Content-Security-Policy", csp),
    ]
