"""The SPA shell: one HTML page for `/` and every client-side route of the account UI.

Contract: `GET /`, `/profile`, `/metadata`, `/linked-accounts`, `/security` and
`/devices`, `/sessions`, `/activity` all answer the same shell; the SPA picks the view from the path
relative to `request.script_root`, so the whole app can be mounted under a prefix.
The shell carries no user data and no token: the SPA asks `/bff/user` itself.
"""

from __future__ import annotations

from flask import Blueprint, Response, make_response, render_template

bp = Blueprint("spa", __name__)

#: Client-side routes, kept in step with `static/js/routes.js`.
VIEWS = ("profile", "metadata", "linked-accounts", "security", "devices", "sessions", "activity")


@bp.get("/", endpoint="index")
def index() -> Response:
    return _shell()


def _shell() -> Response:
    response = make_response(render_template("spa.html"))
    # The shell is the same for everyone, but it must never be served from a
    # shared cache after sign-out changes what the page should show.
    response.headers["Cache-Control"] = "no-cache"
    return response


for _view in VIEWS:
    bp.add_url_rule(f"/{_view}", endpoint=_view.replace("-", "_"), view_func=_shell)
