"""The OpenAPI 3.1 document of the JSON API, served at `/api/openapi.json`.

Contract: `build_openapi(script_root)` describes every path, body, response and
problem `code` of `app.selfservice.views`; tests validate every response against it.
"""

from __future__ import annotations

from typing import Any

from .device_keys import DEVICE_ID, MAX_DEVICE_NAME
from .errors import PROBLEM_CODES
from .features import FEATURES
from .metadata import MAX_BYTES, MAX_DEPTH, MAX_KEY_LENGTH
from .profile import TTL as PROFILE_TTL

PROBLEM = "application/problem+json"

ETAG_DOC = (
    "Strong entity tags. `GET /api/me` returns `p-...`, which changes when any part of the"
    " profile changes; `GET /api/me/metadata` and `PATCH /api/me/metadata` return `m-...`,"
    " which changes only when `user_metadata` does. `PATCH /api/me/metadata` accepts either"
    " in `If-Match` (a `p-` tag is stricter: any profile change makes it stale)."
)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str, **extra: Any) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": schema}}, **extra}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM: {"schema": _ref("Problem")}}}


def _etag_header() -> dict[str, Any]:
    return {"ETag": {"description": "Strong entity tag (see the API description).",
                     "schema": {"type": "string"}}}


def _common_errors(*statuses: int) -> dict[str, Any]:
    texts = {
        400: "Bad request (`invalid_request` and the codes named in the operation).",
        401: "`login_required`: no session or it ended; the body has `login_url`.",
        403: "`feature_unavailable` (the scope is missing) or `csrf_failed`.",
        404: "Not found (codes named in the operation).",
        409: "Conflict (codes named in the operation).",
        422: "Validation failed: `errors` lists `path` (JSON Pointer) and `message`.",
        429: "`rate_limited`: the tenant's rate limit; `retry_after` seconds, `Retry-After`.",
        502: "`tenant_unavailable` (the tenant failed) or, for writes,"
             " `write_outcome_unknown` (sent, no answer: reload and check before retrying).",
        503: "`busy`: another change to this account is in progress; retry shortly.",
        504: "`tenant_unavailable`: the tenant did not answer in time.",
    }
    responses = {str(s): _problem(texts[s]) for s in statuses}
    responses["default"] = _problem("Any other error, as problem+json.")
    return responses


def _op(summary: str, description: str, feature: str | None, responses: dict[str, Any],
        *, body: dict[str, Any] | None = None, parameters: list | None = None,
        tag: str) -> dict[str, Any]:
    needs = (
        f"\n\nNeeds the feature `{feature}` (scopes: {', '.join(FEATURES[feature])})."
        if feature else ""
    )
    op: dict[str, Any] = {
        "summary": summary,
        "description": description + needs,
        "tags": [tag],
        "responses": responses,
    }
    if body is not None:
        op["requestBody"] = {"required": True,
                             "content": {"application/json": {"schema": body}}}
    if parameters:
        op["parameters"] = parameters
    return op


def _path_param(name: str, description: str, schema: dict | None = None) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": schema or {"type": "string", "minLength": 1}}


