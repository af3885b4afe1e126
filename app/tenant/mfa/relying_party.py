"""Passkeys: the tenant as a WebAuthn relying party (py_webauthn does the ceremonies).

Contract:
- `rp_id()`: the tenant's host name, or `localhost` when the tenant runs on an IP
  address (127.0.0.1 in the demo and the tests): an IP cannot be an rp.id, and browsers
  refuse WebAuthn on IP origins altogether. `app.config["PASSKEY_RP_ID"]` overrides it.
- `ceremony_origin()`: where the tenant's own passkey pages run: the tenant's URL, or,
  on an IP address, the same server reached as `http://localhost:<port>` (browsers
  resolve localhost to loopback). docs/myaccount.md says why.
- `accepted_origins()`: that origin and the web origins of the registered clients whose
  host is the rp.id or under it (the BFF on localhost, driving the My Account API's
  options from its own pages).
- `registration_options(...)` / `verify_registration(...)` and
  `authentication_options(...)` / `verify_authentication(...)` return or take the JSON
  of `navigator.credentials.create()/get()`; a failed verification raises
  `PasskeyRejected` with the reason.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any
from urllib.parse import urlsplit

import webauthn
from flask import current_app
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, InvalidRegistrationResponse
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from app.tenant import clients
from app.tenant.context import current_tenant
from app.tenant.db import get_db

RP_NAME = "selfserve local tenant"
TIMEOUT_MS = 60_000


class PasskeyRejected(ValueError):
    """The browser's answer does not verify (the message says why)."""


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _tenant_url():
    return urlsplit(current_tenant().base_url)


def rp_id() -> str:
    configured = current_app.config.get("PASSKEY_RP_ID")
    if configured:
        return configured
    host = _tenant_url().hostname or "localhost"
    return "localhost" if _is_ip(host) else host


def ceremony_origin() -> str:
    url = _tenant_url()
    host = url.hostname or "localhost"
    if not _is_ip(host):
        return f"{url.scheme}://{url.netloc}"
    port = f":{url.port}" if url.port else ""
    return f"{url.scheme}://localhost{port}"


def _under_rp_id(origin: str, rp: str) -> bool:
    host = urlsplit(origin).hostname or ""
    return host == rp or host.endswith("." + rp)


def accepted_origins() -> list[str]:
    rp = rp_id()
    origins = {ceremony_origin()}
    for client in clients.all_clients(get_db()):
        origins.update(o.rstrip("/") for o in client.web_origins if _under_rp_id(o, rp))
    return sorted(origins)


def registration_options(
    user_handle: bytes, user_name: str, display_name: str, existing: list[str]
) -> tuple[dict[str, Any], str]:
    """(`authn_params_public_key` as the My Account API shows it, the challenge b64url)."""
    options = webauthn.generate_registration_options(
        rp_id=rp_id(),
        rp_name=RP_NAME,
        user_id=user_handle,
        user_name=user_name,
        user_display_name=display_name,
        timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=webauthn.base64url_to_bytes(c)) for c in existing
        ],
    )
    data = json.loads(webauthn.options_to_json(options))
    # Auth0's schema: authenticatorSelection has residentKey and userVerification only.
    data["authenticatorSelection"] = {
        "residentKey": data["authenticatorSelection"]["residentKey"],
        "userVerification": data["authenticatorSelection"]["userVerification"],
    }
    if not data.get("excludeCredentials"):
        data.pop("excludeCredentials", None)
    for key in ("attestation", "hints"):
        data.pop(key, None)
    return data, data["challenge"]


def verify_registration(credential: dict[str, Any], challenge: str):
    """py_webauthn's `VerifiedRegistration`, or `PasskeyRejected`."""
    try:
        return webauthn.verify_registration_response(
            credential=credential,
            expected_challenge=webauthn.base64url_to_bytes(challenge),
            expected_rp_id=rp_id(),
            expected_origin=accepted_origins(),
        )
    except (InvalidRegistrationResponse, ValueError, KeyError, TypeError) as error:
        raise PasskeyRejected(str(error) or "the passkey's attestation does not verify") from error


def authentication_options() -> tuple[dict[str, Any], str]:
    """Options for `navigator.credentials.get()` with discoverable credentials (no list of
    allowed ids: the user has not said who they are yet), and the challenge."""
    options = webauthn.generate_authentication_options(
        rp_id=rp_id(), timeout=TIMEOUT_MS,
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    data = json.loads(webauthn.options_to_json(options))
    return data, data["challenge"]


def verify_authentication(
    credential: dict[str, Any], challenge: str, public_key: str, sign_count: int
):
    """py_webauthn's `VerifiedAuthentication`, or `PasskeyRejected`."""
    try:
        return webauthn.verify_authentication_response(
            credential=credential,
            expected_challenge=webauthn.base64url_to_bytes(challenge),
            expected_rp_id=rp_id(),
            expected_origin=accepted_origins(),
            credential_public_key=webauthn.base64url_to_bytes(public_key),
            credential_current_sign_count=sign_count,
        )
    except (InvalidAuthenticationResponse, ValueError, KeyError, TypeError) as error:
        raise PasskeyRejected(str(error) or "the passkey's assertion does not verify") from error


def encode(raw: bytes) -> str:
    return bytes_to_base64url(raw)
