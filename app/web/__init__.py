"""What every response of the BFF shares: errors, security headers, CSRF, the SPA, embedding."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register this package's blueprints, hooks and extensions on `app`."""
    from ..config import get_settings
    from . import csrf, problems, security

    problems.init_app(app)
    security.init_app(app, get_settings(app))
    csrf.init_app(app)

    from . import embed, health, spa  # the account UI shell and embedding (CORS, iframe page)

    app.register_blueprint(spa.bp)
    app.register_blueprint(health.bp)  # /healthz, /readyz
    embed.init_app(app)
