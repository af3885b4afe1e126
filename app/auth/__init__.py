"""The OAuth side of the BFF: sign-in, token validation, sessions, logout, account linking.

`init_app(app)` sets up server-side sessions, the tenant client and token validator,
and registers the `auth` blueprint. What other packages use is in `session.py`.
"""

from flask import Flask

from .activity import ACTIONS as ACTIVITY_ACTIONS
from .activity import OUTCOMES as ACTIVITY_OUTCOMES
from .activity import read_for as read_activity
from .activity import record_now as record_activity
from .sessions_index import SignedInSession, UserSessions
from .sessions_index import of_current_user as sessions_of_current_user
from .step_up import require_recent_sign_in, step_up_required

__all__ = [
    "ACTIVITY_ACTIONS",
    "ACTIVITY_OUTCOMES",
    "SignedInSession",
    "UserSessions",
    "init_app",
    "read_activity",
    "record_activity",
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
