"""The SPA shell: one HTML page for `/` and every client-side route of the account UI.

Contract: `GET /` and `GET /<view>` for every view of `static/js/routes.js` answer the
same shell; the SPA picks the view from the path relative to `request.script_root`, so
the whole app can be mounted under a prefix. The shell carries no user data and no
token: the SPA asks `/bff/session` itself. `view_path(name)` is a view's path (for
redirects to a view); it refuses a name that is not a view.

The views are listed once, in `static/js/routes.js` (the UI needs their elements and
features too); `VIEWS` reads their names from it at import.
It names every module and stylesheet the SPA needs up front (`modulepreload`,
`preload`; see `modules.py`), so that a reload takes three waves of requests: the
HTML, then all modules and styles at once, then the data, in parallel.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, make_response, render_template

from .. import paths
from .modules import module_paths

bp = Blueprint("spa", __name__)


def _views_of_the_ui() -> tuple[str, ...]:
    source = (paths.STATIC / "js" / "routes.js").read_text(encoding="utf-8")
    names = tuple(re.findall(r'^\s*\{\s*name:\s*"([a-z-]+)"', source, re.MULTILINE))
    if not names:
        raise RuntimeError("static/js/routes.js lists no views (`{ name: \"...\", ... }`)")
    return names


VIEWS = _views_of_the_ui()


def view_path(name: str) -> str:
    """The path of the view `name`, relative to the app's root (e.g. `/linked-accounts`)."""
    if name not in VIEWS:
        raise ValueError(f"{name!r} is not a view of static/js/routes.js")
    return "/" + name


@bp.get("/", endpoint="index")
def index() -> Response:
    return _shell()


def _shell() -> Response:
    response = make_response(
        render_template("spa.html", modules=module_paths("js/selfserve-account.js"))
    )
    # The shell is the same for everyone, but it must never be served from a
    # shared cache after sign-out changes what the page should show.
    response.headers["Cache-Control"] = "no-cache"
    return response


for _view in VIEWS:
    bp.add_url_rule(f"/{_view}", endpoint=_view.replace("-", "_"), view_func=_shell)
