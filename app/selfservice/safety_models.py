"""Response bodies of the account-safety endpoints (issue 11): signed-in sessions, the
activity log and the data export. Part of `models.document_models`, so they are in
`/api/openapi.json` like every other body."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from app.auth import ACTIVITY_ACTIONS, ACTIVITY_OUTCOMES

from .models import DeviceCredential, Enrollment, Profile, ResponseBody

Instant = str  # ISO 8601, UTC, seconds ("2026-12-02T07:00:00Z")


class SignedInSession(ResponseBody):
    id: str = Field(description="An opaque id of the session (not its cookie or secret).")
    browser: str = Field(description="Browser family and major version, from its User-Agent.")
    os: str = Field(description="Operating system, from the User-Agent.")
    ip: str = Field(description="The network signed in from: /24 (IPv4) or /48 (IPv6).")
    signed_in_at: Instant
    last_active: Instant = Field(description="Within a few seconds.")
    current: bool = Field(description="This browser's session.")


class SignedInSessions(ResponseBody):
    """The live sessions of this account page (not the tenant's other applications)."""

    sessions: list[SignedInSession]
    ended: int | None = Field(None, description="`sign-out-others`: how many sessions ended.")


#: What `models.document_models` adds to the OpenAPI document's components.
DOCUMENTED = [SignedInSessions]


class ActivityEntry(ResponseBody):
    at: Instant
    cursor: float = Field(description="This entry's time as `before` takes it.")
    action: Literal[ACTIVITY_ACTIONS]  # type: ignore[valid-type]
    outcome: Literal[ACTIVITY_OUTCOMES] = Field(  # type: ignore[valid-type]
        description="`ok`, `failed`, `refused` (no recent sign-in) or `unknown` (sent, but"
        " the tenant's answer was lost).")
    browser: str
    os: str
    ip: str = Field(description="The network: /24 (IPv4) or /48 (IPv6).")
    details: dict[str, Any] | None = Field(
        None, description="What was acted on (metadata `keys`, a `provider`): never a value.")


class ActivityPage(ResponseBody):
    entries: list[ActivityEntry]
    next_before: float | None = Field(description="Pass as `before` for the next (older)"
                                      " page; null at the end.")


DOCUMENTED.extend([ActivityPage])


class DataExport(ResponseBody):
    """Everything the account page can read about you, in one file (`GET
    /api/me/export`): never a token, a secret or another user's data."""

    exported_at: Instant
    profile: Profile = Field(description="With `user_metadata`, `app_metadata` and the"
                             " linked identities.")
    enrollments: list[Enrollment] | None = Field(
        description="Multi-factor enrollments; null without the `mfa` feature.")
    device_credentials: list[DeviceCredential] = Field(
        description="The device keys this app registered for you.")
    sessions: list[SignedInSession]
    activity: list[ActivityEntry]


DOCUMENTED.extend([DataExport])
