"""The OpenAPI 3.1 document of the JSON API, served at `/api/openapi.json`.

Contract: `build_openapi(script_root)` describes every endpoint of `ENDPOINTS` (one row
per route of the blueprint `api`, checked by a unit test). The bodies' schemas are not
written here: they are the JSON Schemas pydantic derives from `app.selfservice.models`,
the same models the views validate input with and build answers from; the problem
`code` enum is `app.web.problem_codes.PROBLEM_CODES`. Here live only the words for
people and which statuses each endpoint answers; tests validate every response against
the document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from app.auth import FEATURES

from . import models, safety_models, sign_in_models
from .profile import TTL as PROFILE_TTL

PROBLEM = "application/problem+json"
REF = "#/components/schemas/{model}"

ETAG_DOC = (
    "Strong entity tags. `GET /api/me` returns `p-...`, which changes when any part of the"
    " profile changes; `GET /api/me/metadata` and `PATCH /api/me/metadata` return `m-...`,"
    " which changes only when `user_metadata` does. `PATCH /api/me/metadata` accepts either"
    " in `If-Match` (a `p-` tag is stricter: any profile change makes it stale)."
)

COMMON_ERRORS = {
    400: "Bad request (`invalid_request` and the codes named in the operation).",
    401: "`login_required`: no session or it ended; the body has `login_url`.",
    403: "`feature_unavailable` (the scope is missing) or `csrf_failed`.",
    429: "`rate_limited`: the tenant's rate limit; `retry_after` seconds, `Retry-After`.",
    502: "`tenant_unavailable` (the tenant failed) or, for writes,"
         " `write_outcome_unknown` (sent, no answer: reload and check before retrying).",
    503: "`busy`: another change to this account is in progress; retry shortly.",
    504: "`tenant_unavailable`: the tenant did not answer in time.",
}
#: A sensitive change (`step_up_required`) answers this 401 too.
STEP_UP = {401: "`login_required` (no session), or `reauthentication_required`: the sign-in"
           " is older than `max_age` seconds (STEP_UP_MAX_AGE); nothing was changed. Send the"
           " browser to `reauth_url` (`prompt=login`, `max_age=0` at the tenant), then ask the"
           " user to confirm the change again."}
READ_ERRORS = (401, 403, 429, 502, 504)
WRITE_ERRORS = (400, 401, 403, 429, 502, 503, 504)


@dataclass(frozen=True)
class Endpoint:
    """One operation: `view` is the endpoint name of the route that serves it."""

    view: str
    method: str
    path: str
    summary: str
    description: str
    feature: str | None
    tag: str
    status: int  # the success status
    answer: type[BaseModel] | None  # the success body; None: no body
    body: type[BaseModel] | None = None
    problems: dict[int, str] = field(default_factory=dict)  # this operation's own codes
    common_errors: tuple[int, ...] = READ_ERRORS
    path_params: tuple[tuple[str, str], ...] = ()
    query_params: tuple[tuple[str, str, str], ...] = ()  # (name, JSON type, description)
    headers: tuple[str, ...] = ()  # request headers it reads
    etag: bool = False  # the success answer carries an ETag
    not_modified: bool = False  # may answer 304


SESSIONS_DOC = (
    "The sessions of this account page only (each browser signed in here), not every"
    " application of the tenant: Auth0's own sessions need a Management API scope a"
    " user's token does not have. `id` is opaque (not the session's cookie or secret).")

MY_ACCOUNT_DOC = (
    " Read through Auth0's My Account API with the user's own `https://{domain}/me/`"
    " token, which the BFF gets beside the Management API one and never hands to the"
    " browser. Without it: 403 `my_account_unavailable` (`reason`: `off`, `not_granted`,"
    " `unavailable`); without the scope: 403 `insufficient_scope`. The tenant's rate"
    " limits are low (Free plan: 2 authentication-method calls a minute per user): expect"
    " 429 `rate_limited` with `retry_after`.")

SIGN_IN_ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        "api.list_sign_in_methods", "GET", "/api/me/authentication-methods",
        "How you sign in", "Your password, passkeys and second factors, without key"
        " material." + MY_ACCOUNT_DOC, None, "sign-in methods", 200,
        sign_in_models.SignInMethods),
    Endpoint(
        "api.list_factors", "GET", "/api/me/factors", "What you may add",
        "The factors the tenant enables." + MY_ACCOUNT_DOC, None, "sign-in methods", 200,
        sign_in_models.Factors),
    Endpoint(
        "api.start_enrollment", "POST", "/api/me/authentication-methods",
        "Add a sign-in method, or change the password",
        "Starts the enrollment; the tenant's `auth_session` stays on the server, bound to"
        " this session, for `expires_in` seconds. `passkey`: `passkey_options` for"
        " `navigator.credentials.create()`; `totp`: the `otpauth` URI, its QR code (SVG,"
        " drawn here) and the manual code; `recovery-code`: the code, shown once (a new one"
        " replaces the old when confirmed); `email` / `phone`: a code was sent to"
        " `code_sent_to`; `password`: the `password_policy` the new one must meet."
        + MY_ACCOUNT_DOC,
        None, "sign-in methods", 202, sign_in_models.PendingEnrollment,
        body=sign_in_models.EnrollmentRequest, problems=STEP_UP,
        common_errors=WRITE_ERRORS),
    Endpoint(
        "api.verify_enrollment", "POST", "/api/me/authentication-methods/{method_id}/verify",
        "Confirm an enrollment", "`otp_code` for an authenticator app, e-mail or phone;"
        " `authn_response` (the new `PublicKeyCredential`'s `toJSON()`) for a passkey;"
        " `new_password` for the password; `{}` once the recovery code is saved. 400"
        " `wrong_code`, `passkey_rejected`, `password_rejected` (try again: the enrollment"
        " is kept), 404 `enrollment_not_found` (start again)." + MY_ACCOUNT_DOC, None,
        "sign-in methods", 201,
        sign_in_models.EnrolledMethod, body=sign_in_models.EnrollmentProof,
        problems={404: "`enrollment_not_found`.", 409: "`passkey_exists`."},
        common_errors=WRITE_ERRORS,
        path_params=(("method_id", "The enrollment's `id`, URL-encoded."),)),
    Endpoint(
        "api.rename_sign_in_method", "PATCH", "/api/me/authentication-methods/{method_id}",
        "Rename a sign-in method", "A passkey's or a second factor's name." + MY_ACCOUNT_DOC,
        None, "sign-in methods", 200, sign_in_models.SignInMethod,
        body=sign_in_models.MethodRename, common_errors=WRITE_ERRORS,
        problems={404: "`method_not_found`."},
        path_params=(("method_id", "The method's `id` from the list, URL-encoded."),)),
    Endpoint(
        "api.remove_sign_in_method", "DELETE", "/api/me/authentication-methods/{method_id}",
        "Remove a sign-in method", "A passkey or a second factor; 400 `password_required`"
        " for the password." + MY_ACCOUNT_DOC, None, "sign-in methods", 204, None,
        problems={404: "`method_not_found`.", **STEP_UP}, common_errors=WRITE_ERRORS,
        path_params=(("method_id", "The method's `id` from the list, URL-encoded."),)),
)

SAFETY_ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        "api.list_sessions", "GET", "/api/me/sessions", "Where you are signed in",
        SESSIONS_DOC + " This browser's session is first, marked `current`.",
        None, "sessions", 200, safety_models.SignedInSessions, common_errors=(401, 403)),
    Endpoint(
        "api.end_session", "DELETE", "/api/me/sessions/{session_id}", "End a session",
        "Its browser's next request gets 401, on every worker. 400 `current_session` for"
        " this browser's own (sign out instead), 404 `session_not_found`. " + SESSIONS_DOC,
        None, "sessions", 200, safety_models.SignedInSessions,
        problems={404: "`session_not_found`.", **STEP_UP}, common_errors=(400, 401, 403),
        path_params=(("session_id", "The session's `id` from the list."),)),
    Endpoint(
        "api.sign_out_others", "POST", "/api/me/sessions/sign-out-others",
        "End every other session", "Every session but this browser's. " + SESSIONS_DOC,
        None, "sessions", 200, safety_models.SignedInSessions, problems=STEP_UP,
        common_errors=(401, 403)),
    Endpoint(
        "api.get_activity", "GET", "/api/me/activity", "What was done to your account here",
        "Newest first: sign-ins and sign-outs, metadata saved (which keys, never their"
        " values), identities linked or unlinked, MFA removed, device keys registered or"
        " revoked, sessions ended, and refused or failed sensitive changes, each with"
        " browser, network and outcome. Kept `ACTIVITY_RETENTION_DAYS` days (default 90),"
        " at most 500 entries. `?limit=` 1 to 100 (default 20); `?before=` the previous"
        " page's `next_before`.", None, "activity", 200, safety_models.ActivityPage,
        common_errors=(400, 401, 403),
        query_params=(("before", "number", "The `next_before` of the previous page."),
                      ("limit", "integer", "Entries per page, 1 to 100 (default 20)."))),
    Endpoint(
        "api.export_data", "GET", "/api/me/export", "Download your data",
        "One JSON file (`Content-Disposition: attachment`) with everything this page can"
        " read about you: profile, `user_metadata`, `app_metadata`, identities, MFA"
        " enrollments, the device keys registered here, your sessions and your activity."
        " Never a token, a secret or another user's data.", "profile", "export", 200,
        safety_models.DataExport),
)

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        "api.me", "GET", "/api/me", "Your profile",
        f"The profile, cached per session for {PROFILE_TTL} s and dropped on every write. "
        + ETAG_DOC + " `If-None-Match` with the current tag gives 304.",
        "profile", "profile", 200, models.Profile, headers=("If-None-Match",), etag=True,
        not_modified=True),
    Endpoint(
        "api.get_metadata", "GET", "/api/me/metadata",
        "Your user_metadata, the editable keys and the limits", ETAG_DOC,
        "profile", "metadata", 200, models.MetadataView, etag=True),
    Endpoint(
        "api.patch_metadata", "PATCH", "/api/me/metadata", "Change your user_metadata",
        "Validated before it is sent (422 `invalid_metadata`). With `If-Match`, a stale tag"
        " gives 409 `conflict` with `current` and `etag`; a malformed one 412"
        " `precondition_failed`. " + ETAG_DOC,
        "metadata", "metadata", 200, models.MetadataSaved, body=models.MetadataChanges,
        problems={409: "`conflict`: changed since your `If-Match` version.",
                  412: "`precondition_failed`: `If-Match` is not an entity tag.",
                  422: "`invalid_metadata`: see `errors`."},
        common_errors=WRITE_ERRORS, headers=("If-Match",), etag=True),
    Endpoint(
        "api.get_identities", "GET", "/api/me/identities",
        "Your linked identities and the connections you can link",
        "`main` is the identity the account was created with (it cannot be unlinked).",
        "profile", "identities", 200, models.Identities),
    Endpoint(
        "api.unlink_identity", "DELETE", "/api/me/identities/{provider}/{identity_user_id}",
        "Unlink an identity",
        "The identity becomes a separate user again (with its own, empty profile); your"
        " metadata stays with this account. 400 `main_identity` for the main identity,"
        " 404 `identity_not_found` for one that is not linked.",
        "identities", "identities", 200, models.IdentityList,
        problems={404: "`identity_not_found`.", **STEP_UP}, common_errors=WRITE_ERRORS,
        path_params=(("provider", "Identity provider of the linked identity."),
                     ("identity_user_id", "The identity's user_id (after the `|`)."))),
    Endpoint(
        "api.get_pending_link", "GET", "/api/me/link",
        "What linking the account you just signed in to will do",
        "After `/link/<connection>`. 404 `no_pending_link` when there is none (or it"
        " expired); 409 `link_same_account` when the other sign-in is this account itself"
        " (the pending link is then dropped). Linking drops the other account's metadata"
        " unless copied; keys the metadata rules refuse are never copied.",
        "identities", "identities", 200, models.PendingLinkView,
        problems={404: "`no_pending_link`.", 409: "`link_same_account`."}),
    Endpoint(
        "api.confirm_link", "POST", "/api/me/link", "Link it",
        "Links with the other account's ID token (`link_with`). With `copy_metadata`, its"
        " `user_metadata` is first merged into yours; your keys win and keys both have"
        " with different values are listed in `skipped_keys`, keys the metadata rules"
        " refuse in `not_copied_keys`. Copying needs the `metadata` feature too.",
        "identities", "identities", 201, models.Linked, body=models.LinkRequest,
        problems={404: "`no_pending_link`.",
                  409: "`identity_exists`, `metadata_unreadable` or `link_same_account`.",
                  422: "`invalid_metadata`: copying would break a rule."},
        common_errors=WRITE_ERRORS),
    Endpoint(
        "api.cancel_link", "DELETE", "/api/me/link", "Cancel the pending link",
        "Forgets the other sign-in.", None, "identities", 204, None,
        common_errors=(401, 403)),
    Endpoint(
        "api.get_enrollments", "GET", "/api/me/enrollments",
        "Your multi-factor enrollments", "", "mfa", "mfa", 200, models.Enrollments),
    Endpoint(
        "api.delete_multifactor", "DELETE", "/api/me/multifactor/{provider}",
        "Remove a multi-factor provider",
        "Removes your enrollments with `duo` or `google-authenticator`; other values give"
        " 400 `unknown_provider`.", "mfa", "mfa", 204, None, problems=STEP_UP,
        common_errors=WRITE_ERRORS,
        path_params=(("provider", "`duo` or `google-authenticator`."),)),
    Endpoint(
        "api.list_device_credentials", "GET", "/api/me/device-credentials",
        "Device keys this app registered for you",
        "The tenant has no self-service listing; this app keeps its own registry.",
        "devices", "devices", 200, models.DeviceCredentials),
    Endpoint(
        "api.create_device_credential", "POST", "/api/me/device-credentials",
        "Register a device's public key",
        "409 `device_exists` for a device that already has a key.",
        "devices", "devices", 201, models.DeviceCredential, body=models.DeviceRegistration,
        problems={409: "`device_exists`."}, common_errors=WRITE_ERRORS),
    Endpoint(
        "api.delete_device_credential", "DELETE", "/api/me/device-credentials/{credential_id}",
        "Revoke a device key",
        "Only keys this app registered for you; else 404 `device_not_found`.",
        "devices", "devices", 204, None, problems={404: "`device_not_found`.", **STEP_UP},
        common_errors=WRITE_ERRORS, path_params=(("credential_id", "The key's id."),)),
    *SAFETY_ENDPOINTS,
    *SIGN_IN_ENDPOINTS,
)


class _Schemas(GenerateJsonSchema):
    """pydantic's JSON Schema (2020-12, as OpenAPI 3.1 takes it) without a title on
    every property: the names say it."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


