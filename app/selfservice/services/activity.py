"""The user's activity log, a page at a time.

Contract: `page(entries, next_before) -> ActivityPage` shapes what `app.auth`'s
`read_activity` returned; `query(args) -> (before, limit)` reads `?before=&limit=`
(400 `invalid_request` naming the parameter: `before` a positive number, `limit`
1 to `MAX_LIMIT`, default `DEFAULT_LIMIT`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from app.web.problems import Problem

from ..safety_models import ActivityEntry, ActivityPage
from .sessions import iso

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


def _bad(name: str, message: str) -> Problem:
    return Problem(400, "invalid_request", message,
                   errors=[{"path": f"/{name}", "message": message}])


def query(args: Mapping[str, str]) -> tuple[float | None, int]:
    before: float | None = None
    if args.get("before"):
        try:
            before = float(args["before"])
        except ValueError:
            raise _bad("before", "`before` is the `next_before` of a previous page.") from None
        if not math.isfinite(before) or before <= 0:
            raise _bad("before", "`before` is the `next_before` of a previous page.")
    raw_limit = args.get("limit") or str(DEFAULT_LIMIT)
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_LIMIT:
        raise _bad("limit", f"`limit` is a whole number from 1 to {MAX_LIMIT}.")
    return before, int(raw_limit)


def page(entries: list[dict[str, Any]], next_before: float | None) -> ActivityPage:
    return ActivityPage(
        entries=[ActivityEntry(at=iso(e["at"]), cursor=e["at"], action=e["action"],
                               outcome=e["outcome"], browser=e.get("browser", "Unknown"),
                               os=e.get("os", "Unknown"), ip=e.get("ip", ""),
                               details=e.get("details"))
                 for e in entries],
        next_before=next_before,
    )
