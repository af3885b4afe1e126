"""The OAuth side of the BFF: sign-in, token validation, sessions, logout, account linking.

`init_app(app)` opens the store, builds the tenant client and token validator, and
registers the `auth` blueprint. The names below are this package's public API: the
account API (`app.selfservice`) imports these and nothing else of it (an
import-linter contract in pyproject.toml holds that in CI).
"""

from flask import Flask

from ..config import MY_ACCOUNT_SCOPES
from .activity import ACTIONS as ACTIVITY_ACTIONS
from .activity import OUTCOMES as ACTIVITY_OUTCOMES
from .activity import read_for as read_activity
from .activity import record_now as record_activity
from .features import FEATURE_LABELS, FEATURES, features_for, missing_scopes
from .my_account import MyAccountAccess, my_account_access
from .services import shared_store
from .session import (
    PendingLink,
    SignedInUser,
    clear_pending_link,
    current_user,
    discard_prefetched,
    login_problem,
    login_required,
    pending_link,
    read_with_session,
    take_prefetched,
)
from .sessions_index import SignedInSession, UserSessions
from .sessions_index import of_current_user as sessions_of_current_user
from .step_up import require_recent_sign_in, step_up_required
from .store import LockTimeout, Store, StoreUnavailable, lock, session_key, user_key
from .tokens import unverified_segment

__all__ = [
    "ACTIVITY_ACTIONS",
    "ACTIVITY_OUTCOMES",
    "FEATURES",
    "FEATURE_LABELS",
    "LockTimeout",
    "MY_ACCOUNT_SCOPES",
    "MyAccountAccess",
    "PendingLink",
    "SignedInSession",
    "SignedInUser",
    "Store",
    "StoreUnavailable",
    "UserSessions",
    "clear_pending_link",
    "current_user",
    "discard_prefetched",
    "features_for",
    "init_app",
    "lock",
    "login_problem",
    "login_required",
    "missing_scopes",
    "my_account_access",
    "pending_link",
    "read_activity",
    "read_with_session",
    "record_activity",
    "require_recent_sign_in",
    "session_key",
    "sessions_of_current_user",
    "shared_store",
    "step_up_required",
    "take_prefetched",
    "unverified_segment",
    "user_key",
]


def init_app(app: Flask) -> None:
    """Register this package's blueprints, hooks and extensions on `app`."""
    from ..config import get_settings
    from ..web.health import add_readiness_check
    from . import services, session_store, views

    settings = get_settings(app)
    store = session_store.init_app(app, settings)
    services.build(app, settings, store)
    add_readiness_check(app, "session_store", _store_readiness(store))
    app.register_blueprint(views.bp)


def _store_readiness(store: Store):
    def check() -> str | None:
        try:
            store.ping()
        except StoreUnavailable as error:
            return str(error)
        return None

    return check