@cache
def component_schemas() -> dict[str, Any]:
    """`components.schemas`: every model of `models.document_models()`, by class name."""
    _, top = models_json_schema(models.document_models(), ref_template=REF,
                                schema_generator=_Schemas)
    return top["$defs"]


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {PROBLEM: {"schema": _ref(models.ProblemDetails)}}}


def _etag_header() -> dict[str, Any]:
    return {"ETag": {"description": "Strong entity tag (see the API description).",
                     "schema": {"type": "string"}}}


def _operation(endpoint: Endpoint) -> dict[str, Any]:
    needs = (f"\n\nNeeds the feature `{endpoint.feature}` (scopes:"
             f" {', '.join(FEATURES[endpoint.feature])})." if endpoint.feature else "")
    success: dict[str, Any] = {"description": endpoint.summary + "."}
    if endpoint.answer is not None:
        success["content"] = {"application/json": {"schema": _ref(endpoint.answer)}}
    if endpoint.etag:
        success["headers"] = _etag_header()
    responses: dict[str, Any] = {str(endpoint.status): success}
    if endpoint.not_modified:
        responses["304"] = {"description": "Not modified.", "headers": _etag_header()}
    for status in endpoint.common_errors:
        responses[str(status)] = _problem(COMMON_ERRORS[status])
    for status, text in endpoint.problems.items():
        responses[str(status)] = _problem(text)
    responses["default"] = _problem("Any other error, as problem+json.")
    operation: dict[str, Any] = {
        "operationId": endpoint.view.removeprefix("api."),
        "summary": endpoint.summary,
        "description": endpoint.description + needs,
        "tags": [endpoint.tag],
        "responses": responses,
    }
    parameters = [
        {"name": name, "in": "path", "required": True, "description": text,
         "schema": {"type": "string", "minLength": 1}}
        for name, text in endpoint.path_params
    ] + [
        {"name": name, "in": "query", "required": False, "description": text,
         "schema": {"type": kind}}
        for name, kind, text in endpoint.query_params
    ] + [
        {"name": name, "in": "header", "required": False, "schema": {"type": "string"}}
        for name in endpoint.headers
    ]
    if parameters:
        operation["parameters"] = parameters
    if endpoint.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(endpoint.body)}},
        }
    return operation


def build_openapi(script_root: str = "") -> dict[str, Any]:
    """The document; `script_root` is where the BFF is mounted (the server URL)."""
    paths: dict[str, Any] = {}
    for endpoint in ENDPOINTS:
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = _operation(endpoint)
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
        "components": {"schemas": component_schemas()},
    }
