"""The tenant's Authentication API endpoints and pages, one blueprint per concern."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.tenant.views import (
        authorize,
        discovery,
        login,
        logout,
        pages,
        second_factor,
        token,
        userinfo,
    )

    for module in (pages, discovery, authorize, login, second_factor, token, userinfo, logout):
        app.register_blueprint(module.bp)
