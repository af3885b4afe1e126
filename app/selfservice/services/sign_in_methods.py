"""The user's sign-in methods, read and changed through Auth0's My Account API with the
user's own `/me/` token (`app.auth.my_account_access`).

Contract: `methods(access, client, store, user_id)` lists them (`SignInMethods`, no key
material); `factors(...)` lists what the tenant enables (`Factors`). Without a token:
403 `my_account_unavailable` with its `reason` and `detail` (the page then shows the
Management API's enrollments); without the scope an operation needs: 403
`insufficient_scope` naming it. Nothing here is sent before those checks pass. The
factors are kept per user for `FACTORS_TTL` seconds.
`rename(...)` gives the renamed `SignInMethod`; `remove(...)` deletes a method (400
`password_required` for the password: it is how the identity signs in). `start(...)` /
`verify(...)` add a passkey, an authenticator app, a recovery code, e-mail or phone
codes, or change the password (below).

The list is kept per user for `LIST_TTL` seconds and updated by every change made here:
Auth0's Free plan allows 2 authentication-method calls a minute per user, and a page
that re-read the list after each change would spend them all. A change through this
BFF's Management API calls (an MFA removal, a link, an unlink) drops it at once; a
change made elsewhere (another application) shows within `LIST_TTL` seconds.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Iterator, Set
from contextlib import contextmanager
from typing import Any

import segno

from app.auth import MyAccountAccess
from app.web.problems import Problem

from ..my_account_client import MyAccountClient
from ..profile import ProfileCache
from ..sign_in_models import (
    EnrolledMethod,
    EnrollmentProof,
    EnrollmentRequest,
    Factor,
    Factors,
    MethodRename,
    PasswordPolicy,
    PendingEnrollment,
    SignInMethod,
    SignInMethods,
    TotpSetup,
)
from ..store import KeyValueStore, session_key, user_key
from ..tenant_http import Caller, TenantError, TenantHTTPError

log = logging.getLogger(__name__)

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


#: Seconds the list of a user's methods is kept (the Free plan's per-user window).
LIST_TTL = 60


def _list_key(user_id: str) -> str:
    return user_key("sign-in-methods", user_id)


def _cached(store: KeyValueStore, user_id: str) -> list[SignInMethod] | None:
    """The kept list, unless a change through the Management API (an MFA removal, a
    link or an unlink) made the user's profile generation move on since."""
    kept = store.get(_list_key(user_id))
    if (not isinstance(kept, dict)
            or kept.get("generation") != ProfileCache(store).generation(user_id)):
        return None
    return [SignInMethod.model_validate(m) for m in kept["methods"]]


def _keep(store: KeyValueStore, user_id: str, listed: list[SignInMethod],
          generation: int | None = None) -> None:
    """Keep `listed`, as of `generation` (read before the list was asked for, so that a
    change made meanwhile leaves it stale rather than hidden)."""
    if generation is None:
        generation = ProfileCache(store).generation(user_id)
    store.set(_list_key(user_id), {
        "generation": generation,
        "methods": [m.model_dump(exclude_none=True) for m in listed]}, LIST_TTL)


def _forget(store: KeyValueStore, user_id: str) -> None:
    store.delete(_list_key(user_id))


@contextmanager
def _forget_on_failure(store: KeyValueStore, user_id: str) -> Iterator[None]:
    """A write whose outcome is not known here (it failed, or no answer came) may have
    changed the methods: the kept list is dropped, and the next read asks the tenant."""
    try:
        yield
    except Problem:
        raise
    except Exception:
        _forget(store, user_id)
        raise


def _update_kept(store: KeyValueStore, user_id: str, *, drop: Set[str] = frozenset(),
                 put: SignInMethod | None = None) -> None:
    """Apply a change made here to the kept list (if one is kept)."""
    kept = _cached(store, user_id)
    if kept is None:
        return
    replaced = [put if put is not None and m.id == put.id else m for m in kept
                if m.id not in drop]
    if put is not None and all(m.id != put.id for m in kept):
        replaced.append(put)
    _keep(store, user_id, replaced)


def methods(access: MyAccountAccess, client: MyAccountClient, store: KeyValueStore,
            user_id: str) -> SignInMethods:
    caller = _caller(access, user_id, READ_METHODS)
    kept = _cached(store, user_id)
    if kept is None:
        generation = ProfileCache(store).generation(user_id)
        kept = [SignInMethod.model_validate(m) for m in client.list_methods(caller)]
        _keep(store, user_id, kept, generation)
    return SignInMethods(methods=kept)


#: Seconds the tenant's enabled factors are kept: a tenant setting, rarely changed.
FACTORS_TTL = 300


