"""GET and PATCH /users/{id}: the signed-in user's profile and user_metadata."""

from __future__ import annotations

from typing import Any

from flask import request

from app.tenant import directory
from app.tenant.db import get_db
from app.tenant.management import bp, scopes
from app.tenant.management.auth import caller, require_scope, require_self
from app.tenant.management.errors import (
    ApiError,
    inexistent_user,
    insufficient_scope,
    invalid_body,
    invalid_query,
    json_response,
)
from app.tenant.management.validation import body_object, expect_min_properties, expect_type

#: Auth0's documented profile size budget ("writes beyond it may start to fail").
PROFILE_BUDGET_BYTES = 10 * 1024


def _fields_filter(user: dict[str, Any]) -> dict[str, Any]:
    """Apply `fields` and `include_fields` as Auth0 does (include by default)."""
    include = request.args.get("include_fields", "true")
    if include not in ("true", "false"):
        raise invalid_query("Expected type boolean but found type string", "include_fields")
    names = [name.strip() for name in request.args.get("fields", "").split(",") if name.strip()]
    if not names:
        return user
    if include == "true":
        return {key: value for key, value in user.items() if key in names}
    return {key: value for key, value in user.items() if key not in names}


@bp.get("/users/<user_id>")
def get_user(user_id: str):
    who = caller()
    require_scope(who, scopes.READ_USER)
    require_self(who, user_id)
    user = directory.get_user(get_db(), user_id)
    if user is None:
        raise inexistent_user()
    return json_response(_fields_filter(user))


def _check_key_names(value: Any, path: str) -> None:
    """Metadata key names must not contain `.` or `$`, at any depth (Auth0's rule)."""
    if isinstance(value, dict):
        for key, child in value.items():
            if "." in key or "$" in key:
                raise invalid_body(
                    f'Invalid key name: {key} (key names cannot contain "." or "$")', path
                )
            _check_key_names(child, f"{path}.{key}")
    elif isinstance(value, list):
        for child in value:
            _check_key_names(child, path)


@bp.patch("/users/<user_id>")
def patch_user(user_id: str):
    who = caller()
    require_scope(who, scopes.UPDATE_USER, scopes.UPDATE_USER_ACCEPTED)
    body = body_object()
    expect_min_properties(body, 1)
    others = [name for name in body if name != "user_metadata"]
    if others:
        # A current_user token may change user_metadata only.
        if others == ["app_metadata"]:
            raise insufficient_scope(scopes.UPDATE_APP_METADATA)
        raise insufficient_scope(scopes.UPDATE_ROOT_ATTRIBUTES)
    patch = body["user_metadata"]
    expect_type(patch, "object", "user_metadata")
    _check_key_names(patch, "user_metadata")
    require_self(who, user_id)
    conn = get_db()
    try:
        directory.merge_user_metadata(
            conn, user_id, patch, max_profile_bytes=PROFILE_BUDGET_BYTES
        )
    except directory.UserNotFound as exc:
        raise inexistent_user() from exc
    except directory.ProfileTooLarge as exc:
        raise ApiError(
            400,
            f"Payload validation error: 'The user profile would exceed"
            f" {PROFILE_BUDGET_BYTES} bytes' on property user_metadata.",
            "invalid_body",
        ) from exc
    return json_response(directory.get_user(conn, user_id))
