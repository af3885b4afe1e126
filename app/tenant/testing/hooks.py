"""The `/__test__/` endpoints (JSON): reset, faults, token tweaks, minting, key rotation,
token lifetimes, back-channel deliveries, client URLs, stored users.

Contract: see `tests.support.tenant.TenantHooks`, one method per endpoint. A bad body
answers 400 `{"error": "bad_request", "message"}` and changes nothing.
- Client URLs: `POST /__test__/clients/<client_id>/urls` replaces some of a client's
  callbacks, logout URLs, web origins and back-channel logout URI (e.g. for a BFF served
  on another port); a reset registers the demo clients for the tenant's `bff_url` again.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify

from app.tenant import backchannel, clients, directory
from app.tenant.context import current_tenant
from app.tenant.db import get_db
from app.tenant.runtime import current_runtime
from app.tenant.testing import inputs
from app.tenant.testing.inputs import HookInputError
from app.tenant.testing.signing import sign_with
from app.tenant.testing.state import TOKEN_KINDS, test_state

bp = Blueprint("testing", __name__, url_prefix="/__test__")


@bp.errorhandler(HookInputError)
def _bad_input(error: HookInputError):
    return jsonify(error="bad_request", message=str(error)), 400


@bp.post("/reset")
def reset():
    from app.tenant import reset_tenant

    reset_tenant(current_app)
    return jsonify(status="reset")


@bp.post("/faults")
def add_fault():
    test_state().add_fault(inputs.parse_fault(inputs.json_body()))
    return jsonify(status="added"), 201


@bp.delete("/faults")
def clear_faults():
    test_state().clear_faults()
    return jsonify(status="cleared")


@bp.post("/tweak-tokens")
def tweak_tokens():
    body = inputs.json_body()
    count = inputs.times(body)
    tweaks = {kind: inputs.parse_tweak(body[kind], count, kind)
              for kind in TOKEN_KINDS if kind in body}
    if not tweaks:
        raise HookInputError("give id_token, access_token and/or logout_token")
    test_state().arm_tweaks(tweaks)
    return jsonify(status="armed", kinds=sorted(tweaks))


@bp.delete("/tweak-tokens")
def clear_tweaks():
    test_state().clear_tweaks()
    return jsonify(status="cleared")


@bp.post("/mint")
def mint():
    body = inputs.json_body()
    claims = inputs.optional(body, "claims", dict)
    if claims is None:
        raise HookInputError("claims must be an object")
    header = inputs.optional(body, "header", dict, {})
    sign = inputs.optional(body, "sign", str, "current")
    return jsonify(token=sign_with(sign, claims, header))


@bp.post("/rotate-keys")
def rotate_keys():
    return jsonify(kid=current_tenant().keys.rotate())


@bp.post("/settings")
def settings():
    runtime = current_runtime()
    try:
        runtime.settings.update(inputs.json_body())
    except ValueError as error:
        raise HookInputError(str(error)) from error
    return jsonify(vars(runtime.settings))


@bp.get("/backchannel-deliveries")
def backchannel_deliveries():
    """The logout tokens whose delivery is over (delivered, refused, or given up)."""
    return jsonify([delivery.to_json() for delivery in backchannel.outbox().deliveries()])


@bp.post("/clients/<client_id>/urls")
def client_urls(client_id: str):
    urls = inputs.parse_client_urls(inputs.json_body())
    client = clients.set_client_urls(get_db(), client_id, urls)
    if client is None:
        abort(404)
    return jsonify({name: getattr(client, name) for name in clients.URL_FIELDS})


@bp.get("/users/<path:user_id>")
def stored_user(user_id: str):
    user = directory.get_user(get_db(), user_id)
    if user is None:
        abort(404)
    return jsonify(user)
