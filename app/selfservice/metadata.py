"""Validation of `user_metadata` changes before they are sent, and the entity tags of versions.

Contract:
- `validate_changes(changes, current, schema)` returns a list of `{"path", "message"}`
  errors (empty: valid). `changes` is a first-level merge patch (None deletes a key).
  Rules (`change_errors` applies them to one first-level key): an object; key names
  non-empty, at most `MAX_KEY_LENGTH` characters, without `.` or `$` (Auth0's rule)
  and without hidden characters (`text.has_hidden_characters`), at any depth; JSON
  values only (finite numbers, text that is valid Unicode); nesting at most
  `MAX_DEPTH` levels below user_metadata; the merged result at most `MAX_BYTES` of
  compact UTF-8 JSON (Auth0's 10 KB profile budget); with a schema, only keys it lists
  in `properties` may be set, and new values must match their subschema. Deleting a
  key the user has is always allowed, whatever its name and whatever the schema says,
  so that a key another client wrote can be removed.
- `merge(current, changes)` applies such a patch the way Auth0 does.
- `canonical_json(value)` is compact, key-sorted ASCII JSON: any value the tenant
  returns has one (a lone surrogate is written `\\ud800`). `etag(value)` is a strong
  entity tag (unquoted) over it.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from .text import has_hidden_characters, has_lone_surrogate

MAX_BYTES = 10 * 1024
MAX_DEPTH = 5
MAX_KEY_LENGTH = 100


def canonical_json(value: Any) -> bytes:
    # ASCII (non-ASCII as \\u escapes): every string has a form, unpaired surrogates
    # included, which UTF-8 cannot encode.
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode("ascii")


def json_size(value: Any) -> int:
    """Bytes of `value` as compact UTF-8 JSON (Auth0's measure of the profile budget); an
    unpaired surrogate counts as its six-character escape."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return len(text.encode("utf-8", "backslashreplace"))


def etag(value: Any, prefix: str = "m") -> str:
    """A strong entity tag (unquoted, as werkzeug takes it) for `value`; `prefix` keeps
    the tags of different representations apart."""
    digest = hashlib.sha256(canonical_json(value)).hexdigest()[:32]
    return f"{prefix}-{digest}"


def merge(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(current)
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def limits() -> dict[str, int]:
    return {"max_bytes": MAX_BYTES, "max_depth": MAX_DEPTH, "max_key_length": MAX_KEY_LENGTH}


@lru_cache(maxsize=4)
def load_schema(path: str) -> dict[str, Any]:
    """The deployment's JSON Schema of editable keys; raises ValueError if it is unusable."""
    try:
        schema = json.loads(Path(path).read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
    except (OSError, ValueError, jsonschema.SchemaError) as exc:
        raise ValueError(f"METADATA_SCHEMA {path!r} is not a usable JSON Schema: {exc}") from exc
    if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
        raise ValueError(f"METADATA_SCHEMA {path!r} must be an object schema with properties")
    return schema


def _pointer(parts: tuple[str, ...]) -> str:
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def _check_value(value: Any, parts: tuple[str, ...], errors: list[dict[str, str]]) -> None:
    depth = len(parts)
    if isinstance(value, dict):
        if depth >= MAX_DEPTH:
            errors.append({"path": _pointer(parts),
                           "message": f"Nesting is limited to {MAX_DEPTH} levels."})
            return
        for key, item in value.items():
            _check_key(key, parts, errors)
            _check_value(item, (*parts, key), errors)
    elif isinstance(value, list):
        if depth >= MAX_DEPTH:
            errors.append({"path": _pointer(parts),
                           "message": f"Nesting is limited to {MAX_DEPTH} levels."})
            return
        for index, item in enumerate(value):
            _check_value(item, (*parts, str(index)), errors)
    elif isinstance(value, float) and not math.isfinite(value):
        errors.append({"path": _pointer(parts), "message": "Numbers must be finite."})
    elif isinstance(value, str) and has_lone_surrogate(value):
        errors.append({"path": _pointer(parts), "message": "Text must be valid Unicode:"
                       " this holds an unpaired surrogate (e.g. \\ud800)."})
    elif value is not None and not isinstance(value, str | int | float | bool):
        errors.append({"path": _pointer(parts), "message": "Not a JSON value."})


def _check_key(key: Any, parent: tuple[str, ...], errors: list[dict[str, str]]) -> None:
    where = _pointer((*parent, str(key)))
    if not isinstance(key, str) or not key:
        errors.append({"path": where, "message": "Key names must be non-empty text."})
    elif "." in key or "$" in key:
        errors.append({"path": where, "message": "Key names must not contain '.' or '$'."})
    elif len(key) > MAX_KEY_LENGTH:
        errors.append(
            {"path": where, "message": f"Key names are limited to {MAX_KEY_LENGTH} characters."}
        )
    elif has_hidden_characters(key):
        errors.append({"path": where, "message": "Key names must not contain control or"
                       " format characters (such as bidi overrides) or unpaired surrogates."})


def change_errors(
    key: Any, value: Any, current: Mapping[str, Any], schema: Mapping[str, Any] | None = None
) -> list[dict[str, str]]:
    """Errors in setting (or, with None, deleting) the first-level `key` to `value`:
    every rule but the size of the whole (see module docstring)."""
    if value is None and isinstance(key, str) and key in current:
        return []  # removing what is there is always allowed
    errors: list[dict[str, str]] = []
    _check_key(key, (), errors)
    if value is None:
        return errors
    _check_value(value, (str(key),), errors)
    if schema is not None:
        properties = schema.get("properties", {})
        if key not in properties:
            errors.append({"path": _pointer((str(key),)),
                           "message": "This key is not editable here."})
        else:
            validator = jsonschema.Draft202012Validator(properties[key])
            for error in validator.iter_errors(value):
                inner = tuple(str(p) for p in error.absolute_path)
                errors.append({"path": _pointer((str(key), *inner)),
                               "message": error.message})
    return errors


def validate_changes(
    changes: Any, current: Mapping[str, Any], schema: Mapping[str, Any] | None = None
) -> list[dict[str, str]]:
    """Errors in the merge patch `changes` against `current` (see module docstring)."""
    if not isinstance(changes, dict):
        return [{"path": "", "message": "The body must be a JSON object of changes."}]
    errors = [error for key, value in changes.items()
              for error in change_errors(key, value, current, schema)]
    if errors:
        return errors
    size = json_size(merge(current, changes))
    if size > MAX_BYTES:
        errors.append({
            "path": "",
            "message": f"Your metadata would take {size} bytes; the limit is {MAX_BYTES}."
            " Remove something first.",
        })
    return errors
