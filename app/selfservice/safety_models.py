"""Response bodies of the account-safety endpoints (issue 11): signed-in sessions, the
activity log and the data export. Part of `models.document_models`, so they are in
`/api/openapi.json` like every other body."""

from __future__ import annotations

from pydantic import Field

from .models import ResponseBody

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
