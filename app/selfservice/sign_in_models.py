"""Response bodies of the sign-in methods endpoints (issue 13), read through Auth0's My
Account API. Part of `models.document_models`, so they are in `/api/openapi.json` like
every other body. Key material (public keys, user handles, key ids) is never passed on."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .models import ResponseBody
from .my_account_client import METHOD_TYPES

Usage = Literal["primary", "secondary"]


class SignInMethod(ResponseBody):
    """One way the user signs in, as the My Account API lists it (no key material)."""

    model_config = ConfigDict(extra="ignore")  # public_key, user_handle, key_id: dropped

    id: str = Field(description="Opaque; URL-encode it in a path.")
    type: Literal[METHOD_TYPES]  # type: ignore[valid-type]
    name: str | None = None
    created_at: str | None = None
    usage: list[Usage] = Field(default_factory=list)
    confirmed: bool | None = None
    email: str | None = None
    phone_number: str | None = None
    preferred_authentication_method: str | None = None
    credential_device_type: str | None = None
    credential_backed_up: bool | None = None
    last_auth_at: str | None = None
    user_agent: str | None = None


class SignInMethods(ResponseBody):
    methods: list[SignInMethod]


class Factor(ResponseBody):
    model_config = ConfigDict(extra="ignore")

    type: str
    usage: list[Usage] = Field(default_factory=list)


class Factors(ResponseBody):
    """The factors the tenant enables and this user may enroll."""

    factors: list[Factor]


class MethodRename(BaseModel):
    """`PATCH /api/me/authentication-methods/{id}`: the method's new name."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, pattern=r"\S")


class EnrollmentRequest(BaseModel):
    """`POST /api/me/authentication-methods`: what to add."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["totp", "recovery-code"] = Field(description="An authenticator app, or"
                                                   " a (new) recovery code.")


class EnrollmentProof(BaseModel):
    """`POST .../{id}/verify`: the code the new authenticator app shows (totp); nothing
    for a recovery code the user has saved."""

    model_config = ConfigDict(extra="forbid")

    otp_code: str | None = Field(None, pattern=r"^[0-9]{6}$")


class TotpSetup(ResponseBody):
    barcode_uri: str = Field(description="The `otpauth://totp/...` URI (holds the secret).")
    manual_input_code: str = Field(description="The secret, to type in by hand.")
    qr_svg: str = Field(description="The URI's QR code, an SVG document drawn by the BFF.")


class PendingEnrollment(ResponseBody):
    """An enrollment waiting to be confirmed (its session stays on the server)."""

    id: str
    type: Literal["totp", "recovery-code"]
    expires_in: int = Field(description="Seconds left to confirm it.")
    totp: TotpSetup | None = None
    recovery_code: str | None = Field(None, description="Shown here once, never again.")


class EnrolledMethod(ResponseBody):
    method: SignInMethod


DOCUMENTED = [SignInMethods, SignInMethod, Factors, PendingEnrollment, EnrolledMethod]
REQUESTS = [MethodRename, EnrollmentRequest, EnrollmentProof]
