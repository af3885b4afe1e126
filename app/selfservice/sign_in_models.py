"""Response bodies of the sign-in methods endpoints (issue 13), read through Auth0's My
Account API. Part of `models.document_models`, so they are in `/api/openapi.json` like
every other body. Key material (public keys, user handles, key ids) is never passed on."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

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


#: What can be added from the account page (`push-notification` needs Auth0 Guardian).
ENROLLABLE = ("passkey", "totp", "recovery-code", "email", "phone", "password")
Enrollable = Literal[ENROLLABLE]  # type: ignore[valid-type]


class EnrollmentRequest(BaseModel):
    """`POST /api/me/authentication-methods`: what to add (`password`: change it)."""

    model_config = ConfigDict(extra="forbid")

    type: Enrollable = Field(description="`passkey`, `totp` (an authenticator app),"
                             " `recovery-code` (a new one), `email` or `phone` (codes sent"
                             " there), `password` (a new password).")
    email: str | None = Field(None, min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$",
                              description="`email`: where the codes go.")
    phone_number: str | None = Field(None, pattern=r"^\+[1-9][0-9]{5,14}$",
                                     description="`phone`: E.164, e.g. +15551234567.")
    preferred_authentication_method: Literal["sms", "voice"] | None = Field(
        None, description="`phone`: how the codes come (default sms).")

    @model_validator(mode="after")
    def _fields_of_the_type(self) -> EnrollmentRequest:
        wanted = {"email": {"email"}, "phone": {"phone_number"}}.get(self.type, set())
        allowed = wanted | ({"preferred_authentication_method"} if self.type == "phone" else set())
        given = {name for name in ("email", "phone_number", "preferred_authentication_method")
                 if getattr(self, name) is not None}
        for name in sorted(wanted - given):
            raise PydanticCustomError("missing", f"{name} is required for type {self.type}")
        for name in sorted(given - allowed):
            raise PydanticCustomError("extra_forbidden",
                                      f"{name} is not taken for type {self.type}")
        return self


class AttestationData(BaseModel):
    """`response` of `PublicKeyCredential.toJSON()` after `navigator.credentials.create()`:
    what Auth0 takes of it (browsers add more, e.g. `publicKey`: dropped)."""

    model_config = ConfigDict(extra="ignore")

    attestationObject: str = Field(min_length=1, max_length=2000)
    clientDataJSON: str = Field(min_length=1, max_length=1000)
    transports: list[Annotated[str, Field(max_length=100)]] | None = Field(None, max_length=10)


class PasskeyAttestation(BaseModel):
    """The new passkey's `PublicKeyCredential.toJSON()`, as Auth0's `authn_response`."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1, max_length=1364)
    rawId: str = Field(min_length=1, max_length=1364)
    type: Literal["public-key"]
    response: AttestationData
    authenticatorAttachment: Literal["platform", "cross-platform"] | None = None
    clientExtensionResults: dict[str, Any] = Field(default_factory=dict)


class EnrollmentProof(BaseModel):
    """`POST .../{id}/verify`: `otp_code` (authenticator app, e-mail, phone),
    `authn_response` (passkey), `new_password` (password); nothing for a recovery code
    the user has saved."""

    model_config = ConfigDict(extra="forbid")

    otp_code: str | None = Field(None, pattern=r"^[0-9]{6}$")
    authn_response: PasskeyAttestation | None = None
    new_password: str | None = Field(None, min_length=1, max_length=256,
                                     pattern=r"^[^\u0000-\u001f\u007f-\u009f]*$")


class TotpSetup(ResponseBody):
    barcode_uri: str = Field(description="The `otpauth://totp/...` URI (holds the secret).")
    manual_input_code: str = Field(description="The secret, to type in by hand.")
    qr_svg: str = Field(description="The URI's QR code, an SVG document drawn by the BFF.")


class PasswordComplexity(BaseModel):
    model_config = ConfigDict(extra="ignore")

    min_length: int | None = None
    character_types: list[str] = Field(default_factory=list)
    character_type_rule: str | None = Field(None, description="`all` or `three_of_four`.")
    identical_characters: str | None = None
    sequential_characters: str | None = None
    max_length_exceeded: str | None = None


class PasswordPolicy(BaseModel):
    """The connection's password policy, as the tenant describes it (what the page
    checks while the user types; the tenant decides)."""

    model_config = ConfigDict(extra="ignore")

    complexity: PasswordComplexity | None = None
    history: dict[str, Any] | None = None
    dictionary: dict[str, Any] | None = None
    profile_data: dict[str, Any] | None = None


class PendingEnrollment(ResponseBody):
    """An enrollment waiting to be confirmed (its session stays on the server)."""

    id: str
    type: Enrollable
    expires_in: int = Field(description="Seconds left to confirm it.")
    totp: TotpSetup | None = None
    recovery_code: str | None = Field(None, description="Shown here once, never again.")
    passkey_options: dict[str, Any] | None = Field(
        None, description="`PublicKeyCredentialCreationOptions` JSON for"
        " `PublicKeyCredential.parseCreationOptionsFromJSON()`; its `rp.id` is the tenant's.")
    code_sent_to: str | None = Field(None, description="`email` / `phone`: where the code"
                                     " was sent.")
    password_policy: PasswordPolicy | None = None


class EnrolledMethod(ResponseBody):
    method: SignInMethod
    notice: str | None = Field(None, description="Something the user should know, e.g."
                               " that an old recovery code could not be retired yet.")


DOCUMENTED = [SignInMethods, SignInMethod, Factors, PendingEnrollment, EnrolledMethod]
REQUESTS = [MethodRename, EnrollmentRequest, EnrollmentProof]
