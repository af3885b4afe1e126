"""Health endpoints for process managers and load balancers.

Contract:
- `GET /healthz`: 200 `{"status": "ok"}` whenever the process serves requests (liveness).
- `GET /readyz`: 200 `{"status": "ready"}` when this worker can use the shared store
  (SQLite or Redis: `Store.ping`, a write, read and delete round trip); otherwise 503
  `{"status": "unavailable", "failed": ["session_store"]}`. The cause is logged (one
  line), never returned. The tenant is deliberately not checked: a tenant outage is
  shown to users by the pages that need it; taking every worker out of rotation would
  not help.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz() -> Response:
    return _uncached(jsonify(status="ok"))


@bp.get("/readyz")
def readyz() -> Response:
    from ..auth.services import services
    from ..auth.store import StoreUnavailable

    try:
        services().store.ping()
        usable = True
    except StoreUnavailable as error:
        # One line, no traceback: a load balancer asks every few seconds.
        log.warning("readiness: the shared store is not usable: %s", error)
        usable = False
    if usable:
        return _uncached(jsonify(status="ready"))
    response = jsonify(status="unavailable", failed=["session_store"])
    response.status_code = 503
    return _uncached(response)


def _uncached(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response