SCHEMAS: dict[str, Any] = {
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details with a stable `code`. Codes:\n\n"
        + "\n".join(f"- `{code}`: {text}" for code, text in PROBLEM_CODES.items()),
        "required": ["type", "title", "status", "code", "detail"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "code": {"type": "string", "enum": sorted(PROBLEM_CODES)},
            "detail": {"type": "string"},
            "errors": {"type": "array", "items": _ref("FieldError")},
            "login_url": {"type": "string"},
            "error": {"type": "string", "description": "`login_required` only: the same"
                      " value as `code`, as the session contract names it."},
            "retry_after": {"type": "integer"},
            "feature": {"type": "string", "enum": list(FEATURES)},
            "missing_scopes": {"type": "array", "items": {"type": "string"}},
            "current": {"type": "object", "description": "`conflict`: the newest metadata."},
            "etag": {"type": "string", "description": "`conflict`: the newest metadata's tag."},
            "tenant_message": {"type": "string"},
            "copied_keys": {"type": "array", "items": {"type": "string"}},
        },
    },
    "FieldError": {
        "type": "object",
        "required": ["path", "message"],
        "properties": {"path": {"type": "string", "description": "JSON Pointer into the body"},
                       "message": {"type": "string"}},
    },
    "Identity": {
        "type": "object",
        "required": ["provider", "user_id", "connection", "isSocial"],
        "properties": {
            "provider": {"type": "string"},
            "user_id": {"type": "string", "description": "The part after the `|`."},
            "connection": {"type": "string"},
            "isSocial": {"type": "boolean"},
            "profileData": {"type": "object"},
        },
        "additionalProperties": False,
    },
    "Metadata": {"type": "object", "description": "The user's own `user_metadata`."},
    "Profile": {
        "type": "object",
        "required": ["user_id", "identities", "user_metadata", "app_metadata"],
        "properties": {
            "user_id": {"type": "string"},
            "name": {"type": ["string", "null"]},
            "nickname": {"type": ["string", "null"]},
            "email": {"type": ["string", "null"]},
            "email_verified": {"type": ["boolean", "null"]},
            "picture": {"type": ["string", "null"]},
            "identities": {"type": "array", "items": _ref("Identity")},
            "user_metadata": _ref("Metadata"),
            "app_metadata": {"type": "object", "description": "Read-only here."},
            "last_login": {"type": ["string", "null"]},
            "logins_count": {"type": ["integer", "null"]},
            "created_at": {"type": ["string", "null"]},
            "updated_at": {"type": ["string", "null"]},
        },
    },
    "MetadataView": {
        "type": "object",
        "required": ["user_metadata", "schema", "limits"],
        "properties": {
            "user_metadata": _ref("Metadata"),
            "schema": {"type": ["object", "null"],
                       "description": "JSON Schema of the editable keys, or null: any key."},
            "limits": {
                "type": "object",
                "required": ["max_bytes", "max_depth", "max_key_length"],
                "properties": {"max_bytes": {"type": "integer"},
                               "max_depth": {"type": "integer"},
                               "max_key_length": {"type": "integer"}},
            },
        },
    },
    "MetadataChanges": {
        "type": "object",
        "description": "First-level merge: each key set to its value, `null` deletes the key."
        f" Keys: no `.` or `$`, at most {MAX_KEY_LENGTH} characters; nesting at most"
        f" {MAX_DEPTH} levels; the result at most {MAX_BYTES} bytes of JSON (Auth0's 10 KB"
        " profile budget); with a configured schema, only its keys. `{}` changes nothing.",
    },
    "MetadataSaved": {
        "type": "object",
        "required": ["user_metadata", "etag"],
        "properties": {"user_metadata": _ref("Metadata"), "etag": {"type": "string"}},
    },
    "Identities": {
        "type": "object",
        "required": ["identities", "main", "connections"],
        "properties": {
            "identities": {"type": "array", "items": _ref("Identity")},
            "main": {"type": "object", "required": ["provider", "user_id"],
                     "properties": {"provider": {"type": ["string", "null"]},
                                    "user_id": {"type": "string"}}},
            "connections": {"type": "array", "items": {
                "type": "object",
                "required": ["name", "strategy", "linkable", "linked", "link_url"],
                "properties": {
                    "name": {"type": "string"},
                    "strategy": {"type": "string"},
                    "linkable": {"type": "boolean"},
                    "linked": {"type": "boolean"},
                    "link_url": {"type": "string",
                                 "description": "Navigate here (top level) to sign in to the"
                                 " other account; it comes back to /linked-accounts?pending=1."},
                },
            }},
        },
    },
    "IdentityList": {
        "type": "object",
        "required": ["identities"],
        "properties": {"identities": {"type": "array", "items": _ref("Identity")},
                       "detail": {"type": "string"}},
    },
    "PendingLink": {
        "type": "object",
        "required": ["connection", "email", "email_verified", "email_matches", "warnings",
                     "user_metadata", "metadata_will_be_lost", "not_copied_keys",
                     "expires_at"],
        "properties": {
            "connection": {"type": "string"},
            "email": {"type": ["string", "null"]},
            "email_verified": {"type": "boolean"},
            "email_matches": {"type": "boolean"},
            "warnings": {"type": "array", "items": {
                "type": "object", "required": ["code", "message"],
                "properties": {"code": {"type": "string", "enum": [
                    "email_differs", "email_unverified", "metadata_unreadable",
                    "metadata_not_copied"]},
                    "message": {"type": "string"}}}},
            "user_metadata": {"type": ["object", "null"],
                              "description": "The other account's metadata, read with its own"
                              " token; null when it could not be read."},
            "metadata_will_be_lost": {"type": "boolean"},
            "not_copied_keys": {"type": "array", "items": {"type": "string"},
                                "description": "Keys of the other account's metadata that"
                                " the metadata rules (or METADATA_SCHEMA) refuse: they are"
                                " never copied."},
            "expires_at": {"type": "integer", "description": "UNIX seconds."},
        },
    },
    "LinkRequest": {
        "type": "object",
        "properties": {"copy_metadata": {"type": "boolean", "default": False}},
        "additionalProperties": False,
    },
    "Linked": {
        "type": "object",
        "required": ["identities", "copied_keys", "skipped_keys", "not_copied_keys"],
        "properties": {
            "identities": {"type": "array", "items": _ref("Identity")},
            "copied_keys": {"type": "array", "items": {"type": "string"}},
            "skipped_keys": {"type": "array", "items": {"type": "string"},
                             "description": "Keys both accounts had with different values:"
                             " this account's value was kept."},
            "not_copied_keys": {"type": "array", "items": {"type": "string"},
                                "description": "Keys the metadata rules refuse: not copied."},
        },
    },
    "Enrollments": {
        "type": "object",
        "required": ["enrollments"],
        "properties": {"enrollments": {"type": "array", "items": {
            "type": "object",
            "properties": {k: {"type": "string"} for k in (
                "id", "status", "type", "name", "identifier", "phone_number", "auth_method",
                "enrolled_at", "last_auth")},
        }}},
    },
    "DeviceCredential": {
        "type": "object",
        "required": ["id", "device_name", "device_id", "created_at"],
        "properties": {"id": {"type": "string"}, "device_name": {"type": "string"},
                       "device_id": {"type": "string"}, "created_at": {"type": "string"}},
    },
    "DeviceCredentials": {
        "type": "object",
        "required": ["device_credentials"],
        "properties": {"device_credentials": {"type": "array",
                                              "items": _ref("DeviceCredential")}},
    },
    "DeviceRegistration": {
        "type": "object",
        "required": ["device_name", "device_id", "public_key"],
        "additionalProperties": False,
        "properties": {
            "device_name": {"type": "string", "minLength": 1, "maxLength": MAX_DEVICE_NAME},
            "device_id": {"type": "string", "pattern": f"^{DEVICE_ID.pattern}$",
                          "description": "1 to 36 hex digits and dashes, e.g. a UUID."},
            "public_key": {"type": "string", "description": "An RSA, EC or Ed25519 public"
                           " key: PEM (`-----BEGIN PUBLIC KEY-----`, SubjectPublicKeyInfo) or"
                           " base64 of the DER SubjectPublicKeyInfo."},
        },
    },
}


