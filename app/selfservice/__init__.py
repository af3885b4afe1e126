"""Placeholder: the owner of app/selfservice/ replaces this with the package's init_app."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register this package's blueprints, hooks and extensions on `app`."""
