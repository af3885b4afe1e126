"""The My Account API's routes (`/me/v1`): factors and authentication methods.

Thin views: the token and rate limits are checked by the blueprint before any of them
runs (`app.tenant.myaccount`); enrollment is `app.tenant.mfa.enrollments`, the records
`app.tenant.directory.authentication_methods`, their JSON `methods`.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import request

from app.tenant import apis, directory
from app.tenant.db import get_db
from app.tenant.directory import authentication_methods as records
from app.tenant.mfa import enrollments
from app.tenant.myaccount import bp, methods
from app.tenant.myaccount.auth import me, require
from app.tenant.myaccount.errors import MyAccountError, empty_response, json_response

_UPDATABLE = {"name", "preferred_authentication_method"}


def _json_body() -> dict:
    if not request.is_json:
        raise MyAccountError(415, "unsupported_media_type",
                             "The request body must be application/json.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise MyAccountError(400, "invalid_body", "The request body must be a JSON object.")
    return body


def _location(method_id: str) -> str:
    return apis.my_account_audience() + "v1/authentication-methods/" + quote(method_id, safe="")


def _not_found() -> MyAccountError:
    return MyAccountError(404, "authentication_method_not_found",
                          "The authentication method does not exist.")


def _enrolling_user() -> enrollments.EnrollingUser:
    user = directory.get_user(get_db(), me().user_id) or {}
    return enrollments.EnrollingUser(me().user_id, user.get("email"), user.get("name"))


@bp.get("/factors")
def factors():
    require(me(), "read:me:factors")
    return json_response({"factors": methods.enabled_factors()})


@bp.get("/authentication-methods")
def list_methods():
    require(me(), "read:me:authentication_methods")
    wanted = request.args.get("type")
    if wanted is not None and wanted not in methods.TYPES:
        raise MyAccountError(400, "invalid_query",
                             f"type must be one of {', '.join(methods.TYPES)}")
    found = methods.all_of(get_db(), me().user_id)
    if wanted:
        found = [m for m in found if m["type"] == wanted]
    return json_response({"authentication_methods": found})


@bp.post("/authentication-methods")
def start_enrollment():
    require(me(), "create:me:authentication_methods")
    body = _json_body()
    if (body.get("type") in enrollments.ENROLLABLE
            and body["type"] not in {f["type"] for f in methods.enabled_factors()}):
        raise MyAccountError(400, "factor_not_enabled",
                             f"The {body['type']} factor is not enabled for this tenant.", "type")
    try:
        started = enrollments.start(get_db(), _enrolling_user(), body)
    except enrollments.EnrollmentError as error:
        raise MyAccountError(error.status, error.code, error.detail, error.field) from error
    response = json_response(started.body, 202)
    response.headers["Location"] = _location(started.method_id)
    return response


@bp.post("/authentication-methods/<path:method_id>/verify")
def verify_enrollment(method_id: str):
    require(me(), "create:me:authentication_methods")
    conn = get_db()
    try:
        record = enrollments.verify(conn, _enrolling_user(), method_id, _json_body(),
                                    user_agent=request.headers.get("User-Agent"))
    except enrollments.EnrollmentError as error:
        raise MyAccountError(error.status, error.code, error.detail, error.field) from error
    body = methods.to_json(conn, me().user_id, record)
    response = json_response(body, 201)
    response.headers["Location"] = _location(body["id"])
    return response


@bp.get("/authentication-methods/<path:method_id>")
def get_method(method_id: str):
    require(me(), "read:me:authentication_methods")
    found = methods.one_of(get_db(), me().user_id, method_id)
    if found is None:
        raise _not_found()
    return json_response(found)


@bp.patch("/authentication-methods/<path:method_id>")
def update_method(method_id: str):
    require(me(), "update:me:authentication_methods")
    body = _json_body()
    unknown = sorted(set(body) - _UPDATABLE)
    if unknown:
        raise MyAccountError(400, "invalid_body", f"Unknown property: {unknown[0]}", unknown[0])
    if "name" in body and (not isinstance(body["name"], str) or not body["name"].strip()):
        raise MyAccountError(400, "invalid_body", "name must be a non-empty string", "name")
    preferred = body.get("preferred_authentication_method")
    if "preferred_authentication_method" in body:
        if not method_id.startswith("phone|"):
            raise MyAccountError(400, "invalid_body", "Only a phone method has a preferred"
                                 " authentication method.", "preferred_authentication_method")
        if preferred not in ("sms", "voice"):
            raise MyAccountError(400, "invalid_body", "preferred_authentication_method must"
                                 " be sms or voice", "preferred_authentication_method")
    conn = get_db()
    if method_id.startswith("password|") or not records.rename(conn, me().user_id, method_id,
                                                              body):
        raise _not_found() if methods.one_of(conn, me().user_id, method_id) is None else \
            MyAccountError(400, "invalid_body", "The password has nothing to update here.")
    found = methods.one_of(conn, me().user_id, method_id)
    assert found is not None
    return json_response(found)


@bp.delete("/authentication-methods/<path:method_id>")
def delete_method(method_id: str):
    require(me(), "delete:me:authentication_methods")
    conn = get_db()
    if method_id.startswith("password|") and methods.one_of(conn, me().user_id, method_id):
        raise MyAccountError(409, "password_required",
                             "The password cannot be deleted: it is how this identity signs in.")
    if not records.delete_method(conn, me().user_id, method_id):
        # Auth0's description lists no 404 for DELETE: an unknown id is a bad request.
        raise MyAccountError(400, "authentication_method_not_found",
                             "The authentication method does not exist.")
    return empty_response(204)
