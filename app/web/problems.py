"""Errors as `application/problem+json` (RFC 9457), shared by every JSON endpoint.

Contract: raise `Problem(status, code, detail, **extra)` anywhere under a request;
the handler `init_app` registers turns it into a problem+json response for JSON
clients (paths under `/api/`, `/bff/`, or an `Accept` preferring JSON) and into
the error page otherwise. `code` is stable and registered in
`app.web.problem_codes.PROBLEM_CODES` (the one list, for the whole BFF); `detail` is
for people.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Flask, Response, json, render_template, request
from werkzeug.exceptions import HTTPException

PROBLEM_JSON = "application/problem+json"


class Problem(Exception):
    """An error a client can act on: HTTP status, stable `code`, human `detail`, extra members."""

    def __init__(self, status: int, code: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.extra = extra
        self.headers: dict[str, str] = {}

    def with_headers(self, **headers: str) -> Problem:
        """Add response headers (e.g. `Retry_After="3"` becomes `Retry-After: 3`)."""
        self.headers.update({k.replace("_", "-"): v for k, v in headers.items()})
        return self

    def body(self) -> dict[str, Any]:
        return {
            "type": f"about:blank#{self.code}" if self.code else "about:blank",
            "title": HTTPStatus(self.status).phrase,
            "status": self.status,
            "code": self.code,
            "detail": self.detail,
            **self.extra,
        }


def problem_response(problem: Problem) -> Response:
    response = Response(json.dumps(problem.body()), status=problem.status, mimetype=PROBLEM_JSON)
    response.headers.update(problem.headers)
    return response


def is_json_path(path: str) -> bool:
    """True under `/api/` and `/bff/` (below any mount prefix): the JSON endpoints,
    whether or not a route matches there."""
    return "/api/" in path or "/bff/" in path


def wants_json() -> bool:
    """True for the JSON API, the session endpoints, and clients that prefer JSON."""
    if is_json_path(request.path):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json", PROBLEM_JSON])
    return best in ("application/json", PROBLEM_JSON)


def _render(problem: Problem) -> Response:
    if wants_json():
        return problem_response(problem)
    html = render_template("error.html", problem=problem)
    response = Response(html, status=problem.status, mimetype="text/html")
    response.headers.update(problem.headers)
    return response


def init_app(app: Flask) -> None:
    """Turn `Problem`, HTTP errors and unexpected exceptions into problem+json or the error page."""

    @app.errorhandler(Problem)
    def _problem(error: Problem) -> Response:
        return _render(error)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Response:
        code = (error.name or "error").lower().replace(" ", "_")
        response = _render(Problem(error.code or 500, code, error.description or error.name))
        if error.code == 405 and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        # Logged with its stack trace on the server; the client sees no internals.
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return _render(
            Problem(500, "internal_error", "Something went wrong on our side. Try again.")
        )
