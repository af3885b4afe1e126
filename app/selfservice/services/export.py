""""Download my data": one JSON document of everything the account page can read about
the user.

Contract: `export(account, sessions, activity, with_enrollments)` is a `DataExport`:
the profile (with `user_metadata`, `app_metadata` and identities, as `GET /api/me`
shows it), the MFA enrollments (None when the session lacks the `mfa` feature), the
device keys this app registered, the signed-in sessions and the whole activity log.
Everything comes through the response models, which name their fields: a token, a
secret or another user's data has no field to be in.
"""

from __future__ import annotations

import time
from typing import Any

from app.auth import UserSessions

from ..safety_models import DataExport
from . import activity as activity_log
from .account import Account
from .devices import list_keys
from .mfa import enrollments
from .profile import profile
from .sessions import iso, listing

#: The whole activity log (app.auth keeps at most this many entries per user).
ACTIVITY_LIMIT = 500


def export(account: Account, sessions: UserSessions,
           activity: tuple[list[dict[str, Any]], float | None],
           with_enrollments: bool) -> DataExport:
    return DataExport(
        exported_at=iso(time.time()),
        profile=profile(account)[0],
        enrollments=enrollments(account).enrollments if with_enrollments else None,
        device_credentials=list_keys(account).device_credentials,
        sessions=listing(sessions).sessions,
        activity=activity_log.page(*activity).entries,
    )
