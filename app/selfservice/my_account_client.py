"""The My Account API client (`{tenant}/me/v1`): the operations of Auth0's OpenAPI subset
(tests/reference/auth0-myaccount-authentication-methods.oas.json) and nothing else.

Contract: the guard and the retry policy of `tenant_http.GuardedClient`, as for the
Management API: only these operations, checked before a byte is sent; only for the
signed-in user (the token's `sub` must be the caller: the paths name no user, the token
does); timeouts; bounded retries; a 429 waited out briefly or raised as `RateLimited`
with `retry_after`. Errors are Auth0's ErrorResponse (`{type, status, title, detail,
validation_errors}`), read into `TenantHTTPError`. Method ids are opaque: they are
URL-encoded into one path segment.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from .tenant_http import (
    Caller,
    ErrorBody,
    ForbiddenRequest,
    GuardedClient,
    Operation,
    operation_table,
    token_subject,
)

METHOD_TYPES = ("password", "passkey", "webauthn-platform", "webauthn-roaming", "totp",
                "phone", "email", "push-notification", "recovery-code")

OPERATIONS = operation_table(
    Operation("list_factors", "GET", "/factors", scope="read:me:factors"),
    Operation("list_methods", "GET", "/authentication-methods",
              scope="read:me:authentication_methods"),
    Operation("get_method", "GET", "/authentication-methods/{id}",
              scope="read:me:authentication_methods"),
    Operation("start_enrollment", "POST", "/authentication-methods",
              scope="create:me:authentication_methods"),
    Operation("verify_enrollment", "POST", "/authentication-methods/{id}/verify",
              scope="create:me:authentication_methods"),
    Operation("update_method", "PATCH", "/authentication-methods/{id}",
              scope="update:me:authentication_methods"),
    Operation("delete_method", "DELETE", "/authentication-methods/{id}",
              scope="delete:me:authentication_methods"),
)


class MyAccountClient(GuardedClient):
    """Calls the tenant's My Account API for the signed-in user (see module docstring)."""

    base_path = "/me/v1"
    operations = OPERATIONS

    def list_factors(self, caller: Caller) -> list[dict[str, Any]]:
        return self._call("list_factors", caller, {}).json().get("factors", [])

    def list_methods(self, caller: Caller, method_type: str | None = None
                     ) -> list[dict[str, Any]]:
        if method_type is not None and method_type not in METHOD_TYPES:
            raise ForbiddenRequest(f"list_methods: unknown type {method_type!r}")
        query = {"type": method_type} if method_type else None
        answer = self._call("list_methods", caller, {}, query=query).json()
        return answer.get("authentication_methods", [])

    def get_method(self, caller: Caller, method_id: str) -> dict[str, Any]:
        return self._call("get_method", caller, {"id": method_id}).json()

    def start_enrollment(self, caller: Caller, body: dict[str, Any]) -> dict[str, Any]:
        """The 202 body, with `id` from its `Location` header when the body has none."""
        response = self._call("start_enrollment", caller, {}, json=body)
        started = response.json()
        location = response.headers.get("Location", "")
        if "id" not in started and "/authentication-methods/" in location:
            started["id"] = unquote(location.rsplit("/", 1)[1])
        return started

    def verify_enrollment(self, caller: Caller, method_id: str, body: dict[str, Any]
                          ) -> dict[str, Any]:
        return self._call("verify_enrollment", caller, {"id": method_id}, json=body).json()

    def update_method(self, caller: Caller, method_id: str, changes: dict[str, Any]
                      ) -> dict[str, Any]:
        return self._call("update_method", caller, {"id": method_id}, json=changes).json()

    def delete_method(self, caller: Caller, method_id: str) -> None:
        self._call("delete_method", caller, {"id": method_id})

    # --- what the shared client asks of us -----------------------------------------------

    def check_caller(self, op: Operation, path: str, caller: Caller) -> None:
        # The paths name no user: the token does. It must be the signed-in user's.
        if token_subject(caller.access_token) != caller.user_id:
            raise ForbiddenRequest(f"{op.name}: the token is not the caller's")

    def read_error(self, body: dict[str, Any]) -> ErrorBody:
        """Auth0's ErrorResponse; `type` ends in a stable code on the local tenant."""
        errors = body.get("validation_errors")
        return ErrorBody(
            error_code=str(body.get("type") or "").rsplit(":", 1)[-1],
            message=str(body.get("detail") or body.get("title") or ""),
            validation_errors=tuple(e for e in errors if isinstance(e, dict))
            if isinstance(errors, list) else (),
        )
