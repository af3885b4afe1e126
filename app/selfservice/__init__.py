"""The self-service JSON API (`/api/`) and its Management API client.

`init_app(app)` builds one `ManagementClient` (`app.extensions["selfserve.management"]`)
and its view of the store `app.auth` shares between workers
(`app.extensions["selfserve.api_store"]`), checks the optional metadata schema, and
registers the blueprint `api` under `/api`. Call it after `app.auth.init_app`.
"""

from __future__ import annotations

from flask import Flask

from app.config import ConfigError


def init_app(app: Flask) -> None:
    """Register the JSON API on `app`."""
    from app.auth import read_with_session, shared_store
    from app.config import get_settings

    from . import metadata
    from .client import ManagementClient
    from .my_account_client import MyAccountClient
    from .profile import ProfileCache
    from .store import KeyValueStore
    from .views import bp

    settings = get_settings(app)
    schema = None
    if settings.metadata_schema_path:
        try:
            schema = metadata.load_schema(settings.metadata_schema_path)
        except ValueError as exc:
            raise ConfigError(str(exc)) from exc
    # Loaded and checked once: a file changed or gone later does not break requests.
    app.extensions["selfserve.metadata_schema"] = schema
    app.extensions["selfserve.management"] = ManagementClient(
        settings.tenant_url, timeout=settings.http_timeout
    )
    app.extensions["selfserve.my_account"] = MyAccountClient(
        settings.tenant_url, timeout=settings.http_timeout
    )
    # The store app.auth opened for sessions (SQLite or Redis, per SESSION_TYPE).
    app.extensions["selfserve.api_store"] = KeyValueStore(shared_store(app))
    # A cached profile read costs no round trip beyond the session's: its keys come with
    # the grant.
    read_with_session(app, ProfileCache.keys_for)
    app.register_blueprint(bp, url_prefix="/api")
