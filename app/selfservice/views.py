"""The JSON API under /api/ (blueprint `api`): thin views over `app.selfservice.services`.

Every view needs a session (`login_required`: 401 problem+json, never a redirect) and
the scope of its feature (403 `feature_unavailable`). A view parses its input with a
model of `app.selfservice.models`, calls one service function and sends the model the
service answers with. User ids never come from the request: paths name only the
signed-in user's own resources. Responses are `Cache-Control: no-store`; errors are
problem+json with the codes of `app.web.problem_codes`, all described in
`/api/openapi.json`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from pydantic import BaseModel

from app import auth
from app.auth import (
    UserSessions,
    missing_scopes,
    read_activity,
    sessions_of_current_user,
    step_up_required,
)
from app.config import get_settings
from app.web.problems import Problem, problem_response
from app.web.security import no_store

from .activity import metadata_keys, records
from .client import Caller, ManagementError
from .errors import feature_unavailable, problem_for
from .linking import PendingLink
from .models import DeviceRegistration, LinkRequest, MetadataChanges, dump, parse
from .openapi import build_openapi
from .services import activity as activity_log
from .services import devices, linking, metadata, mfa, profile, sign_in_methods
from .services import export as data_export
from .services import sessions as signed_in_sessions
from .services.account import Account
from .services.metadata import Precondition
from .sign_in_models import EnrollmentProof, EnrollmentRequest, MethodRename
from .store import LockTimeout

bp = Blueprint("api", __name__)


# --- what every view shares -------------------------------------------------------------

def _signed_in(*features: str) -> auth.SignedInUser:
    """The signed-in user, once each feature's scopes are held (403 otherwise)."""
    user = auth.current_user()
    if user is None:  # login_required ran first; this guards a view that forgot it
        raise auth.login_problem(silent=False)
    for feature in features:
        missing = missing_scopes(feature, user.scopes)
        if missing:
            raise feature_unavailable(feature, missing)
    return user


def _account(*features: str) -> Account:
    """The signed-in user as the services take it, once each feature's scopes are held."""
    user = _signed_in(*features)
    return Account(
        caller=Caller(user.user_id, user.access_token),
        session_id=user.session_id,
        client=current_app.extensions["selfserve.management"],
        store=current_app.extensions["selfserve.api_store"],
        metadata_schema=current_app.extensions["selfserve.metadata_schema"],
    )


class _SessionPendingLinks:
    """The pending link of this session, as `services.linking.PendingLinks`."""

    def current(self) -> PendingLink | None:
        return auth.pending_link()

    def clear(self) -> None:
        auth.clear_pending_link()


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


def _precondition() -> Precondition:
    if_match = request.if_match
    return Precondition(sent=bool(request.headers.get("If-Match")),
                        well_formed=bool(if_match), any_version=if_match.star_tag,
                        tags=frozenset(if_match.as_set()))


def _answer(model: BaseModel, status: int = 200, etag: str | None = None) -> Response:
    response = jsonify(dump(model))
    response.status_code = status
    if etag is not None:
        response.set_etag(etag)
    return response


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


# --- profile and metadata ---------------------------------------------------------------

@bp.get("/me")
@auth.login_required
def me() -> Response:
    answer, tag = profile.profile(_account("profile"))
    if request.if_none_match.contains(tag):
        response = Response(status=304)
        response.set_etag(tag)
        return response
    return _answer(answer, etag=tag)


@bp.get("/me/metadata")
@auth.login_required
def get_metadata() -> Response:
    answer, tag = metadata.read(_account("profile"))
    return _answer(answer, etag=tag)


@bp.patch("/me/metadata")
@auth.login_required
@records("metadata_saved", metadata_keys)
def patch_metadata() -> Response:
    account = _account("metadata")
    changes = parse(MetadataChanges, _json_body(), code="invalid_metadata", status=422)
    answer, tag = metadata.change(account, changes.root, _precondition())
    return _answer(answer, etag=tag)


# --- identities and linking -------------------------------------------------------------

@bp.get("/me/identities")
@auth.login_required
def get_identities() -> Response:
    account = _account("profile")
    can_link = not missing_scopes("identities", _signed_in().scopes)
    return _answer(linking.identities(
        account, can_link=can_link, connection_names=get_settings().link_connections,
        link_url=lambda name: url_for("auth.link", connection=name)))


@bp.delete("/me/identities/<provider>/<identity_user_id>")
@auth.login_required
@records("identity_unlinked", lambda kw: {"provider": kw["provider"][:64]})
@step_up_required
def unlink_identity(provider: str, identity_user_id: str) -> Response:
    account = _account("identities", "profile")
    return _answer(linking.unlink(account, provider, identity_user_id))


@bp.get("/me/link")
@auth.login_required
def get_pending_link() -> Response:
    account = _account("identities")
    primary_email = _signed_in().claims.get("email")
    return _answer(linking.preview(account, _SessionPendingLinks(), primary_email))


@bp.post("/me/link")
@auth.login_required
@records("identity_linked")
def confirm_link() -> Response:
    account = _account("identities", "profile")
    body = parse(LinkRequest, _json_body())
    if body.copy_metadata:
        _signed_in("metadata")  # copying writes metadata: it needs that feature too
    linked = linking.confirm(account, _SessionPendingLinks(),
                             copy_metadata=body.copy_metadata)
    return _answer(linked, 201)


