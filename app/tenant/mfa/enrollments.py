"""My Account enrollments in progress: `POST /authentication-methods` starts one, `/verify`
finishes it.

Contract: `start(conn, user, body)` returns a `Started` (the method id that `Location`
names and the 202 body) and keeps a pending session (`auth_session`, a secret, kept as
SHA-256) for `SESSION_TTL` seconds; `verify(conn, user, method_id, body)` checks the
session's proof (a TOTP or outbox code, the passkey's attestation, a new password, or
nothing for a recovery code, which was shown once in the 202 body) and only then writes
the method to the directory. A wrong proof changes nothing but the attempt count; after
`MAX_ATTEMPTS` the session is gone. Failures raise `EnrollmentError` (status, a stable
code, a detail, and the body field it is about).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import time
from dataclasses import dataclass
from typing import Any

from app.tenant.db import register_schema
from app.tenant.directory import authentication_methods as methods
from app.tenant.directory.passwords import hash_password
from app.tenant.mfa import codes, outbox, relying_party
from app.tenant.mfa.password_policy import POLICY, policy_violation

register_schema(
    """
    CREATE TABLE IF NOT EXISTS myaccount_pending_enrollments (
        session_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES directory_users (user_id) ON DELETE CASCADE,
        method_id TEXT NOT NULL,
        method_type TEXT NOT NULL,
        payload TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        expires_at INTEGER NOT NULL
    );
    """
)

SESSION_TTL = 300
MAX_ATTEMPTS = 5
#: What `POST /authentication-methods` can start here (`push-notification` needs Guardian).
ENROLLABLE = ("passkey", "totp", "recovery-code", "email", "phone", "password")


class EnrollmentError(Exception):
    def __init__(self, status: int, code: str, detail: str, field: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail, self.field = status, code, detail, field


@dataclass(frozen=True)
class EnrollingUser:
    user_id: str
    email: str | None
    name: str | None


@dataclass(frozen=True)
class Started:
    method_id: str
    body: dict[str, Any]


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _keep(conn: sqlite3.Connection, user: EnrollingUser, method_id: str, method_type: str,
          payload: dict[str, Any]) -> str:
    auth_session = secrets.token_urlsafe(32)
    now = int(time.time())
    conn.execute("DELETE FROM myaccount_pending_enrollments WHERE expires_at < ?", (now,))
    conn.execute(
        "INSERT INTO myaccount_pending_enrollments (session_hash, user_id, method_id,"
        " method_type, payload, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
        (_hash(auth_session), user.user_id, method_id, method_type, json.dumps(payload),
         now + SESSION_TTL),
    )
    conn.commit()
    return auth_session


def _string(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise EnrollmentError(400, "invalid_body", f"{name} is required and must be a string",
                              name)
    return value.strip()


def start(conn: sqlite3.Connection, user: EnrollingUser, body: dict[str, Any]) -> Started:
    kind = body.get("type")
    if kind not in ENROLLABLE:
        raise EnrollmentError(400, "invalid_type",
                              f"type must be one of {', '.join(ENROLLABLE)}", "type")
    enrollment_id = methods.new_enrollment_id()
    if kind == "totp":
        secret = codes.new_totp_secret()
        method_id = f"totp|{enrollment_id}"
        session = _keep(conn, user, method_id, kind, {"secret": secret})
        uri = codes.totp_uri(secret, user.email or user.user_id, relying_party.RP_NAME)
        return Started(method_id, {"id": method_id, "auth_session": session,
                                   "barcode_uri": uri, "manual_input_code": secret})
    if kind == "recovery-code":
        code = codes.new_recovery_code()
        method_id = f"recovery-code|{enrollment_id}"
        session = _keep(conn, user, method_id, kind, {"code_hash": methods.hash_code(code)})
        return Started(method_id, {"id": method_id, "auth_session": session,
                                   "recovery_code": code})
    if kind in ("email", "phone"):
        return _start_delivered_code(conn, user, kind, enrollment_id, body)
    if kind == "passkey":
        existing = [key.credential_id for key in methods.passkeys_of(conn, user.user_id)]
        handle = secrets.token_bytes(32)
        options, challenge = relying_party.registration_options(
            handle, user.email or user.user_id, user.name or user.email or user.user_id,
            existing if body.get("use_exclude_credentials") else [],
        )
        session = _keep(conn, user, "passkey|new", kind,
                        {"challenge": challenge, "user_handle": relying_party.encode(handle)})
        return Started("passkey|new", {"auth_session": session,
                                       "authn_params_public_key": options})
    # password: the policy now, the new password at /verify.
    if methods.database_identity(conn, user.user_id) is None:
        raise EnrollmentError(400, "no_database_identity",
                              "The user has no identity with a password.", "type")
    session = _keep(conn, user, "password|new", kind, {})
    return Started("password|new", {"id": "password|new", "auth_session": session,
                                    "policy": POLICY})


def _start_delivered_code(conn: sqlite3.Connection, user: EnrollingUser, kind: str,
                          enrollment_id: str, body: dict[str, Any]) -> Started:
    if kind == "email":
        to = _string(body, "email")
        if "@" not in to:
            raise EnrollmentError(400, "invalid_email", "email is not an e-mail address",
                                  "email")
        payload: dict[str, Any] = {"email": to}
        channel = "email"
    else:
        to = _string(body, "phone_number")
        digits = to.lstrip("+")
        if not (to.startswith("+") and digits.isdigit() and 6 <= len(digits) <= 15):
            raise EnrollmentError(400, "invalid_phone_number",
                                  "phone_number must be in E.164 form, e.g. +15551234567",
                                  "phone_number")
        preferred = body.get("preferred_authentication_method", "sms")
        if preferred not in ("sms", "voice"):
            raise EnrollmentError(400, "invalid_body",
                                  "preferred_authentication_method must be sms or voice",
                                  "preferred_authentication_method")
        payload = {"phone_number": to, "preferred": preferred}
        channel = "sms"
    code = codes.new_otp()
    method_id = f"{kind}|{enrollment_id}"
    session = _keep(conn, user, method_id, kind, {**payload, "code": code})
    outbox.deliver(conn, channel, to, f"Your verification code is {code}")
    return Started(method_id, {"id": method_id, "auth_session": session})


def _take_session(conn: sqlite3.Connection, user: EnrollingUser, method_id: str,
                  auth_session: str) -> sqlite3.Row:
    row = conn.execute(
        "SELECT * FROM myaccount_pending_enrollments WHERE session_hash = ? AND user_id = ?"
        " AND expires_at >= ?", (_hash(auth_session), user.user_id, int(time.time())),
    ).fetchone()
    if row is None or row["method_id"] != method_id:
        raise EnrollmentError(400, "invalid_auth_session",
                              "The auth_session is unknown, expired or for another method.",
                              "auth_session")
    return row


def _failed_attempt(conn: sqlite3.Connection, row: sqlite3.Row, detail: str, field: str):
    if row["attempts"] + 1 >= MAX_ATTEMPTS:
        conn.execute("DELETE FROM myaccount_pending_enrollments WHERE session_hash = ?",
                     (row["session_hash"],))
        detail += " Too many attempts: start the enrollment again."
    else:
        conn.execute("UPDATE myaccount_pending_enrollments SET attempts = attempts + 1"
                     " WHERE session_hash = ?", (row["session_hash"],))
    conn.commit()
    return EnrollmentError(400, "invalid_" + field, detail, field)


def verify(conn: sqlite3.Connection, user: EnrollingUser, method_id: str,
           body: dict[str, Any], user_agent: str | None = None):
    """The new method (a `SecondFactor`, a `Passkey`, or the password's identity row)."""
    row = _take_session(conn, user, method_id, _string(body, "auth_session"))
    kind = row["method_type"]
    payload = json.loads(row["payload"])
    enrollment_id = method_id.partition("|")[2]
    if kind in ("totp", "email", "phone"):
        code = _string(body, "otp_code")
        good = (codes.totp_matches(payload["secret"], code) if kind == "totp"
                else codes.otp_matches(payload["code"], code))
        if not good:
            raise _failed_attempt(conn, row, "The otp_code is not valid.", "otp_code")
    elif kind == "passkey":
        credential = body.get("authn_response")
        if not isinstance(credential, dict):
            raise EnrollmentError(400, "invalid_body", "authn_response is required",
                                  "authn_response")
        try:
            verified = relying_party.verify_registration(credential, payload["challenge"])
        except relying_party.PasskeyRejected as error:
            raise _failed_attempt(conn, row, f"The passkey was refused: {error}",
                                  "authn_response") from error
        credential_id = relying_party.encode(verified.credential_id)
        if methods.passkey_by_credential(conn, credential_id) is not None:
            raise EnrollmentError(409, "passkey_exists", "This passkey is enrolled already.",
                                  "authn_response")
    elif kind == "password":
        new_password = _string(body, "new_password")
        problem = policy_violation(new_password)
        if problem:
            raise _failed_attempt(conn, row, problem, "new_password")
    conn.execute("DELETE FROM myaccount_pending_enrollments WHERE session_hash = ?",
                 (row["session_hash"],))
    conn.commit()
    if kind == "totp":
        return methods.add_second_factor(conn, user.user_id, "totp", secret=payload["secret"],
                                         enrollment_id=enrollment_id)
    if kind == "recovery-code":
        return methods.add_second_factor(conn, user.user_id, "recovery-code",
                                         secret=payload["code_hash"],
                                         enrollment_id=enrollment_id)
    if kind == "email":
        return methods.add_second_factor(conn, user.user_id, "email", email=payload["email"],
                                         enrollment_id=enrollment_id)
    if kind == "phone":
        return methods.add_second_factor(
            conn, user.user_id, "phone", phone_number=payload["phone_number"],
            preferred_method=payload["preferred"], enrollment_id=enrollment_id,
        )
    if kind == "passkey":
        transports = credential.get("response", {}).get("transports") or []
        return methods.add_passkey(
            conn, user.user_id, credential_id=credential_id,
            public_key=relying_party.encode(verified.credential_public_key),
            sign_count=verified.sign_count,
            transports=[t for t in transports if isinstance(t, str)],
            aaguid=verified.aaguid, user_handle=payload["user_handle"],
            backed_up=verified.credential_backed_up,
            device_type=verified.credential_device_type.value,
            rp_id=relying_party.rp_id(), user_agent=user_agent,
        )
    methods.set_password(conn, user.user_id, hash_password(new_password))
    return methods.database_identity(conn, user.user_id)