def factors(access: MyAccountAccess, client: MyAccountClient, store: KeyValueStore,
            user_id: str) -> Factors:
    caller = _caller(access, user_id, READ_FACTORS)
    kept = store.get(user_key("factors", user_id))
    if not isinstance(kept, list):
        kept = [Factor.model_validate(f).model_dump() for f in client.list_factors(caller)]
        store.set(user_key("factors", user_id), kept, FACTORS_TTL)
    return Factors(factors=[Factor.model_validate(f) for f in kept])


def rename(access: MyAccountAccess, client: MyAccountClient, store: KeyValueStore,
           user_id: str, method_id: str, change: MethodRename) -> SignInMethod:
    caller = _caller(access, user_id, UPDATE_METHODS)
    with _forget_on_failure(store, user_id), _gone_if_unknown(store, user_id, method_id):
        renamed = SignInMethod.model_validate(client.update_method(
            caller, method_id, {"name": change.name}))
    _update_kept(store, user_id, put=renamed)
    return renamed


@contextmanager
def _gone_if_unknown(store: KeyValueStore, user_id: str, method_id: str) -> Iterator[None]:
    """The tenant does not know `method_id` (removed elsewhere: Auth0 answers 404, the
    local tenant 400 `authentication_method_not_found`): 404 `method_not_found`, and the
    kept list no longer shows it."""
    try:
        yield
    except TenantHTTPError as error:
        if error.status != 404 and error.error_code != "authentication_method_not_found":
            raise
        _update_kept(store, user_id, drop={method_id})
        raise Problem(404, "method_not_found", "This sign-in method no longer exists"
                      " (it was removed elsewhere). The list shows what is left.") from None


def remove(access: MyAccountAccess, client: MyAccountClient, store: KeyValueStore,
           user_id: str, method_id: str) -> None:
    if method_id.startswith("password|"):
        raise Problem(400, "password_required", "The password cannot be removed here: it is"
                      " how this sign-in identity signs in. Change it instead.")
    caller = _caller(access, user_id, DELETE_METHODS)
    with _forget_on_failure(store, user_id), _gone_if_unknown(store, user_id, method_id):
        client.delete_method(caller, method_id)
    _update_kept(store, user_id, drop={method_id})


# --- adding a method, or a new password -------------------------------------------------

CREATE_METHODS = "create:me:authentication_methods"
#: The tenant keeps an enrollment's `auth_session` 5 minutes (Auth0: `auth_session`).
PENDING_TTL = 300


def _pending_key(session_id: str) -> str:
    return session_key("enrollment", session_id)


def _tenant_gave_nothing(what: str) -> Problem:
    return Problem(502, "tenant_unavailable", f"The sign-in service started this without"
                   f" {what}; try again.")


def start(access: MyAccountAccess, client: MyAccountClient, store: KeyValueStore,
          user_id: str, session_id: str, request: EnrollmentRequest) -> PendingEnrollment:
    """Start an enrollment; its `auth_session` stays in the store, bound to this session
    (one at a time: a new start replaces the old). The answer holds what the browser
    needs next: the passkey's creation options, the `otpauth` URI with its QR code and
    manual code, the recovery code (once), where a code was sent, or the password policy."""
    caller = _caller(access, user_id, CREATE_METHODS)
    body: dict[str, Any] = request.model_dump(exclude_none=True)
    started = client.start_enrollment(caller, body)
    method_id, auth_session = started.get("id"), started.get("auth_session")
    if not isinstance(method_id, str) or not isinstance(auth_session, str):
        raise _tenant_gave_nothing("the id or session it needs")
    store.set(_pending_key(session_id), {"id": method_id, "type": request.type,
                                         "auth_session": auth_session,
                                         "expires_at": time.time() + PENDING_TTL},
              PENDING_TTL)
    answer = PendingEnrollment(id=method_id, type=request.type, expires_in=PENDING_TTL)
    if request.type == "totp":
        uri = started.get("barcode_uri")
        if not isinstance(uri, str) or not uri.startswith("otpauth://"):
            raise _tenant_gave_nothing("an authenticator URI")
        answer.totp = TotpSetup(barcode_uri=uri, manual_input_code=str(
            started.get("manual_input_code") or ""), qr_svg=qr_svg(uri))
    elif request.type == "recovery-code":
        code = started.get("recovery_code")
        if not isinstance(code, str) or not code:
            raise _tenant_gave_nothing("a recovery code")
        answer.recovery_code = code
    elif request.type == "passkey":
        options = started.get("authn_params_public_key")
        if not isinstance(options, dict) or not isinstance(options.get("challenge"), str):
            raise _tenant_gave_nothing("the passkey's creation options")
        answer.passkey_options = options
    elif request.type in ("email", "phone"):
        answer.code_sent_to = request.email or request.phone_number
    else:
        answer.password_policy = PasswordPolicy.model_validate(started.get("policy") or {})
    return answer


