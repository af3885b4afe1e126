"""The user's sign-in methods, read through Auth0's My Account API with the user's own
`/me/` token (`app.auth.my_account_access`).

Contract: `methods(access, client, caller_id)` lists them (`SignInMethods`, no key
material); `factors(...)` lists what the tenant enables (`Factors`). Without a token:
403 `my_account_unavailable` with its `reason` and `detail` (the page then shows the
Management API's enrollments); without the scope an operation needs: 403
`insufficient_scope` naming it. Nothing here is sent before those checks pass.
`rename(..., method_id, name)` gives the renamed `SignInMethod`; `remove(...)` deletes a
method (400 `password_required` for the password: it is how the identity signs in).
`start(...)` / `verify(...)` enroll an authenticator app or a recovery code (below).
"""

from __future__ import annotations

import io
import time

import segno

from app.auth import MyAccountAccess
from app.web.problems import Problem

from ..my_account_client import MyAccountClient
from ..sign_in_models import (
    EnrollmentProof,
    EnrollmentRequest,
    Factor,
    Factors,
    MethodRename,
    PendingEnrollment,
    SignInMethod,
    SignInMethods,
    TotpSetup,
)
from ..store import KeyValueStore, session_key
from ..tenant_http import Caller, TenantHTTPError

READ_METHODS = "read:me:authentication_methods"
READ_FACTORS = "read:me:factors"
UPDATE_METHODS = "update:me:authentication_methods"
DELETE_METHODS = "delete:me:authentication_methods"


def _caller(access: MyAccountAccess, user_id: str, scope: str) -> Caller:
    if access.token is None:
        raise Problem(403, "my_account_unavailable",
                      access.detail or "Your sign-in methods cannot be read here.",
                      reason=access.reason)
    if scope not in access.scopes:
        raise Problem(403, "insufficient_scope",
                      f"The tenant did not grant this application {scope}.",
                      missing_scopes=[scope])
    return Caller(user_id, access.token)


def methods(access: MyAccountAccess, client: MyAccountClient, user_id: str) -> SignInMethods:
    listed = client.list_methods(_caller(access, user_id, READ_METHODS))
    return SignInMethods(methods=[SignInMethod.model_validate(m) for m in listed])


def factors(access: MyAccountAccess, client: MyAccountClient, user_id: str) -> Factors:
    listed = client.list_factors(_caller(access, user_id, READ_FACTORS))
    return Factors(factors=[Factor.model_validate(f) for f in listed])


def rename(access: MyAccountAccess, client: MyAccountClient, user_id: str, method_id: str,
           change: MethodRename) -> SignInMethod:
    renamed = client.update_method(_caller(access, user_id, UPDATE_METHODS), method_id,
                                   {"name": change.name})
    return SignInMethod.model_validate(renamed)


def remove(access: MyAccountAccess, client: MyAccountClient, user_id: str,
           method_id: str) -> None:
    if method_id.startswith("password|"):
        raise Problem(400, "password_required", "The password cannot be removed here: it is"
                      " how this sign-in identity signs in. Change it instead.")
    client.delete_method(_caller(access, user_id, DELETE_METHODS), method_id)


# --- enrolling a new method (authenticator app, recovery code) -------------------------

#: What can be enrolled from here so far; the others need a browser ceremony or a
#: delivered code (issue 13, still open).
ENROLLABLE = ("totp", "recovery-code")
CREATE_METHODS = "create:me:authentication_methods"
#: The tenant keeps an enrollment's `auth_session` 5 minutes (Auth0: `auth_session`).
PENDING_TTL = 300


def _pending_key(session_id: str) -> str:
    return session_key("enrollment", session_id)


def start(access: MyAccountAccess, client: MyAccountClient, store: KeyValueStore,
          user_id: str, session_id: str, request: EnrollmentRequest) -> PendingEnrollment:
    """Start an enrollment; its `auth_session` stays in the store, bound to this session
    (one at a time: a new start replaces the old). The answer holds what the browser
    shows: the `otpauth` URI with its QR code and manual code, or the recovery code once."""
    caller = _caller(access, user_id, CREATE_METHODS)
    started = client.start_enrollment(caller, {"type": request.type})
    method_id, auth_session = started.get("id"), started.get("auth_session")
    if not isinstance(method_id, str) or not isinstance(auth_session, str):
        raise Problem(502, "tenant_unavailable", "The sign-in service started the enrollment"
                      " without the id or session it needs; try again.")
    store.set(_pending_key(session_id), {"id": method_id, "type": request.type,
                                         "auth_session": auth_session,
                                         "expires_at": time.time() + PENDING_TTL},
              PENDING_TTL)
    answer = PendingEnrollment(id=method_id, type=request.type, expires_in=PENDING_TTL)
    if request.type == "totp":
        uri = started.get("barcode_uri")
        if not isinstance(uri, str) or not uri.startswith("otpauth://"):
            raise Problem(502, "tenant_unavailable", "The sign-in service gave no"
                          " authenticator URI; try again.")
        answer.totp = TotpSetup(barcode_uri=uri, manual_input_code=str(
            started.get("manual_input_code") or ""), qr_svg=qr_svg(uri))
    else:
        answer.recovery_code = str(started.get("recovery_code") or "")
    return answer


def qr_svg(uri: str) -> str:
    """The QR code of `uri` as an SVG document, drawn here (segno): the secret in the URI
    never goes to a third-party service."""
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=4, border=4,
                                    title="QR code for your authenticator app",
                                    svgclass=None, lineclass=None, xmldecl=False)
    return buffer.getvalue().decode()


def verify(access: MyAccountAccess, client: MyAccountClient, store: KeyValueStore,
           user_id: str, session_id: str, method_id: str, proof: EnrollmentProof
           ) -> SignInMethod:
    """Finish the pending enrollment `method_id` with `proof` (a code for totp, nothing
    for a recovery code the user saved). A wrong code: 400 `wrong_code`, the enrollment
    kept for another try; none pending (expired, another id): 404 `enrollment_not_found`.
    A confirmed recovery code replaces the user's older ones."""
    caller = _caller(access, user_id, CREATE_METHODS)
    pending = store.get(_pending_key(session_id))
    if not isinstance(pending, dict) or pending.get("id") != method_id:
        raise Problem(404, "enrollment_not_found", "No enrollment of this id is waiting to"
                      " be confirmed (it expires after 5 minutes): start again.")
    body: dict = {"auth_session": pending["auth_session"]}
    if pending["type"] == "totp":
        if proof.otp_code is None:
            raise Problem(400, "wrong_code", "Enter the 6-digit code your authenticator app"
                          " shows.", field="otp_code")
        body["otp_code"] = proof.otp_code
    try:
        enrolled = client.verify_enrollment(caller, method_id, body)
    except TenantHTTPError as error:
        if error.status == 400 and "otp_code" in error.fields:
            raise Problem(400, "wrong_code", "That code is not right (or no longer valid):"
                          " enter the code your authenticator app shows now.",
                          field="otp_code") from None
        if error.status in (400, 404):
            store.delete(_pending_key(session_id))
            raise Problem(404, "enrollment_not_found", "The enrollment is no longer waiting"
                          f" ({error.tenant_message}): start again.") from None
        raise
    store.delete(_pending_key(session_id))
    if pending["type"] == "recovery-code":
        # One recovery code at a time: the new one replaces the old (the user saved it).
        for old in client.list_methods(caller, "recovery-code"):
            if old.get("id") != enrolled.get("id"):
                client.delete_method(_caller(access, user_id, DELETE_METHODS), old["id"])
    return SignInMethod.model_validate(enrolled)
