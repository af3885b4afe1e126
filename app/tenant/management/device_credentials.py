"""POST /device-credentials and DELETE /device-credentials/{id}, for the token's user."""

from __future__ import annotations

import base64
import binascii

from app.tenant import directory
from app.tenant.db import get_db
from app.tenant.management import bp, scopes
from app.tenant.management.auth import caller, require_scope
from app.tenant.management.errors import (
    ApiError,
    empty_response,
    invalid_body,
    json_response,
    unowned_resource,
)
from app.tenant.management.validation import (
    body_object,
    expect_enum,
    expect_required,
    expect_string,
)

_DEVICE_ID_PATTERN = "^[-A-Fa-f0-9]+$"


def _base64(value: str) -> None:
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise invalid_body("Invalid value: expected a base64 encoded public key", "value") from exc


@bp.post("/device-credentials")
def create_device_credential():
    who = caller()
    require_scope(who, scopes.CREATE_DEVICE_CREDENTIAL)
    body = body_object()
    expect_required(body, ("device_name", "type", "value", "device_id"))
    device_name = expect_string(body["device_name"], "device_name", min_length=1)
    credential_type = expect_enum(body["type"], ("public_key",), "type")
    value = expect_string(body["value"], "value", min_length=1)
    _base64(value)
    device_id = expect_string(
        body["device_id"], "device_id", max_length=36, pattern=_DEVICE_ID_PATTERN
    )
    client_id = who.azp
    if "client_id" in body:
        client_id = expect_string(body["client_id"], "client_id", min_length=1)
        if client_id != who.azp:
            raise ApiError(403, "Cannot create device credentials for that client.")
    if client_id is None:
        raise ApiError(403, "Cannot create device credentials for that client.")
    conn = get_db()
    if not directory.user_exists(conn, who.sub):
        raise ApiError(403, "Cannot create device credentials for that user.")
    try:
        credential_id = directory.create_credential(
            conn,
            who.sub,
            client_id=client_id,
            device_name=device_name,
            device_id=device_id,
            value=value,
            credential_type=credential_type,
        )
    except directory.DeviceKeyExists as exc:
        raise ApiError(409, str(exc)) from exc
    return json_response({"id": credential_id}, 201)


@bp.delete("/device-credentials/<credential_id>")
def delete_device_credential(credential_id: str):
    who = caller()
    require_scope(who, scopes.DELETE_DEVICE_CREDENTIAL)
    conn = get_db()
    owner = directory.credential_owner(conn, credential_id)
    if owner is None:
        raise ApiError(
            404, "The device credential does not exist.", "inexistent_device_credential"
        )
    if owner != who.sub:
        raise unowned_resource()
    directory.delete_credential(conn, who.sub, credential_id)
    return empty_response(204)
