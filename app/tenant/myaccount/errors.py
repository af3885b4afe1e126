"""My Account API errors: `{type, status, title, detail[, validation_errors]}` (Auth0's
ErrorResponse), `Content-Type: application/json` as its OpenAPI description has them.

Contract: raise `MyAccountError(status, code, detail, field=None)` anywhere under the
blueprint. `type` carries the stable `code` (`urn:selfserve:myaccount:<code>`: the
schema allows no other member); `field` adds one `validation_errors` entry pointing at
the body member at fault.
"""

from __future__ import annotations

from http import HTTPStatus

from flask import Response, json

TYPE_PREFIX = "urn:selfserve:myaccount:"


class MyAccountError(Exception):
    def __init__(self, status: int, code: str, detail: str, field: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail, self.field = status, code, detail, field
        self.headers = headers or {}

    def response(self) -> Response:
        body: dict = {"type": TYPE_PREFIX + self.code, "status": self.status,
                      "title": HTTPStatus(self.status).phrase, "detail": self.detail}
        if self.field:
            body["validation_errors"] = [{"detail": self.detail, "field": self.field,
                                          "pointer": "/" + self.field, "source": "body"}]
        response = json_response(body, self.status)
        response.headers.update(self.headers)
        return response


def json_response(body, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


def empty_response(status: int = 204) -> Response:
    response = Response(status=status)
    del response.headers["Content-Type"]
    return response
