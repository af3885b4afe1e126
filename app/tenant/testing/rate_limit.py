"""Test hook of the Management API: `POST /__test__/rate-limit {"limit": N, "window": s}`.

Contract: registered only on a tenant built with testing=True; sets the per-token
limit and window (seconds) and starts every counter afresh; a member left out keeps
the configured value (so `{}` restores the configuration).
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from app.tenant.management.ratelimit import limiter

bp = Blueprint("management_testing", __name__, url_prefix="/__test__")


@bp.post("/rate-limit")
def set_rate_limit():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(error="bad_request", message="send a JSON object"), 400
    configured_limit, configured_window = limiter().configured
    limit = body.get("limit", configured_limit)
    window = body.get("window", configured_window)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        return jsonify(error="bad_request", message="limit must be an integer >= 1"), 400
    if not isinstance(window, int | float) or isinstance(window, bool) or not 0 < window <= 3600:
        return jsonify(error="bad_request", message="window must be 0 < seconds <= 3600"), 400
    limiter().configure(limit, float(window))
    return jsonify(limit=limit, window=window)
