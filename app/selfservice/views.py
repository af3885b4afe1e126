"""The JSON API under /api/ (blueprint `api`): thin views over the Management API client.

Every view needs a session (`login_required`: 401 problem+json, never a redirect) and
the scope of its feature (403 `feature_unavailable`). User ids never come from the
request: paths name only the signed-in user's own resources. Responses are
`Cache-Control: no-store`; errors are problem+json with the codes of
`errors.PROBLEM_CODES`, all described in `/api/openapi.json`.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, url_for

from app import get_settings
from app.auth.session import (
    clear_pending_link,
    current_user,
    login_problem,
    login_required,
    pending_link,
)
from app.web.problems import Problem, problem_response
from app.web.security import no_store

from . import linking, metadata
from .client import Caller, ManagementClient, ManagementError, TenantError
from .device_keys import DeviceRegistry, parse_registration
from .errors import feature_unavailable, problem_for
from .features import missing_scopes
from .openapi import build_openapi
from .profile import (
    ProfileCache,
    identity_body,
    main_identity,
    metadata_etag,
    profile_body,
    profile_etag,
)
from .store import KeyValueStore, LockTimeout, user_key

bp = Blueprint("api", __name__)

MULTIFACTOR_PROVIDERS = ("duo", "google-authenticator")
ENROLLMENT_FIELDS = ("id", "status", "type", "name", "identifier", "phone_number",
                     "auth_method", "enrolled_at", "last_auth")


# --- what every view shares -------------------------------------------------------------

def _client() -> ManagementClient:
    return current_app.extensions["selfserve.management"]


def _store() -> KeyValueStore:
    return current_app.extensions["selfserve.api_store"]


def _metadata_lock(caller: Caller) -> AbstractContextManager[None]:
    """One metadata change at a time per user, held through a read and a write."""
    return _store().lock(user_key("metadata", caller.user_id), ttl=2 * _client().longest_call + 5)


def _profiles() -> ProfileCache:
    return ProfileCache(_store())


def _caller(*features: str) -> Caller:
    """The signed-in user as a Management API caller, once each feature's scopes are held."""
    user = current_user()
    if user is None:  # login_required ran first; this guards a view that forgot it
        raise login_problem(silent=False)
    for feature in features:
        missing = missing_scopes(feature, user.scopes)
        if missing:
            raise feature_unavailable(feature, missing)
    return Caller(user.user_id, user.access_token)


def _session_id() -> str:
    user = current_user()
    assert user is not None
    return user.session_id


def _json_body() -> Any:
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        # Nesting deeper than the parser can follow: `silent` covers only ValueError.
        body = None
    if body is None:
        raise Problem(400, "invalid_request", "Send a JSON body with Content-Type:"
                      " application/json.", errors=[{"path": "", "message": "Not JSON."}])
    return body


def _invalid(errors: list[dict[str, str]], code: str = "invalid_request",
             status: int = 400) -> Problem:
    first = errors[0]["message"] if errors else "Invalid input."
    return Problem(status, code, f"{first} ({len(errors)} problem(s) in total.)"
                   if len(errors) > 1 else first, errors=errors)


@bp.errorhandler(ManagementError)
def _management_error(error: ManagementError) -> Response:
    return problem_response(problem_for(error))


@bp.errorhandler(LockTimeout)
def _busy(_error: LockTimeout) -> Response:
    return problem_response(Problem(
        503, "busy", "Another change to your account is still in progress. Try again in a"
        " moment.", retry_after=1).with_headers(Retry_After="1"))


bp.after_request(no_store)


# --- the document -----------------------------------------------------------------------

@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(build_openapi(request.script_root))


# --- profile ----------------------------------------------------------------------------

@bp.get("/me")
@login_required
def me() -> Response:
    caller = _caller("profile")
    user = _profiles().load(_client(), caller, _session_id())
    body = profile_body(user)
    tag = profile_etag(body)
    if request.if_none_match.contains(tag):
        response = Response(status=304)
    else:
        response = jsonify(body)
    response.set_etag(tag)
    return response


# --- metadata ---------------------------------------------------------------------------

def _editable_schema() -> dict[str, Any] | None:
    path = get_settings().metadata_schema_path
    return metadata.load_schema(path) if path else None


@bp.get("/me/metadata")
@login_required
def get_metadata() -> Response:
    caller = _caller("profile")
    user = _profiles().load(_client(), caller, _session_id())
    user_metadata = user.get("user_metadata") or {}
    response = jsonify({"user_metadata": user_metadata, "schema": _editable_schema(),
                        "limits": metadata.limits()})
    response.set_etag(metadata_etag(user_metadata))
    return response