def qr_svg(uri: str) -> str:
    """The QR code of `uri` as an SVG document, drawn here (segno): the secret in the URI
    never goes to a third-party service."""
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=4, border=4,
                                    title="QR code for your authenticator app",
                                    svgclass=None, lineclass=None, xmldecl=False)
    return buffer.getvalue().decode()


#: What each type's confirmation carries, and how the tenant names the field.
_PROOF = {"totp": "otp_code", "email": "otp_code", "phone": "otp_code",
          "passkey": "authn_response", "password": "new_password"}
_WRONG_PROOF = {
    "otp_code": "That code is not right (or no longer valid): enter the newest code.",
    "authn_response": "The passkey could not be checked",
    "new_password": "The new password was refused",
}


def _proof_body(pending: dict[str, Any], proof: EnrollmentProof) -> dict[str, Any]:
    body: dict[str, Any] = {"auth_session": pending["auth_session"]}
    field = _PROOF.get(pending["type"])
    if field is None:
        return body  # a recovery code: the user saved it; nothing to prove
    value = getattr(proof, field)
    if value is None:
        raise Problem(400, _refusal_code(field), {
            "otp_code": "Enter the 6-digit code.",
            "authn_response": "Create the passkey in your browser first.",
            "new_password": "Enter the new password.",
        }[field], field=field)
    body[field] = (value.model_dump(exclude_none=True) if field == "authn_response"
                   else value)
    return body


def _refusal_code(field: str) -> str:
    return {"otp_code": "wrong_code", "authn_response": "passkey_rejected",
            "new_password": "password_rejected"}[field]


def verify(access: MyAccountAccess, client: MyAccountClient, store: KeyValueStore,
           user_id: str, session_id: str, method_id: str, proof: EnrollmentProof
           ) -> EnrolledMethod:
    """Finish the pending enrollment `method_id` with `proof`. A proof the tenant refuses:
    400 `wrong_code`, `passkey_rejected` or `password_rejected` with the tenant's reason
    (the policy's, for a password), the enrollment kept for another try; none pending
    (expired, another id, too many tries): 404 `enrollment_not_found`. A confirmed
    recovery code replaces the user's older ones."""
    caller = _caller(access, user_id, CREATE_METHODS)
    pending = store.get(_pending_key(session_id))
    if not isinstance(pending, dict) or pending.get("id") != method_id:
        raise Problem(404, "enrollment_not_found", "No enrollment of this id is waiting to"
                      " be confirmed (it expires after 5 minutes): start again.")
    try:
        with _forget_on_failure(store, user_id):
            enrolled = SignInMethod.model_validate(
                client.verify_enrollment(caller, method_id, _proof_body(pending, proof)))
    except TenantHTTPError as error:
        field = _PROOF.get(pending["type"])
        if error.status == 409 and pending["type"] == "passkey":
            store.delete(_pending_key(session_id))
            raise Problem(409, "passkey_exists", "This passkey is added already: your"
                          " authenticator holds it. Use it to sign in, or remove it from"
                          " the list first.") from None
        if error.status == 400 and field and field in error.fields:
            reason = (_WRONG_PROOF[field] if field == "otp_code"
                      else f"{_WRONG_PROOF[field]}: {error.tenant_message}")
            raise Problem(400, _refusal_code(field), reason, field=field) from None
        if error.status in (400, 404):
            store.delete(_pending_key(session_id))
            raise Problem(404, "enrollment_not_found", "The enrollment is no longer waiting"
                          f" ({error.tenant_message}): start again.") from None
        raise
    store.delete(_pending_key(session_id))
    notice = None
    if pending["type"] == "recovery-code":
        notice = _retire_old_recovery_codes(access, client, store, user_id, enrolled.id)
    _update_kept(store, user_id, put=enrolled)
    return EnrolledMethod(method=enrolled, notice=notice)


def _retire_old_recovery_codes(access: MyAccountAccess, client: MyAccountClient,
                               store: KeyValueStore, user_id: str, new_id: str) -> str | None:
    """One recovery code at a time: delete the older ones. The new code is confirmed
    already, so a failure here (a rate limit, an outage) must not fail the request: the
    user is told the old code still works, and can remove it from the list."""
    try:
        caller = _caller(access, user_id, READ_METHODS)
        kept = _cached(store, user_id)
        old = ([m.id for m in kept if m.type == "recovery-code"] if kept is not None
               else [m["id"] for m in client.list_methods(caller, "recovery-code")])
        for method_id in old:
            if method_id != new_id:
                client.delete_method(_caller(access, user_id, DELETE_METHODS), method_id)
                _update_kept(store, user_id, drop={method_id})
    except (TenantError, Problem) as error:
        log.warning("an old recovery code was not retired: %s", error)
        return ("Your new recovery code works. The old one could not be removed yet and"
                " still works too: remove it from the list below.")
    return None
