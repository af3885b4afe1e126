"""Management and My Account API failures as problems a user can act on, with stable codes.

Contract: `problem_for(error)` maps every `ManagementError` to an
`app.web.problems.Problem`; the codes are registered in `app.web.problem_codes`
(and so listed in the OpenAPI document). `feature_unavailable(feature, missing)` is
the 403 for a scope the session was not granted. Tenant wording is passed on only
where it helps the user. Call it in a request: a 401 carries a `login_url` for this request.
"""

from __future__ import annotations

from app.auth import FEATURE_LABELS, FEATURES, login_problem
from app.web.problems import Problem

from .client import (
    ManagementError,
    ManagementHTTPError,
    RateLimited,
    TenantUnavailable,
    WriteOutcomeUnknown,
)


def feature_unavailable(feature: str, missing: list[str]) -> Problem:
    label = FEATURE_LABELS[feature]
    scopes = ", ".join(missing)
    return Problem(
        403,
        "feature_unavailable",
        f"This sign-in does not allow {label}: the tenant did not grant the scope {scopes}."
        " Ask the site's administrator to allow it for this application, then sign in again.",
        feature=feature,
        missing_scopes=missing,
    )


def rate_limited(retry_after: int) -> Problem:
    return Problem(
        429,
        "rate_limited",
        f"The account service is busy right now. Try again in {retry_after} seconds;"
        " nothing was changed.",
        retry_after=retry_after,
    ).with_headers(Retry_After=str(retry_after))


def problem_for(error: ManagementError) -> Problem:
    """The problem a user sees for a failed Management API call."""
    op = error.operation
    if isinstance(error, RateLimited):
        return rate_limited(error.retry_after)
    if isinstance(error, WriteOutcomeUnknown):
        return Problem(
            502,
            "write_outcome_unknown",
            "Your change was sent to the account service but no answer came back, so we"
            " cannot tell whether it was saved. Reload the page and check before trying again.",
        )
    if isinstance(error, TenantUnavailable):
        return Problem(
            504 if error.timed_out else 502,
            "tenant_unavailable",
            "The account service is not answering right now. Try again in a moment.",
        )
    if not isinstance(error, ManagementHTTPError):
        raise TypeError(f"unmapped management error {error!r}")
    if error.status >= 500:
        verb = "read your account" if op.is_read else "save your change"
        return Problem(
            502,
            "tenant_unavailable",
            f"The account service failed to {verb} (it answered {error.status}). Nothing"
            " was confirmed; reload the page and try again in a moment.",
        )
    if error.status == 401:
        # The session's own 401 members (`error`, `login_url`), renewing silently if possible.
        return Problem(
            401,
            "login_required",
            "Your sign-in is no longer accepted by the account service. Sign in again.",
            **login_problem(silent=True).extra,
        )
    if error.status == 403 and op.scope is not None:  # the My Account API
        return Problem(403, "insufficient_scope",
                       f"The tenant did not grant this application {op.scope}.",
                       missing_scopes=[op.scope])
    if error.status == 403 and error.error_code == "insufficient_scope":
        return feature_unavailable(op.feature, list(FEATURES[op.feature]))
    if error.status == 404 and op.user_scoped:
        return Problem(404, "user_not_found", "The account service no longer knows this account.")
    return Problem(
        400 if error.status < 500 and error.status != 409 else error.status,
        "tenant_rejected",
        f"The account service refused the request: {error.tenant_message}",
        tenant_message=error.tenant_message,
    )
