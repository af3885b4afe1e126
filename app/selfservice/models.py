"""The JSON API's request and response bodies as typed models (pydantic v2): the one
statement of their shape, from which input validation and `/api/openapi.json` both come.

Contract:
- Request bodies subclass `RequestBody` (unknown fields refused, JSON types taken as
  sent, no coercion). `parse(model, body)` validates a decoded JSON body and returns
  the model, or raises `Problem` 400 `invalid_request` (or the `code`/`status` given)
  whose `errors` list `{"path": JSON Pointer, "message": sentence}`. Messages are for
  people: a field's `Messages(...)` in its `Annotated` metadata words the failures of
  its declared type and constraints; our own validators raise `rule(message)`.
- Response bodies subclass `ResponseBody`; `dump(model)` is the JSON-ready dict the view
  sends (by alias, fields never set left out). A view builds its answer through one, so
  what is served is what the document says.
- `document_models()` lists every model the document describes, with the mode
  (validation for requests, serialization for responses) its schema is taken in.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar, Literal, TypeVar

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    StringConstraints,
    ValidationError,
)
from pydantic_core import PydanticCustomError

from app.auth import FEATURES
from app.web.problem_codes import PROBLEM_CODES
from app.web.problems import Problem

from .text import has_hidden_characters

# --- validation machinery ---------------------------------------------------------------

RULE = "rule"  # the error type of our own validators: their message is already for people


def rule(message: str) -> PydanticCustomError:
    """The error a validator raises: `message` reaches the user as it is."""
    return PydanticCustomError(RULE, message)


@dataclass(frozen=True)
class Messages:
    """How a field's declared type and constraints fail, in words for people: `default`
    for any failure, `by_type` for pydantic error types (e.g. `string_too_long`)."""

    default: str
    by_type: dict[str, str] = field(default_factory=dict)

    def for_type(self, error_type: str) -> str:
        return self.by_type.get(error_type, self.default)


NOT_AN_OBJECT = "The body must be a JSON object."


class RequestBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    #: The message when the body is not a JSON object at all.
    not_an_object: ClassVar[str] = NOT_AN_OBJECT


def _pointer(loc: tuple[int | str, ...]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in loc)


def _message(model: type[BaseModel], error: Any) -> str:
    loc = error["loc"]
    if error["type"] == RULE:
        return error["msg"]
    if error["type"] == "extra_forbidden":
        return "Unknown field."
    if not loc:
        return getattr(model, "not_an_object", NOT_AN_OBJECT)
    info = model.model_fields.get(str(loc[0]))
    messages = next((m for m in (info.metadata if info else ()) if isinstance(m, Messages)),
                    None)
    return messages.for_type(error["type"]) if messages else error["msg"]


def field_errors(model: type[BaseModel], error: ValidationError) -> list[dict[str, str]]:
    """`error` as `{"path", "message"}` items; unknown fields first, as a reader fixes
    the body's shape before its values."""
    items = sorted(error.errors(), key=lambda e: e["type"] != "extra_forbidden")
    return [{"path": _pointer(e["loc"]), "message": _message(model, e)} for e in items]


def invalid(errors: list[dict[str, str]], code: str = "invalid_request",
            status: int = 400) -> Problem:
    """The problem for `errors` (the first one's message as `detail`)."""
    first = errors[0]["message"] if errors else "Invalid input."
    detail = f"{first} ({len(errors)} problem(s) in total.)" if len(errors) > 1 else first
    return Problem(status, code, detail, errors=errors)


M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], body: Any, *, code: str = "invalid_request",
          status: int = 400) -> M:
    """`body` (decoded JSON) as `model`, or the problem naming each bad field."""
    try:
        return model.model_validate(body)
    except ValidationError as error:
        raise invalid(field_errors(model, error), code, status) from error


class ResponseBody(BaseModel):
    model_config = ConfigDict(extra="forbid")


def dump(model: BaseModel) -> dict[str, Any]:
    # Python objects (every field type here is a JSON type), not pydantic's JSON mode:
    # that rewrites an unpaired surrogate in a dict key as U+FFFD. Flask's encoder then
    # escapes non-ASCII, so any string the tenant returned has a JSON form.
    return model.model_dump(by_alias=True, exclude_unset=True)


# --- device keys ------------------------------------------------------------------------

MAX_DEVICE_NAME = 100
MAX_PUBLIC_KEY_CHARS = 8192
DEVICE_ID_PATTERN = r"^[-A-Fa-f0-9]{1,36}$"  # `$` is the end of the text (pydantic's regex)