@bp.patch("/me/metadata")
@login_required
def patch_metadata() -> Response:
    caller = _caller("metadata")
    changes = _json_body()
    if_match = request.if_match
    if request.headers.get("If-Match") and not if_match and not if_match.star_tag:
        raise Problem(412, "precondition_failed", "If-Match must be an entity tag from"
                      " GET /api/me/metadata or GET /api/me, e.g. \"m-...\".")
    client, profiles = _client(), _profiles()
    # One change at a time per user, so that the If-Match check and the write are not
    # interleaved with another tab's (Auth0 itself has no conditional write).
    with _metadata_lock(caller):
        user = profiles.fresh(client, caller, _session_id())
        current = user.get("user_metadata") or {}
        current_tag = metadata_etag(current)
        if request.headers.get("If-Match") and not (
            if_match.star_tag
            or if_match.contains(current_tag)
            or if_match.contains(profile_etag(profile_body(user)))
        ):
            raise Problem(
                409, "conflict",
                "Your preferences were changed elsewhere since you loaded them. Review the"
                " current values and apply your change again.",
                current=current, etag=current_tag,
            ).with_headers(ETag=f'"{current_tag}"')
        errors = metadata.validate_changes(changes, current, _editable_schema())
        if errors:
            raise _invalid(errors, code="invalid_metadata", status=422)
        if changes:
            try:
                user = client.update_user_metadata(caller, changes)
            except TenantError as error:
                if error.status == 400:
                    raise _invalid([{"path": "", "message": error.tenant_message}],
                                   code="invalid_metadata", status=422) from error
                raise
            finally:
                profiles.invalidate(caller.user_id)
    user_metadata = user.get("user_metadata") or {}
    tag = metadata_etag(user_metadata)
    response = jsonify({"user_metadata": user_metadata, "etag": tag})
    response.set_etag(tag)
    return response


# --- identities -------------------------------------------------------------------------

def _identities_body(user: dict[str, Any], can_link: bool) -> dict[str, Any]:
    identities = user.get("identities") or []
    main = main_identity(user) or {}
    linked = {identity.get("connection") for identity in identities}
    return {
        "identities": [identity_body(i) for i in identities],
        "main": {"provider": main.get("provider"), "user_id": str(main.get("user_id"))},
        "connections": [
            {
                "name": c.name,
                "strategy": c.strategy,
                "linked": c.name in linked,
                "linkable": can_link and c.name not in linked,
                "link_url": url_for("auth.link", connection=c.name),
            }
            for c in linking.connections(get_settings().link_connections)
        ],
    }


@bp.get("/me/identities")
@login_required
def get_identities() -> Response:
    caller = _caller("profile")
    user = _profiles().load(_client(), caller, _session_id())
    can_link = not missing_scopes("identities", current_user().scopes)
    return jsonify(_identities_body(user, can_link))


@bp.delete("/me/identities/<provider>/<identity_user_id>")
@login_required
def unlink_identity(provider: str, identity_user_id: str) -> Response:
    caller = _caller("identities", "profile")
    client, profiles = _client(), _profiles()
    user = profiles.fresh(client, caller, _session_id())
    main = main_identity(user) or {}
    if (main.get("provider"), str(main.get("user_id"))) == (provider, identity_user_id):
        raise Problem(400, "main_identity", "This is the identity your account was created"
                      " with; it cannot be unlinked. Unlink the other identities instead.")
    known = {(i.get("provider"), str(i.get("user_id"))) for i in user.get("identities") or []}
    if (provider, identity_user_id) not in known:
        raise Problem(404, "identity_not_found", "No identity with this provider and id is"
                      " linked to your account.")
    try:
        remaining = client.unlink_identity(caller, provider, identity_user_id)
    finally:
        profiles.invalidate(caller.user_id)
    return jsonify({
        "identities": [identity_body(i) for i in remaining],
        "detail": "Unlinked. That sign-in is a separate account again, with its own empty"
        " profile; your preferences stay with this account.",
    })


# --- pending link -----------------------------------------------------------------------

def _pending() -> linking.PendingLink:
    pending = pending_link()
    if pending is not None and linking.is_expired(pending):
        clear_pending_link()
        pending = None
    if pending is None:
        raise Problem(404, "no_pending_link", "No account is waiting to be linked. Start"
                      " again from Linked accounts.")
    return pending


@bp.get("/me/link")
@login_required
def get_pending_link() -> Response:
    _caller("identities")
    pending = _pending()
    return jsonify(linking.preview(_client(), pending, current_user().claims.get("email")))


