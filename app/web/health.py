"""Health endpoints for process managers and load balancers.

Contract:
- `GET /healthz`: 200 `{"status": "ok"}` whenever the process serves requests (liveness).
- `GET /readyz`: 200 `{"status": "ready"}` when every readiness check passes, otherwise
  503 `{"status": "unavailable", "failed": [names]}`. The packages above register their
  checks with `add_readiness_check(app, name, check)`; `check()` returns None when
  ready, else why not (`app.auth` registers `session_store`: `Store.ping`, a write, read
  and delete round trip on SQLite or Redis). The cause is logged (one line), never
  returned. The tenant is deliberately not checked: a tenant outage is
  shown to users by the pages that need it; taking every worker out of rotation would
  not help.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Blueprint, Flask, Response, current_app, jsonify

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)
_CHECKS = "selfserve.readiness_checks"


@bp.get("/healthz")
def healthz() -> Response:
    return _uncached(jsonify(status="ok"))


def add_readiness_check(app: Flask, name: str, check: Callable[[], str | None]) -> None:
    """Make `/readyz` also ask `check()`: None when ready, else the reason (logged)."""
    app.extensions.setdefault(_CHECKS, {})[name] = check


@bp.get("/readyz")
def readyz() -> Response:
    failed = []
    for name, check in current_app.extensions.get(_CHECKS, {}).items():
        reason = check()
        if reason is not None:
            # One line, no traceback: a load balancer asks every few seconds.
            log.warning("readiness: %s is not usable: %s", name, reason)
            failed.append(name)
    if not failed:
        return _uncached(jsonify(status="ready"))
    response = jsonify(status="unavailable", failed=failed)
    response.status_code = 503
    return _uncached(response)


def _uncached(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response