def _visible_name(name: str) -> str:
    # Control characters, and format characters such as bidi overrides, would make the
    # device list show another name than the one stored. Checked before stripping, so
    # that a trailing newline is refused rather than quietly dropped.
    if has_hidden_characters(name):
        raise rule(f"Use at most {MAX_DEVICE_NAME} printable characters.")
    if not name.strip():
        raise rule("Give the device a name.")
    return name.strip()


def _spki_base64(text: str) -> str:
    """Base64 of the DER SubjectPublicKeyInfo of a PEM or base64-DER public key."""
    text = text.strip()
    if not text:
        raise rule("Paste the device's public key.")
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode("ascii"))
        else:
            key = serialization.load_der_public_key(
                base64.b64decode("".join(text.split()), validate=True))
        if not isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey
                          | ed25519.Ed25519PublicKey):
            raise ValueError("unsupported key type")
    except (ValueError, TypeError, binascii.Error, UnicodeEncodeError) as exc:
        raise rule("Not a public key: give an RSA, EC or Ed25519 key as PEM"
                   " (-----BEGIN PUBLIC KEY-----) or base64 of its DER form.") from exc
    der = key.public_bytes(serialization.Encoding.DER,
                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode("ascii")


class DeviceRegistration(RequestBody):
    """A device's public key to register. After validation `public_key` is base64 of
    its DER SubjectPublicKeyInfo, the form the Management API takes."""

    device_name: Annotated[
        str,
        StringConstraints(min_length=1, max_length=MAX_DEVICE_NAME),
        AfterValidator(_visible_name),
        Messages("Give the device a name.", {
            "string_too_long": f"Use at most {MAX_DEVICE_NAME} printable characters."}),
        Field(description="Shown in the list of device keys; no control or format"
              " characters."),
    ]
    device_id: Annotated[
        str,
        StringConstraints(pattern=DEVICE_ID_PATTERN),
        Messages("Use 1 to 36 hexadecimal digits and dashes (e.g. a UUID)."),
        Field(description="1 to 36 hex digits and dashes, e.g. a UUID."),
    ]
    public_key: Annotated[
        str,
        StringConstraints(min_length=1, max_length=MAX_PUBLIC_KEY_CHARS),
        AfterValidator(_spki_base64),
        Messages("Paste the device's public key.",
                 {"string_too_long": "This key is too long."}),
        Field(description="An RSA, EC or Ed25519 public key: PEM (`-----BEGIN PUBLIC"
              " KEY-----`, SubjectPublicKeyInfo) or base64 of the DER"
              " SubjectPublicKeyInfo."),
    ]


class DeviceCredential(ResponseBody):
    id: str
    device_name: str
    device_id: str
    created_at: str = Field(description="When this app registered it (ISO 8601, UTC).")


class DeviceCredentials(ResponseBody):
    device_credentials: list[DeviceCredential]


# --- profile and metadata ---------------------------------------------------------------

Metadata = Annotated[dict[str, Any], Field(description="The user's own `user_metadata`.")]


class Identity(ResponseBody):
    provider: str
    user_id: str = Field(description="The part after the `|`.")
    connection: str
    isSocial: bool  # noqa: N815 - Auth0's name
    profileData: dict[str, Any] | None = None  # noqa: N815 - Auth0's name; set when known


class Profile(ResponseBody):
    user_id: str
    name: str | None
    nickname: str | None
    email: str | None
    email_verified: bool | None
    picture: str | None
    last_login: str | None
    logins_count: int | None
    created_at: str | None
    updated_at: str | None
    identities: list[Identity]
    user_metadata: Metadata
    app_metadata: dict[str, Any] = Field(description="Read-only here.")


class MetadataLimits(ResponseBody):
    max_bytes: int
    max_depth: int
    max_key_length: int


class MetadataView(ResponseBody):
    user_metadata: Metadata
    editable_schema: dict[str, Any] | None = Field(
        serialization_alias="schema",
        description="JSON Schema of the editable keys (METADATA_SCHEMA), or null: any key.")
    limits: MetadataLimits


class MetadataChanges(RootModel[dict[str, Any]]):
    """First-level merge: each key set to its value, `null` deletes the key. Keys: no `.`
    or `$`, no control or format characters, at most 100 characters; text valid Unicode;
    nesting at most 5 levels; the result at most 10240 bytes of JSON (Auth0's 10 KB
    profile budget); with a configured schema, only its keys may be set (any key the
    user has may be deleted). `{}` changes nothing. The rules are
    `app.selfservice.metadata`'s, checked against the current metadata."""

    model_config = ConfigDict(strict=True)
    not_an_object: ClassVar[str] = "The body must be a JSON object of changes."


class MetadataSaved(ResponseBody):
    user_metadata: Metadata
    etag: str


# --- identities and linking -------------------------------------------------------------


class MainIdentity(ResponseBody):
    provider: str | None
    user_id: str


class Connection(ResponseBody):
    name: str
    strategy: str
    linkable: bool
    linked: bool
    link_url: str = Field(description="Navigate here (top level) to sign in to the other"
                          " account; it comes back to /linked-accounts?pending=1.")


class Identities(ResponseBody):
    identities: list[Identity]
    main: MainIdentity
    connections: list[Connection]


class IdentityList(ResponseBody):
    identities: list[Identity]
    detail: str


class LinkWarning(ResponseBody):
    code: Literal["email_differs", "email_unverified", "metadata_unreadable",
                  "metadata_not_copied"]
    message: str


class PendingLinkView(ResponseBody):
    connection: str
    email: str | None
    email_verified: bool
    email_matches: bool
    warnings: list[LinkWarning]
    user_metadata: dict[str, Any] | None = Field(
        description="The other account's metadata, read with its own token; null when it"
        " could not be read.")
    metadata_will_be_lost: bool
    not_copied_keys: list[str] = Field(
        description="Keys of the other account's metadata that the metadata rules (or"
        " METADATA_SCHEMA) refuse: they are never copied.")
    expires_at: int = Field(description="UNIX seconds.")


LINK_REQUEST_HELP = 'Send {"copy_metadata": true} or {"copy_metadata": false}.'


class LinkRequest(RequestBody):
    not_an_object: ClassVar[str] = LINK_REQUEST_HELP

    copy_metadata: Annotated[bool, Messages(LINK_REQUEST_HELP)] = False


class Linked(ResponseBody):
    identities: list[Identity]
    copied_keys: list[str]
    skipped_keys: list[str] = Field(description="Keys both accounts had with different"
                                    " values: this account's value was kept.")
    not_copied_keys: list[str] = Field(description="Keys the metadata rules refuse: not"
                                       " copied.")


# --- multi-factor -----------------------------------------------------------------------


class Enrollment(ResponseBody):
    """One enrollment as the tenant lists it, with the fields the page shows."""

    model_config = ConfigDict(extra="ignore")  # the tenant's other fields are not ours

    id: str | None = None
    status: str | None = None
    type: str | None = None
    name: str | None = None
    identifier: str | None = None
    phone_number: str | None = None
    auth_method: str | None = None
    enrolled_at: str | None = None
    last_auth: str | None = None


class Enrollments(ResponseBody):
    enrollments: list[Enrollment]


# --- problems ---------------------------------------------------------------------------


class FieldError(ResponseBody):
    path: str = Field(description="JSON Pointer into the body")
    message: str


class ProblemDetails(ResponseBody):
    """RFC 9457 problem details with a stable `code` (`app.web.problem_codes`)."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    code: Literal[tuple(PROBLEM_CODES)]  # type: ignore[valid-type]
    detail: str
    errors: list[FieldError] | None = None
    login_url: str | None = None
    reauth_url: str | None = Field(None, description="`reauthentication_required`: where"
                                   " the browser signs in again.")
    max_age: int | None = Field(None, description="`reauthentication_required`: how"
                                " recent (seconds) a sign-in must be.")
    error: str | None = Field(None, description="`login_required` only: the same value"
                              " as `code`, as the session contract names it.")
    retry_after: int | None = None
    feature: Literal[tuple(FEATURES)] | None = None  # type: ignore[valid-type]
    missing_scopes: list[str] | None = None
    current: dict[str, Any] | None = Field(None, description="`conflict`: the newest"
                                           " metadata.")
    etag: str | None = Field(None, description="`conflict`: the newest metadata's tag.")
    tenant_message: str | None = None
    copied_keys: list[str] | None = None
    reason: str | None = Field(None, description="`my_account_unavailable`: `off`,"
                               " `not_granted` or `unavailable`.")


def document_models() -> list[tuple[type[BaseModel], Literal["validation", "serialization"]]]:
    from .sign_in_models import REQUESTS as SIGN_IN_REQUESTS  # imports this module

    requests = [DeviceRegistration, MetadataChanges, LinkRequest, *SIGN_IN_REQUESTS]
    responses = [ProblemDetails, Profile, MetadataView, MetadataSaved, Identities,
                 IdentityList, PendingLinkView, Linked, Enrollments, DeviceCredentials]
    from . import safety_models, sign_in_models  # import this module: read here

    responses += safety_models.DOCUMENTED + sign_in_models.DOCUMENTED
    return ([(m, "validation") for m in requests]
            + [(m, "serialization") for m in responses])
