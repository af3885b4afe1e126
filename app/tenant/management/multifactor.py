"""GET /users/{id}/enrollments and DELETE /users/{id}/multifactor/{provider}."""

from __future__ import annotations

import json

from app.tenant import directory
from app.tenant.db import get_db
from app.tenant.management import bp, scopes
from app.tenant.management.auth import caller, require_scope, require_self
from app.tenant.management.errors import (
    empty_response,
    inexistent_user,
    invalid_uri,
    json_response,
)


@bp.get("/users/<user_id>/enrollments")
def list_enrollments(user_id: str):
    who = caller()
    require_scope(who, scopes.READ_ENROLLMENTS)
    require_self(who, user_id)
    conn = get_db()
    if not directory.user_exists(conn, user_id):
        raise inexistent_user()
    return json_response(directory.enrollments_of(conn, user_id))


@bp.delete("/users/<user_id>/multifactor/<provider>")
def delete_multifactor(user_id: str, provider: str):
    who = caller()
    require_scope(who, scopes.DELETE_MULTIFACTOR)
    if provider not in directory.MULTIFACTOR_PROVIDERS:
        raise invalid_uri(f"No enum match for: {json.dumps(provider)}", "provider")
    require_self(who, user_id)
    conn = get_db()
    if not directory.user_exists(conn, user_id):
        raise inexistent_user()
    directory.remove_provider(conn, user_id, provider)
    return empty_response(204)