@bp.post("/me/link")
@login_required
def confirm_link() -> tuple[Response, int]:
    caller = _caller("identities", "profile")
    body = _json_body()
    if not isinstance(body, dict) or set(body) - {"copy_metadata"} or not isinstance(
        body.get("copy_metadata", False), bool
    ):
        raise _invalid([{"path": "/copy_metadata", "message":
                         'Send {"copy_metadata": true} or {"copy_metadata": false}.'}])
    pending = _pending()
    client, profiles = _client(), _profiles()
    copied: list[str] = []
    skipped: list[str] = []
    if body.get("copy_metadata"):
        _caller("metadata")
        secondary_metadata = linking.read_secondary_metadata(client, pending)
        if secondary_metadata is None:
            raise Problem(409, "metadata_unreadable", "The other account's preferences"
                          " cannot be read, so they cannot be copied. Link without copying,"
                          " or cancel.")
        with _metadata_lock(caller):
            primary = profiles.fresh(client, caller, _session_id())
            current = primary.get("user_metadata") or {}
            patch, copied, skipped = linking.copy_plan(current, secondary_metadata)
            errors = metadata.validate_changes(patch, current, None)
            if errors:
                raise _invalid(errors, code="invalid_metadata", status=422)
            if patch:
                # Copy before linking: if the link then fails, nothing is lost.
                try:
                    client.update_user_metadata(caller, patch)
                finally:
                    profiles.invalidate(caller.user_id)
    try:
        identities = linking.link(client, caller, pending)
    except TenantError as error:
        kept = " The copied preferences stay on your account." if copied else ""
        if error.status == 409:
            raise Problem(409, "identity_exists", "That sign-in is already linked to an"
                          " account." + kept, copied_keys=copied) from error
        if error.status == 400:
            raise Problem(400, "link_rejected", "The account service refused to link the"
                          f" other account: {error.tenant_message}{kept}",
                          tenant_message=error.tenant_message, copied_keys=copied) from error
        raise
    finally:
        profiles.invalidate(caller.user_id)
    clear_pending_link()
    return jsonify({"identities": [identity_body(i) for i in identities],
                    "copied_keys": copied, "skipped_keys": skipped}), 201


@bp.delete("/me/link")
@login_required
def cancel_link() -> Response:
    clear_pending_link()
    return Response(status=204)


# --- multi-factor -----------------------------------------------------------------------

@bp.get("/me/enrollments")
@login_required
def get_enrollments() -> Response:
    caller = _caller("mfa")
    enrollments = _client().get_enrollments(caller)
    return jsonify({"enrollments": [
        {key: e[key] for key in ENROLLMENT_FIELDS if key in e} for e in enrollments
    ]})


@bp.delete("/me/multifactor/<provider>")
@login_required
def delete_multifactor(provider: str) -> Response:
    caller = _caller("mfa")
    if provider not in MULTIFACTOR_PROVIDERS:
        raise Problem(400, "unknown_provider", f"Unknown multi-factor provider {provider!r};"
                      f" use one of: {', '.join(MULTIFACTOR_PROVIDERS)}.")
    try:
        _client().delete_multifactor(caller, provider)
    finally:
        _profiles().invalidate(caller.user_id)
    return Response(status=204)


# --- device keys ------------------------------------------------------------------------

@bp.get("/me/device-credentials")
@login_required
def list_device_credentials() -> Response:
    caller = _caller("devices")
    return jsonify({"device_credentials": DeviceRegistry(_store(), caller.user_id).list()})


@bp.post("/me/device-credentials")
@login_required
def create_device_credential() -> tuple[Response, int]:
    caller = _caller("devices")
    fields, errors = parse_registration(_json_body())
    if errors:
        raise _invalid(errors)
    with DeviceRegistry(_store(), caller.user_id).locked(_client().longest_call + 5) as registry:
        if registry.find_device(fields["device_id"]):
            raise Problem(409, "device_exists", "A key for this device is already registered."
                          " Revoke it first to register a new one.")
        try:
            created = _client().create_device_credential(caller, {
                **fields, "type": "public_key", "client_id": get_settings().client_id})
        except TenantError as error:
            if error.status == 409:
                # Not in our registry: most likely an earlier attempt whose answer was lost.
                raise Problem(409, "device_exists", "The account service already has a key"
                              " for this device, perhaps from an earlier attempt whose answer"
                              " was lost. Register it under another device id.") from error
            raise
        record = registry.add(str(created["id"]), fields["device_name"], fields["device_id"])
    return jsonify(record), 201


@bp.delete("/me/device-credentials/<credential_id>")
@login_required
def delete_device_credential(credential_id: str) -> Response:
    caller = _caller("devices")
    with DeviceRegistry(_store(), caller.user_id).locked(_client().longest_call + 5) as registry:
        if registry.find(credential_id) is None:
            raise Problem(404, "device_not_found", "This app registered no device key with"
                          " that id for you.")
        try:
            _client().delete_device_credential(caller, credential_id)
        except TenantError as error:
            if error.status != 404:
                raise
            # Already gone at the tenant: forget it here too.
        registry.remove(credential_id)
    return Response(status=204)
