"""Which API call writes which activity log entry (`app.auth`'s activity log).

Contract: `records(action, details=...)` decorates a view (inside `login_required`,
outside `step_up_required`): after the view, exactly one entry is written for the
signed-in user, with outcome `ok` (a 2xx answer), `refused` (the step-up's
`reauthentication_required`), `unknown` (`write_outcome_unknown`: the change was sent,
the tenant's answer was lost) or `failed` (any other error, re-raised as it was).
`details(kwargs)` names what was acted on from the view's arguments and body: never a
value.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import request

from app.auth import record_activity
from app.web.problems import Problem

from .client import ManagementError
from .errors import problem_for

Details = Callable[[dict[str, Any]], dict[str, Any] | None]


def outcome_of(error: BaseException) -> str:
    if isinstance(error, ManagementError):
        error = problem_for(error)
    if isinstance(error, Problem):
        if error.code == "reauthentication_required":
            return "refused"
        if error.code == "write_outcome_unknown":
            return "unknown"
    return "failed"


def metadata_keys(_kwargs: dict[str, Any]) -> dict[str, Any] | None:
    """The keys a metadata change names (set or deleted), never their values."""
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        # Nesting deeper than the parser follows (`silent` covers only ValueError): the
        # view refuses such a body itself, and the entry names no keys.
        return None
    return {"keys": sorted(str(key) for key in body)[:100]} if isinstance(body, dict) else None


def records(action: str | Callable[[dict], str], details: Details | None = None
            ) -> Callable:
    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            named = details(kwargs) if details else None
            action_name = action(kwargs) if callable(action) else action
            try:
                response = view(*args, **kwargs)
            except Exception as error:
                record_activity(action_name, outcome_of(error), named)
                raise
            record_activity(action_name, "ok" if response.status_code < 400 else "failed", named)
            return response

        return wrapper

    return decorate
