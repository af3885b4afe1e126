"""Validation of the test hooks' JSON bodies.

Contract: every parser raises `HookInputError` (answered 400 with the message) for a
body it cannot take, naming the field; nothing is armed or changed then.
"""

from __future__ import annotations

from typing import Any

from flask import request

from app.tenant import clients
from app.tenant.testing.state import SIGN_MODES, Fault, Tweak


class HookInputError(ValueError):
    """A test hook was called with a bad body; the message says which field."""


def json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise HookInputError("send a JSON object")
    return body


def optional(body: dict, name: str, kinds: type | tuple[type, ...], default: Any = None) -> Any:
    """`body[name]` when it has one of `kinds` (a bool only where `bool` is listed),
    `default` when absent or null."""
    value = body.get(name, default)
    if value is None:
        return default
    if isinstance(value, bool) and bool not in (kinds if isinstance(kinds, tuple) else (kinds,)):
        raise HookInputError(f"{name} has the wrong type")
    if not isinstance(value, kinds):
        raise HookInputError(f"{name} has the wrong type")
    return value


def times(body: dict) -> int:
    count = optional(body, "times", int, 1)
    if count < 1:
        raise HookInputError("times must be at least 1")
    return count


def parse_fault(body: dict[str, Any]) -> Fault:
    path = body.get("path")
    if not isinstance(path, str) or not path.startswith("/"):
        raise HookInputError("path must be a string starting with /")
    method = optional(body, "method", str)
    status = optional(body, "status", int)
    if status is not None and not 400 <= status <= 599:
        raise HookInputError("status must be an HTTP error status (400-599)")
    delay = optional(body, "delay", (int, float), 0)
    if not 0 <= delay <= 60:
        raise HookInputError("delay must be between 0 and 60 seconds")
    return Fault(
        path=path,
        method=method.upper() if method else None,
        status=status,
        times=times(body),
        delay=delay,
        drop=bool(optional(body, "drop", bool, False)),
        retry_after=optional(body, "retry_after", int),
        ratelimit_reset_in=optional(body, "ratelimit_reset_in", int),
        body=body.get("body"),
    )


def parse_tweak(spec: Any, count: int, kind: str) -> Tweak:
    if not isinstance(spec, dict):
        raise HookInputError(f"{kind} must be an object")
    set_claims = optional(spec, "set", dict, {})
    unset = optional(spec, "unset", list, [])
    if not all(isinstance(name, str) for name in unset):
        raise HookInputError(f"{kind}.unset must list claim names")
    sign = optional(spec, "sign", str, "current")
    if sign not in SIGN_MODES:
        raise HookInputError(f"{kind}.sign must be one of {', '.join(SIGN_MODES)}")
    return Tweak(set=set_claims, unset=unset, sign=sign, remaining=count)


def parse_client_urls(body: dict[str, Any]) -> dict[str, Any]:
    unknown = set(body) - set(clients.URL_FIELDS)
    if unknown or not body:
        raise HookInputError(f"give some of {', '.join(clients.URL_FIELDS)}")
    for name, value in body.items():
        if name == "backchannel_logout_uri":
            if value is None:
                continue  # no back-channel logout for this client
            value = [value]
        if not isinstance(value, list) or not all(
            isinstance(url, str) and url.startswith(("http://", "https://")) for url in value
        ):
            raise HookInputError(f"{name} must hold absolute http(s) URLs")
    return body