@bp.delete("/me/link")
@auth.login_required
def cancel_link() -> Response:
    auth.clear_pending_link()
    return Response(status=204)


# --- multi-factor -----------------------------------------------------------------------

@bp.get("/me/enrollments")
@auth.login_required
def get_enrollments() -> Response:
    return _answer(mfa.enrollments(_account("mfa")))


@bp.delete("/me/multifactor/<provider>")
@auth.login_required
@records("mfa_removed", lambda kw: {"provider": kw["provider"][:64]})
@step_up_required
def delete_multifactor(provider: str) -> Response:
    mfa.remove_provider(_account("mfa"), provider)
    return Response(status=204)


# --- sign-in methods (the My Account API) ---------------------------------------------

def _my_account() -> tuple:
    """What the sign-in methods services take first: the /me/ token, the client, the
    store and the user."""
    user = _signed_in()
    return (auth.my_account_access(), current_app.extensions["selfserve.my_account"],
            current_app.extensions["selfserve.api_store"], user.user_id)


@bp.get("/me/authentication-methods")
@auth.login_required
def list_sign_in_methods() -> Response:
    return _answer(sign_in_methods.methods(*_my_account()))


@bp.get("/me/factors")
@auth.login_required
def list_factors() -> Response:
    return _answer(sign_in_methods.factors(*_my_account()))


def _method_details(kwargs: dict) -> dict:
    # The type only (`totp|dev_...` -> totp): the id is opaque and says nothing to people.
    return {"type": kwargs["method_id"].partition("|")[0][:32]}


def _added_or_password_changed(kwargs: dict) -> str:
    return ("password_changed" if kwargs["method_id"].startswith("password|")
            else "sign_in_method_added")


@bp.post("/me/authentication-methods")
@auth.login_required
@step_up_required
def start_enrollment() -> Response:
    started = sign_in_methods.start(*_my_account(), _signed_in().session_id,
                                    parse(EnrollmentRequest, _json_body()))
    return _answer(started, 202)


@bp.post("/me/authentication-methods/<method_id>/verify")
@auth.login_required
@records(_added_or_password_changed, _method_details)
def verify_enrollment(method_id: str) -> Response:
    enrolled = sign_in_methods.verify(*_my_account(), _signed_in().session_id, method_id,
                                      parse(EnrollmentProof, _json_body()))
    return _answer(enrolled, 201)


@bp.patch("/me/authentication-methods/<method_id>")
@auth.login_required
@records("sign_in_method_renamed", _method_details)
def rename_sign_in_method(method_id: str) -> Response:
    change = parse(MethodRename, _json_body())
    return _answer(sign_in_methods.rename(*_my_account(), method_id, change))


@bp.delete("/me/authentication-methods/<method_id>")
@auth.login_required
@records("sign_in_method_removed", _method_details)
@step_up_required
def remove_sign_in_method(method_id: str) -> Response:
    sign_in_methods.remove(*_my_account(), method_id)
    return Response(status=204)


# --- device keys ------------------------------------------------------------------------

@bp.get("/me/device-credentials")
@auth.login_required
def list_device_credentials() -> Response:
    return _answer(devices.list_keys(_account("devices")))


@bp.post("/me/device-credentials")
@auth.login_required
@records("device_key_registered")
def create_device_credential() -> Response:
    account = _account("devices")
    registration = parse(DeviceRegistration, _json_body())
    return _answer(devices.register(account, registration, get_settings().client_id), 201)


@bp.delete("/me/device-credentials/<credential_id>")
@auth.login_required
@records("device_key_revoked")
@step_up_required
def delete_device_credential(credential_id: str) -> Response:
    devices.revoke(_account("devices"), credential_id)
    return Response(status=204)


# --- signed-in sessions -----------------------------------------------------------------

def _sessions() -> UserSessions:
    _signed_in()
    found = sessions_of_current_user()
    if found is None:
        raise auth.login_problem(silent=False)
    return found


@bp.get("/me/sessions")
@auth.login_required
def list_sessions() -> Response:
    return _answer(signed_in_sessions.listing(_sessions()))


@bp.delete("/me/sessions/<session_id>")
@auth.login_required
@records("session_ended")
@step_up_required
def end_session(session_id: str) -> Response:
    return _answer(signed_in_sessions.end(_sessions(), session_id))


@bp.post("/me/sessions/sign-out-others")
@auth.login_required
@records("other_sessions_ended")
@step_up_required
def sign_out_others() -> Response:
    return _answer(signed_in_sessions.end_others(_sessions()))


# --- activity ---------------------------------------------------------------------------

@bp.get("/me/activity")
@auth.login_required
def get_activity() -> Response:
    user = _signed_in()
    before, limit = activity_log.query(request.args)
    return _answer(activity_log.page(*read_activity(user.user_id, before=before, limit=limit)))


# --- your data --------------------------------------------------------------------------

@bp.get("/me/export")
@auth.login_required
def export_data() -> Response:
    account = _account("profile")
    user = _signed_in()
    everything = data_export.export(
        account, _sessions(),
        read_activity(user.user_id, before=None, limit=data_export.ACTIVITY_LIMIT),
        with_enrollments=not missing_scopes("mfa", user.scopes))
    response = _answer(everything)
    response.headers["Content-Disposition"] = (
        'attachment; filename="account-data.json"')
    return response
