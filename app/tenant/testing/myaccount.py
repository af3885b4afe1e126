"""Test hooks of the My Account side (testing=True only).

- `POST /__test__/myaccount/rate-limits`: `{"plan": "free"|"enterprise"}` or
  `{"tenant": {"limit", "window"}, "user": {"limit", "window"}}`; `{}` restores the
  configured limits. Every counter starts afresh.
- `POST /__test__/myaccount/factors`: `{"types": [...]}` enables only those factors
  (`GET /factors` lists them; starting another type's enrollment is refused);
  `{"types": null}` or a tenant reset enables all again.
- `POST /__test__/clients/<client_id>/api-access`: `{"client_grants": {api: [scopes]},
  "refresh_token_policies": {api: [scopes]}}` replaces a client's grants and policy;
  a tenant reset registers the demo clients again.
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request

from app.tenant import apis, clients
from app.tenant.db import get_db
from app.tenant.myaccount import methods, ratelimit

bp = Blueprint("myaccount_testing", __name__, url_prefix="/__test__")


def _bad(message: str):
    return jsonify(error="bad_request", message=message), 400


@bp.post("/myaccount/rate-limits")
def rate_limits():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _bad("send a JSON object")
    current = ratelimit.limits()
    plans = {"free": ratelimit.FREE_PLAN, "enterprise": ratelimit.ENTERPRISE_PLAN}
    if "plan" in body:
        if body["plan"] not in plans:
            return _bad("plan must be free or enterprise")
        current.configure(plans[body["plan"]])
        return jsonify(plans[body["plan"]])
    limits = dict(current.configured)
    for scope in ("tenant", "user"):
        spec = body.get(scope)
        if spec is None:
            continue
        if not isinstance(spec, dict):
            return _bad(f"{scope} must be an object")
        limit, window = spec.get("limit"), spec.get("window")
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            return _bad(f"{scope}.limit must be an integer >= 1")
        if (not isinstance(window, int | float) or isinstance(window, bool)
                or not 0 < window <= 3600):
            return _bad(f"{scope}.window must be 0 < seconds <= 3600")
        limits[scope] = (limit, float(window))
    current.configure(limits)
    return jsonify(limits)


@bp.post("/myaccount/factors")
def factors():
    body = request.get_json(silent=True)
    types = body.get("types", ...) if isinstance(body, dict) else ...
    known = {f["type"] for f in methods.FACTORS}
    if types is not None and (not isinstance(types, list) or not set(types) <= known):
        return _bad(f"types must be null or a list of: {', '.join(sorted(known))}")
    methods.enable_only(types)
    return jsonify(types=[f["type"] for f in methods.enabled_factors()])


@bp.post("/clients/<client_id>/api-access")
def api_access(client_id: str):
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or set(body) - {"client_grants", "refresh_token_policies"}:
        return _bad("give client_grants and/or refresh_token_policies")
    parsed = {}
    for name in ("client_grants", "refresh_token_policies"):
        value = body.get(name, {})
        if not isinstance(value, dict) or not all(
            apis.by_name(api) is not None and isinstance(scopes, list)
            and all(isinstance(s, str) for s in scopes) for api, scopes in value.items()
        ):
            return _bad(f"{name} must map API names to lists of scopes")
        parsed[name] = value
    client = clients.set_api_access(get_db(), client_id, parsed["client_grants"],
                                    parsed["refresh_token_policies"])
    if client is None:
        abort(404)
    return jsonify(client_grants=dict(client.client_grants),
                   refresh_token_policies=dict(client.refresh_token_policies))
