"""Request bodies and their validation messages, worded as Auth0 words them.

Contract: `body_object()` is the request body as a dict (JSON, or a form as the
OpenAPI subset also allows) or raises Auth0's 400; the `expect_*` helpers raise
`invalid_body` with z-schema style messages ("Expected type object but found type
string", "Missing required property: x", "Additional properties not allowed: y").
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import request

from app.tenant.management.errors import ApiError, invalid_body


def type_name(value: Any) -> str:
    """The JSON Schema type of a decoded JSON value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


#: The largest request body Auth0's Management API reads (its 413 names the number).
MAX_BODY_BYTES = 1024 * 1024


def body_object() -> dict[str, Any]:
    """The request body as an object, or Auth0's 400 (413 when too large) for one that is not."""
    if (request.content_length or 0) > MAX_BODY_BYTES:
        raise ApiError(
            413, f"Payload content length greater than maximum allowed: {MAX_BODY_BYTES}"
        )
    if request.mimetype == "application/x-www-form-urlencoded":
        return request.form.to_dict()
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise invalid_body("Expected type object but found type null")
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(400, "Invalid request payload JSON format") from exc
    if not isinstance(body, dict):
        raise invalid_body(f"Expected type object but found type {type_name(body)}")
    return body


def expect_type(value: Any, expected: str, prop: str) -> None:
    found = type_name(value)
    if found != expected:
        raise invalid_body(f"Expected type {expected} but found type {found}", prop)


def expect_required(body: dict[str, Any], names: tuple[str, ...]) -> None:
    for name in names:
        if name not in body:
            raise invalid_body(f"Missing required property: {name}")


def expect_no_additional(body: dict[str, Any], allowed: tuple[str, ...]) -> None:
    extra = [name for name in body if name not in allowed]
    if extra:
        raise invalid_body("Additional properties not allowed: " + ",".join(extra))


def expect_min_properties(body: dict[str, Any], minimum: int) -> None:
    if len(body) < minimum:
        raise invalid_body(f"Too few properties defined ({len(body)}), minimum {minimum}")


def expect_string(
    value: Any,
    prop: str,
    *,
    min_length: int | None = None,
    max_length: int | None = None,
    pattern: str | None = None,
) -> str:
    expect_type(value, "string", prop)
    if min_length is not None and len(value) < min_length:
        raise invalid_body(
            f"String is too short ({len(value)} chars), minimum {min_length}", prop
        )
    if max_length is not None and len(value) > max_length:
        raise invalid_body(
            f"String is too long ({len(value)} chars), maximum {max_length}", prop
        )
    # The OpenAPI patterns are ECMAScript regexes, where `$` ends the string; Python's
    # `$` also matches before a final newline, so it becomes `\Z` here.
    if pattern is not None and re.search(re.sub(r"(?<!\\)\$", r"\\Z", pattern), value) is None:
        raise invalid_body(f"String does not match pattern {pattern}: {value}", prop)
    return value


def expect_enum(value: Any, allowed: tuple[str, ...], prop: str) -> str:
    if value not in allowed:
        raise invalid_body(f"No enum match for: {json.dumps(value)}", prop)
    return value