def build_openapi(script_root: str = "") -> dict[str, Any]:
    """The document; `script_root` is where the BFF is mounted (the server URL)."""
    get_errors = _common_errors(401, 403, 429, 502, 504)
    write_errors = _common_errors(400, 401, 403, 429, 502, 503, 504)
    provider = _path_param("provider", "Identity provider of the linked identity.")
    identity_id = _path_param("identity_user_id", "The identity's user_id (after the `|`).")
    paths: dict[str, Any] = {
        "/api/me": {"get": _op(
            "Your profile",
            f"The profile, cached per session for {PROFILE_TTL} s and dropped on every write. "
            + ETAG_DOC
            + " `If-None-Match` with the current tag gives 304.",
            "profile",
            {"200": _json(_ref("Profile"), "The profile.", headers=_etag_header()),
             "304": {"description": "Not modified.", "headers": _etag_header()},
             **get_errors}, tag="profile",
            parameters=[{"name": "If-None-Match", "in": "header", "required": False,
                         "schema": {"type": "string"}}])},
        "/api/me/metadata": {
            "get": _op("Your user_metadata, the editable keys and the limits", ETAG_DOC,
                       "profile",
                       {"200": _json(_ref("MetadataView"), "Metadata.",
                                     headers=_etag_header()), **get_errors}, tag="metadata"),
            "patch": _op(
                "Change your user_metadata",
                "Validated before it is sent (422 `invalid_metadata`). With `If-Match`, a"
                " stale tag gives 409 `conflict` with `current` and `etag`; a malformed one"
                " 412 `precondition_failed`. " + ETAG_DOC,
                "metadata",
                {"200": _json(_ref("MetadataSaved"), "Saved.", headers=_etag_header()),
                 "409": _problem("`conflict`: changed since your `If-Match` version."),
                 "412": _problem("`precondition_failed`: `If-Match` is not an entity tag."),
                 "422": _problem("`invalid_metadata`: see `errors`."), **write_errors},
                body=_ref("MetadataChanges"), tag="metadata",
                parameters=[{"name": "If-Match", "in": "header", "required": False,
                             "schema": {"type": "string"}}]),
        },
        "/api/me/identities": {"get": _op(
            "Your linked identities and the connections you can link",
            "`main` is the identity the account was created with (it cannot be unlinked).",
            "profile", {"200": _json(_ref("Identities"), "Identities."), **get_errors},
            tag="identities")},
        "/api/me/identities/{provider}/{identity_user_id}": {"delete": _op(
            "Unlink an identity",
            "The identity becomes a separate user again (with its own, empty profile); your"
            " metadata stays with this account. 400 `main_identity` for the main identity,"
            " 404 `identity_not_found` for one that is not linked.",
            "identities",
            {"200": _json(_ref("IdentityList"), "The remaining identities."),
             "404": _problem("`identity_not_found`."), **write_errors},
            parameters=[provider, identity_id], tag="identities")},
        "/api/me/link": {
            "get": _op(
                "What linking the account you just signed in to will do",
                "After `/link/<connection>`. 404 `no_pending_link` when there is none (or it"
                " expired); 409 `link_same_account` when the other sign-in is this account"
                " itself (the pending link is then dropped). Linking drops the other"
                " account's metadata unless copied.",
                "identities",
                {"200": _json(_ref("PendingLink"), "The pending link."),
                 "404": _problem("`no_pending_link`."),
                 "409": _problem("`link_same_account`."), **get_errors}, tag="identities"),
            "post": _op(
                "Link it",
                "Links with the other account's ID token (`link_with`). With `copy_metadata`,"
                " its `user_metadata` is first merged into yours; your keys win and keys both"
                " have with different values are listed in `skipped_keys`, keys the metadata"
                " rules refuse in `not_copied_keys`. Copying needs the `metadata` feature too.",
                "identities",
                {"201": _json(_ref("Linked"), "Linked."),
                 "404": _problem("`no_pending_link`."),
                 "409": _problem("`identity_exists`, `metadata_unreadable` or"
                                 " `link_same_account`."),
                 "422": _problem("`invalid_metadata`: copying would break a rule."),
                 **write_errors},
                body=_ref("LinkRequest"), tag="identities"),
            "delete": _op("Cancel the pending link", "Forgets the other sign-in.", None,
                          {"204": {"description": "Cancelled (or nothing was pending)."},
                           **_common_errors(401, 403)}, tag="identities"),
        },
        "/api/me/enrollments": {"get": _op(
            "Your multi-factor enrollments", "", "mfa",
            {"200": _json(_ref("Enrollments"), "Enrollments."), **get_errors}, tag="mfa")},
        "/api/me/multifactor/{provider}": {"delete": _op(
            "Remove a multi-factor provider",
            "Removes your enrollments with `duo` or `google-authenticator`; other values give"
            " 400 `unknown_provider`.",
            "mfa", {"204": {"description": "Removed."}, **write_errors},
            parameters=[_path_param("provider", "`duo` or `google-authenticator`.")],
            tag="mfa")},
        "/api/me/device-credentials": {
            "get": _op(
                "Device keys this app registered for you",
                "The tenant has no self-service listing; this app keeps its own registry.",
                "devices", {"200": _json(_ref("DeviceCredentials"), "Device keys."),
                            **get_errors}, tag="devices"),
            "post": _op(
                "Register a device's public key", "409 `device_exists` for a device that"
                " already has a key.", "devices",
                {"201": _json(_ref("DeviceCredential"), "Registered."),
                 "409": _problem("`device_exists`."), **write_errors},
                body=_ref("DeviceRegistration"), tag="devices"),
        },
        "/api/me/device-credentials/{credential_id}": {"delete": _op(
            "Revoke a device key", "Only keys this app registered for you; else 404"
            " `device_not_found`.", "devices",
            {"204": {"description": "Revoked."}, "404": _problem("`device_not_found`."),
             **write_errors},
            parameters=[_path_param("credential_id", "The key's id.")], tag="devices")},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "selfserve account API",
            "version": "1",
            "description": "The JSON API the account page calls. It acts only for the"
            " signed-in user (the session cookie) through the Management API's"
            " self-service endpoints. State-changing calls need `X-CSRF: 1` and a"
            " same-origin `Origin`. Errors are `application/problem+json` with a stable"
            " `code`.",
        },
        "servers": [{"url": script_root or "/"}],
        "paths": paths,
        "components": {"schemas": SCHEMAS},
    }
