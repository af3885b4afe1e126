"""Mount the whole account service inside an existing Flask site, under a prefix.

    from app.extension import SelfServe

    def create_app():
        site = Flask(__name__)
        SelfServe(site, url_prefix="/account", env={...})   # or SelfServe().init_app(site, ...)
        return site

Contract: requests under `url_prefix` go to a complete BFF built by
`app.create_app(env)`, with `SCRIPT_NAME` set to the prefix, so every URL the BFF
makes (`url_for`, the SPA's base path, the sign-in callbacks) carries the prefix.
Everything else goes to the host site untouched. The BFF keeps its own
configuration, session store and error pages, so the host's own sessions and
handlers are not disturbed. In the host's templates, `selfserve_url("profile")`
gives the URL of a view. The tenant's application must list the callbacks
under the prefix (e.g. `https://www.example.com/account/callback`), and
`PUBLIC_URL` is the site's origin (see docs/embedding.md).
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from app.config import Settings


class SelfServe:
    """A Flask extension: `SelfServe(host_app, url_prefix="/account", env=...)`."""

    def __init__(
        self,
        host_app: Flask | None = None,
        *,
        url_prefix: str = "/account",
        env: Mapping[str, str] | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.url_prefix = url_prefix
        self.env = env
        self.settings = settings
        self.app: Flask | None = None  # the mounted BFF, once init_app has run
        if host_app is not None:
            self.init_app(host_app)

    def init_app(self, host_app: Flask) -> None:
        """Build the BFF and route `url_prefix` of `host_app` to it."""
        from app import create_app

        prefix = "/" + self.url_prefix.strip("/")
        if prefix == "/":
            raise ValueError(
                "SelfServe needs a url_prefix such as '/account'; to serve the account page at"
                " the root of a site, run app:create_app() itself."
            )
        self.url_prefix = prefix
        self.app = create_app(self.env, settings=self.settings)
        host_app.wsgi_app = DispatcherMiddleware(host_app.wsgi_app, {prefix: self.app})
        host_app.extensions["selfserve"] = self
        host_app.jinja_env.globals["selfserve_url"] = self.url

    def url(self, view: str = "") -> str:
        """The host-relative URL of a view of the account page (`""` is its start page)."""
        return f"{self.url_prefix}/{view.lstrip('/')}"
