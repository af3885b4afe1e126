"""The user's authentication methods as the My Account API shows them.

Contract: `all_of(conn, user_id)` lists the password (of the database identity), the
passkeys, then the second factors, each as Auth0's `AuthenticationMethod` JSON;
`one_of(conn, user_id, method_id)` is one of them or None; `to_json(record, user_id)`
turns what an enrollment returned into the same JSON. `FACTORS` are the factors the
tenant can enable; `enabled_factors()` is `GET /factors` (all of them unless a test
enabled fewer with `enable_only(types)`; a tenant reset enables all again).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from flask import Flask, current_app

from app.tenant.directory import authentication_methods as methods

FACTORS = [
    {"type": "password", "usage": ["primary"]},
    {"type": "passkey", "usage": ["primary"]},
    {"type": "totp", "usage": ["secondary"]},
    {"type": "phone", "usage": ["secondary"]},
    {"type": "email", "usage": ["secondary"]},
    {"type": "recovery-code", "usage": ["secondary"]},
]
_ENABLED = "tenant.myaccount.enabled_factors"


def install(app: Flask) -> None:
    app.extensions[_ENABLED] = None  # None: every factor
    app.extensions["tenant.runtime"].on_reset(lambda _conn: enable_only(None, app))


def enable_only(types: list[str] | None, app: Flask | None = None) -> None:
    (app or current_app).extensions[_ENABLED] = None if types is None else frozenset(types)


def enabled_factors() -> list[dict[str, Any]]:
    enabled = current_app.extensions.get(_ENABLED)
    return [f for f in FACTORS if enabled is None or f["type"] in enabled]


TYPES = ("password", "passkey", "webauthn-platform", "webauthn-roaming", "totp", "phone",
         "email", "push-notification", "recovery-code")


def _identity_user_id(conn: sqlite3.Connection, user_id: str) -> str:
    identity = methods.database_identity(conn, user_id)
    return identity["provider_user_id"] if identity else user_id.partition("|")[2] or user_id


def password_json(conn: sqlite3.Connection, user_id: str) -> dict[str, Any] | None:
    identity = methods.database_identity(conn, user_id)
    if identity is None:
        return None
    return {"id": "password|" + identity["provider_user_id"], "type": "password",
            "identity_user_id": identity["provider_user_id"],
            "created_at": identity["linked_at"], "usage": ["primary"]}


def passkey_json(conn: sqlite3.Connection, key: methods.Passkey) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": key.method_id, "type": "passkey", "created_at": key.created_at,
        "usage": ["primary"], "credential_backed_up": key.backed_up,
        "credential_device_type": key.device_type,
        "identity_user_id": _identity_user_id(conn, key.user_id), "key_id": key.credential_id,
        "public_key": key.public_key, "user_handle": key.user_handle,
        "transports": key.transports, "relying_party_id": key.rp_id,
    }
    for name, value in (("aaguid", key.aaguid), ("user_agent", key.user_agent),
                        ("last_auth_at", key.last_auth_at)):
        if value:
            out[name] = value
    return out


def factor_json(factor: methods.SecondFactor) -> dict[str, Any]:
    out: dict[str, Any] = {"id": factor.method_id, "type": factor.type, "confirmed": True,
                           "created_at": factor.created_at, "usage": ["secondary"]}
    if factor.type != "recovery-code" and factor.name:
        out["name"] = factor.name
    if factor.type == "email":
        out["email"] = factor.email
    if factor.type == "phone":
        out["phone_number"] = factor.phone_number
        out["preferred_authentication_method"] = factor.preferred_method or "sms"
    if factor.last_auth_at:
        out["last_auth_at"] = factor.last_auth_at
    return out


def all_of(conn: sqlite3.Connection, user_id: str) -> list[dict[str, Any]]:
    password = password_json(conn, user_id)
    return [
        *([password] if password else []),
        *(passkey_json(conn, key) for key in methods.passkeys_of(conn, user_id)),
        *(factor_json(factor) for factor in methods.second_factors_of(conn, user_id)),
    ]


def one_of(conn: sqlite3.Connection, user_id: str, method_id: str) -> dict[str, Any] | None:
    return next((m for m in all_of(conn, user_id) if m["id"] == method_id), None)


def to_json(conn: sqlite3.Connection, user_id: str, record) -> dict[str, Any]:
    if isinstance(record, methods.SecondFactor):
        return factor_json(record)
    if isinstance(record, methods.Passkey):
        return passkey_json(conn, record)
    password = password_json(conn, user_id)
    assert password is not None
    return password
