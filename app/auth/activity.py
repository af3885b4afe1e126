"""The activity log: an append-only record, per user, of what was done to the account
on this account page.

Contract:
- `record(store, settings, user_id, action, outcome, *, client, details=None, at=None)`:
  one entry `{"action", "outcome", "browser", "os", "ip", "details"}` in the user's
  capped log (`Store.log_append`): at most `MAX_ENTRIES` per user, none older than
  `ACTIVITY_RETENTION_DAYS`. `details` name what was acted on (metadata keys, a
  provider), never a value, a token or a secret.
- `read(store, user_id, *, before, limit) -> (entries, next_before)`: newest first, each
  with its time `at`; `next_before` is the cursor of the next page (None at the end).
- `record_now(action, outcome, details=None, user_id=None)`: the same for the current
  request's user, browser and network.
- `ACTIONS` and `OUTCOMES`: the values an entry may hold (`ok`, `failed`, `refused`: a
  sensitive change without a recent sign-in, `unknown`: the tenant's answer was lost).
"""

from __future__ import annotations

import time
from typing import Any

from ..config import Settings
from .client_info import ClientInfo
from .store import Store, user_key

MAX_ENTRIES = 500
ACTIONS = (
    "signed_in", "signed_out", "reauthenticated", "metadata_saved", "identity_linked",
    "identity_unlinked", "mfa_removed", "device_key_registered", "device_key_revoked",
    "session_ended", "other_sessions_ended", "sign_in_method_removed",
    "sign_in_method_renamed", "sign_in_method_added", "password_changed",
)
OUTCOMES = ("ok", "failed", "refused", "unknown")


def _key(user_id: str) -> str:
    return user_key("activity", user_id)


def record(store: Store, settings: Settings, user_id: str, action: str, outcome: str, *,
           client: ClientInfo, details: dict[str, Any] | None = None,
           at: float | None = None) -> None:
    if action not in ACTIONS or outcome not in OUTCOMES:
        raise ValueError(f"not an activity: {action!r} / {outcome!r}")
    entry = {"action": action, "outcome": outcome, "browser": client.browser,
             "os": client.os, "ip": client.ip}
    if details:
        entry["details"] = details
    store.log_append(_key(user_id), entry, at=time.time() if at is None else at,
                     cap=MAX_ENTRIES, max_age=settings.activity_retention_days * 86400)


def read(store: Store, user_id: str, *, before: float | None,
         limit: int) -> tuple[list[dict[str, Any]], float | None]:
    found = store.log_read(_key(user_id), before=before, limit=limit + 1)
    page = [{"at": at, **entry} for at, entry in found[:limit] if isinstance(entry, dict)]
    next_before = page[-1]["at"] if len(found) > limit and page else None
    return page, next_before


def record_now(action: str, outcome: str, details: dict[str, Any] | None = None,
               user_id: str | None = None) -> None:
    """Record for this request's signed-in user (or `user_id`), browser and network."""
    from .client_info import of_request
    from .services import services
    from .session import signed_in_sub

    user_id = user_id or signed_in_sub()
    if user_id is None:
        return
    auth = services()
    record(auth.store, auth.settings, user_id, action, outcome, client=of_request(),
           details=details)


def read_for(user_id: str, *, before: float | None,
             limit: int) -> tuple[list[dict[str, Any]], float | None]:
    """`read` on this app's store."""
    from .services import services

    return read(services().store, user_id, before=before, limit=limit)
