"""Fault injection: WSGI middleware applying the faults armed through `/__test__/faults`.

Contract: the next `times` requests whose path starts with a fault's `path` (and whose
method is its `method`, if given) are delayed, answered with an Auth0-shaped error, or
dropped (the socket is closed with no answer). `/__test__/` itself is never faulted.
"""

from __future__ import annotations

import json
import socket
import time
from http import HTTPStatus
from typing import Any

from flask import Flask
from werkzeug.wrappers import Response

from app.tenant.testing.state import Fault, test_state


def _auth0_error(status: int, message: str | None) -> dict[str, Any]:
    phrase = HTTPStatus(status).phrase
    if status == 429:
        return {"statusCode": 429, "error": phrase,
                "message": message or "Global limit has been reached",
                "errorCode": "too_many_requests"}
    return {"statusCode": status, "error": phrase, "message": message or phrase,
            "errorCode": phrase.lower().replace(" ", "_").replace("-", "_")}


class FaultInjector:
    """Wraps `app.wsgi_app`; the app must have a `TestState` installed."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.wrapped = app.wsgi_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        fault = None
        if not path.startswith("/__test__/"):
            fault = test_state(self.app).take_fault(path, environ.get("REQUEST_METHOD", "GET"))
        if fault is None:
            return self.wrapped(environ, start_response)
        if fault.delay:
            time.sleep(fault.delay)
        if fault.drop:
            return self._drop(environ)
        if fault.status is None:
            return self.wrapped(environ, start_response)
        return self._error(fault)(environ, start_response)

    @staticmethod
    def _drop(environ):
        sock = environ.get("werkzeug.socket")
        if sock is None:
            raise RuntimeError("dropping a connection needs werkzeug's server")
        # Closing the socket before a byte is written is what a client sees as a dropped
        # connection; werkzeug then treats the ConnectionAbortedError as a client that left.
        sock.shutdown(socket.SHUT_RDWR)
        sock.close()
        raise ConnectionAbortedError("fault injection: connection dropped")

    @staticmethod
    def _error(fault: Fault) -> Response:
        assert fault.status is not None
        if isinstance(fault.body, dict | list):
            body = fault.body
        else:
            body = _auth0_error(fault.status, fault.body if isinstance(fault.body, str) else None)
        response = Response(json.dumps(body), status=fault.status,
                            content_type="application/json; charset=utf-8")
        if fault.status == 429:
            reset_in = fault.ratelimit_reset_in if fault.ratelimit_reset_in is not None else 1
            response.headers["x-ratelimit-limit"] = "50"
            response.headers["x-ratelimit-remaining"] = "0"
            response.headers["x-ratelimit-reset"] = str(int(time.time()) + reset_in)
        if fault.retry_after is not None:
            response.headers["Retry-After"] = str(fault.retry_after)
        return response
