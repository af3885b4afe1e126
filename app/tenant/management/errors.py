"""Management API errors in Auth0's wire format.

Contract: raise `ApiError` (or one of the helpers) anywhere under the blueprint; the
response is `{"statusCode", "error", "message"[, "errorCode"][, "attributes"]}` with
`Content-Type: application/json; charset=utf-8`, as a real Auth0 tenant answers.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Response, json

JSON_UTF8 = "application/json; charset=utf-8"


def json_response(body: Any, status: int = 200) -> Response:
    """A JSON response with Auth0's exact content type."""
    response = Response(json.dumps(body), status=status)
    response.headers["Content-Type"] = JSON_UTF8
    return response


def empty_response(status: int = 204) -> Response:
    """A response with no body and no content type, as Auth0's 204s."""
    response = Response(status=status)
    del response.headers["Content-Type"]
    return response


class ApiError(Exception):
    """An error answer: HTTP status, Auth0's message, and its errorCode when it has one."""

    def __init__(
        self,
        status: int,
        message: str,
        error_code: str | None = None,
        *,
        attributes: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.error_code = error_code
        self.attributes = attributes
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "statusCode": self.status,
            "error": HTTPStatus(self.status).phrase,
            "message": self.message,
        }
        if self.error_code:
            out["errorCode"] = self.error_code
        if self.attributes is not None:
            out["attributes"] = self.attributes
        return out

    def response(self) -> Response:
        response = json_response(self.body(), self.status)
        response.headers.update(self.headers)
        return response


def unauthorized(message: str) -> ApiError:
    """401; Auth0 repeats the reason in `attributes.error` for a token it rejects."""
    return ApiError(401, message, attributes={"error": message})


def insufficient_scope(expected: tuple[str, ...]) -> ApiError:
    return ApiError(
        403,
        "Insufficient scope, expected any of: " + ",".join(expected),
        "insufficient_scope",
    )


def unowned_resource() -> ApiError:
    return ApiError(
        403, "User to be acted on does not match subject in bearer token.", "unowned_resource"
    )


def inexistent_user() -> ApiError:
    return ApiError(404, "The user does not exist.", "inexistent_user")


def invalid_body(detail: str, on_property: str | None = None) -> ApiError:
    """400 `Payload validation error: '<detail>'[ on property <name>].` (Auth0's wording)."""
    where = f" on property {on_property}" if on_property else ""
    return ApiError(400, f"Payload validation error: '{detail}'{where}.", "invalid_body")


def invalid_uri(detail: str, on_property: str) -> ApiError:
    return ApiError(
        400, f"Path validation error: '{detail}' on property {on_property}.", "invalid_uri"
    )


def invalid_query(detail: str, on_property: str) -> ApiError:
    return ApiError(
        400,
        f"Query validation error: '{detail}' on property {on_property}.",
        "invalid_query_string",
    )
