"""selfserve: the backend-for-frontend behind a self-service Auth0 account page.

`create_app()` is the WSGI entry point (`gunicorn 'app:create_app()'`,
`flask --app app run`). It never imports `app.tenant`, the local tenant.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask

from . import paths
from .config import Settings, load_settings

#: Bytes a request body may have. The largest legitimate bodies are a form_post
#: callback (two tokens) and a 10 KB metadata edit written with JSON escapes; without
#: a limit any signed-in user could make a worker read gigabytes into memory.
MAX_REQUEST_BYTES = 64 * 1024


def create_app(env: Mapping[str, str] | None = None, *, settings: Settings | None = None) -> Flask:
    """Build the BFF. `env` overrides the process environment; `settings` skips reading it.

    Raises `app.config.ConfigError` on a missing or bad configuration value.
    """
    settings = settings or load_settings(env)
    app = Flask(
        __name__,
        template_folder=str(paths.TEMPLATES),
        static_folder=str(paths.STATIC),
        static_url_path="/static",
    )
    app.config.update(
        SECRET_KEY=settings.secret_key, JSON_SORT_KEYS=False, MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES
    )
    app.extensions["selfserve.settings"] = settings

    from . import auth, selfservice, web

    web.init_app(app)
    auth.init_app(app)
    selfservice.init_app(app)
    return app
