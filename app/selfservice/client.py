"""The Management API client: the eight self-service operations and nothing else.

Contract:
- One `ManagementClient` per app, with the guard and the retry policy of
  `tenant_http.GuardedClient` (shared with the My Account API client).
- Every request is checked against `OPERATIONS` before a byte is sent; any other method
  or path raises `ForbiddenRequest`. A path's user id must be the subject of the bearer
  token it is sent with, so one user's token never acts on another id.
- Failures raise `ManagementError` (`tenant_http.TenantError`) subclasses;
  `app.selfservice.errors` turns them into problems for people.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from .tenant_http import (
    Caller,
    ErrorBody,
    ForbiddenRequest,
    GuardedClient,
    Operation,
    RateLimited,
    TenantUnavailable,
    WriteOutcomeUnknown,
    operation_table,
    token_subject,
)
from .tenant_http import TenantError as ManagementError
from .tenant_http import TenantHTTPError as ManagementHTTPError

__all__ = ["OPERATIONS", "Caller", "ForbiddenRequest", "ManagementClient", "ManagementError",
           "ManagementHTTPError", "Operation", "RateLimited", "TenantUnavailable",
           "WriteOutcomeUnknown"]

OPERATIONS: dict[str, Operation] = operation_table(
    Operation("get_user", "GET", "/users/{id}", "profile"),
    Operation("update_user", "PATCH", "/users/{id}", "metadata"),
    Operation("get_enrollments", "GET", "/users/{id}/enrollments", "mfa"),
    Operation("link_identity", "POST", "/users/{id}/identities", "identities"),
    Operation("unlink_identity", "DELETE", "/users/{id}/identities/{provider}/{user_id}",
              "identities"),
    Operation("delete_multifactor", "DELETE", "/users/{id}/multifactor/{provider}", "mfa"),
    Operation("create_device_credential", "POST", "/device-credentials", "devices"),
    Operation("delete_device_credential", "DELETE", "/device-credentials/{id}", "devices"),
)


class ManagementClient(GuardedClient):
    """Calls the tenant's Management API v2 self-service endpoints (see module docstring)."""

    base_path = "/api/v2"
    operations = OPERATIONS

    # --- the eight operations -------------------------------------------------------

    def get_user(self, caller: Caller) -> dict[str, Any]:
        return self._call("get_user", caller, {"id": caller.user_id}).json()

    def update_user_metadata(self, caller: Caller, changes: Mapping[str, Any]) -> dict[str, Any]:
        """PATCH `user_metadata` (first-level merge, None deletes). `changes` must not be
        empty: Auth0 reads `{}` as "remove all metadata"."""
        if not changes:
            raise ForbiddenRequest("an empty user_metadata patch would erase all metadata")
        body = {"user_metadata": dict(changes)}
        return self._call("update_user", caller, {"id": caller.user_id}, json=body).json()

    def get_enrollments(self, caller: Caller) -> list[dict[str, Any]]:
        return self._call("get_enrollments", caller, {"id": caller.user_id}).json()

    def link_identity(self, caller: Caller, link_with: str) -> list[dict[str, Any]]:
        body = {"link_with": link_with}
        return self._call("link_identity", caller, {"id": caller.user_id}, json=body).json()

    def unlink_identity(self, caller: Caller, provider: str, user_id: str) -> list[dict[str, Any]]:
        params = {"id": caller.user_id, "provider": provider, "user_id": user_id}
        return self._call("unlink_identity", caller, params).json()

    def delete_multifactor(self, caller: Caller, provider: str) -> None:
        self._call("delete_multifactor", caller, {"id": caller.user_id, "provider": provider})

    def create_device_credential(self, caller: Caller, body: Mapping[str, Any]) -> dict[str, Any]:
        return self._call("create_device_credential", caller, {}, json=dict(body)).json()

    def delete_device_credential(self, caller: Caller, credential_id: str) -> None:
        self._call("delete_device_credential", caller, {"id": credential_id})

    # --- what the shared client asks of us -----------------------------------------------

    def check_caller(self, op: Operation, path: str, caller: Caller) -> None:
        if not op.user_scoped:
            return
        if path.split("/")[2] != quote(caller.user_id, safe=""):
            raise ForbiddenRequest(f"{op.name}: the path's user is not the caller")
        subject = token_subject(caller.access_token)
        if subject is not None and subject != caller.user_id:
            raise ForbiddenRequest(f"{op.name}: the token belongs to another user")

    def read_error(self, body: dict[str, Any]) -> ErrorBody:
        """Auth0's Management API error: `{statusCode, error, message, errorCode}`."""
        return ErrorBody(error_code=str(body.get("errorCode") or ""),
                         message=str(body.get("message") or ""))
