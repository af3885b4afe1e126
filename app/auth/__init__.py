"""The OAuth side of the BFF: sign-in, token validation, sessions, logout, account linking.

`init_app(app)` sets up server-side sessions, the tenant client and token validator,
and registers the `auth` blueprint. What other packages use is in `session.py`.
"""

from flask import Flask

from .sessions_index import SignedInSession, UserSessions
from .sessions_index import of_current_user as sessions_of_current_user
from .step_up import require_recent_sign_in, step_up_required

__all__ = [
    "SignedInSession",
    "UserSessions",
    "init_app",
    "require_recent_sign_in",
    "sessions_of_current_user",
    "step_up_required",
]


def init_app(app: Flask) -> None:
    """Register this package's blueprints, hooks and extensions on `app`."""
    from .. import get_settings
    from . import services, session_store, views

    settings = get_settings(app)
    store = session_store.init_app(app, settings)
    services.build(app, settings, store)
    app.register_blueprint(views.bp)
