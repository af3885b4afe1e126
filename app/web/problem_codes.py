"""Every problem `code` the BFF answers with, and what it means: the one registry.

Contract: `PROBLEM_CODES` maps each code to a sentence for the API description; the
OpenAPI document (`/api/openapi.json`) lists exactly these as the `code` enum, and a
unit test checks that every `Problem(status, "code", ...)` raised in `app/` (outside
the separate tenant) is registered here. A code is stable once published: the UI and
other clients branch on it. Add a code here in the same change that first raises it.
"""

from __future__ import annotations

#: What every response shares (app.web): CSRF, embedding, HTTP errors, our own bugs.
WEB_CODES: dict[str, str] = {
    "csrf_failed": "A state-changing call without `X-CSRF: 1` and a same-origin `Origin`.",
    "origin_not_allowed": "The embedding origin is not in `EMBED_ALLOWED_ORIGINS`.",
    "invalid_request": "The request body or a parameter is malformed (`errors`).",
    "request_entity_too_large": "The request body is larger than the API accepts (64 KB).",
    "not_found": "No such path.",
    "method_not_allowed": "The path exists but not with this method.",
    "internal_error": "An error on our side.",
}

#: The OAuth side (app.auth): the session, sign-in and link transactions.
AUTH_CODES: dict[str, str] = {
    "login_required": "No session, or it ended; sign in again at `login_url`.",
    "invalid_state": "The sign-in answer belongs to no transaction of this browser.",
    "unknown_connection": "That sign-in method cannot be linked here.",
    "link_session_changed": "The session changed while the other sign-in was under way.",
    "link_wrong_connection": "The other sign-in came back from another connection than"
    " the one chosen.",
    "link_same_account": "The sign-in to link is this account itself: nothing to link.",
    "sign_in_choice_expired": "The choice between two accounts after a silent sign-in"
    " was made already, or expired.",
    "transaction_expired": "The sign-in took longer than its transaction lives.",
    "transaction_not_bound": "The sign-in answer came to another browser than the one"
    " that started it.",
    "invalid_response": "The sign-in answer came back in another way than it was asked.",
    "invalid_token": "The tenant sent a token that failed validation.",
    "token_exchange_failed": "The tenant did not turn the code into tokens.",
    "access_denied": "The sign-in was cancelled or refused at the tenant.",
    "consent_required": "A silent sign-in needs the user's consent at the tenant.",
    "interaction_required": "A silent sign-in needs the user at the tenant's page.",
    "authorization_failed": "The tenant answered the sign-in with another error.",
    "reauthentication_required": "A sensitive change needs a sign-in at most `max_age`"
    " seconds old: sign in again at `reauth_url`; nothing was changed.",
    "reauthentication_other_user": "The re-authentication signed in another user: refused,"
    " the session is unchanged.",
    "reauthentication_session_changed": "The session ended or changed while re-authenticating.",
}

#: The account API (app.selfservice).
SELFSERVICE_CODES: dict[str, str] = {
    "feature_unavailable": "The session's token lacks the scope a feature needs "
    "(`feature`, `missing_scopes`).",
    "invalid_metadata": "The metadata change breaks a rule (`errors`: path and message).",
    "conflict": "`If-Match` names an older version; `current` and `etag` are the newest.",
    "precondition_failed": "`If-Match` is not a valid entity tag.",
    "main_identity": "The main identity cannot be unlinked.",
    "identity_not_found": "No such linked identity on this account.",
    "identity_exists": "That identity is already linked to an account.",
    "link_rejected": "The tenant refused to link the other account (`tenant_message`).",
    "no_pending_link": "No account is waiting to be linked (or the wait expired).",
    "unknown_provider": "Multi-factor provider is not `duo` or `google-authenticator`.",
    "metadata_unreadable": "The other account's metadata cannot be read, so not copied.",
    "busy": "Another change to this account is in progress; retry after `retry_after` s.",
    "device_exists": "A key for this device is already registered.",
    "device_not_found": "This app registered no device key with that id for you.",
    "user_not_found": "The tenant no longer knows this account.",
    "tenant_rejected": "The tenant refused the request (`tenant_message`).",
    "rate_limited": "Too many requests to the tenant; retry after `retry_after` seconds.",
    "tenant_unavailable": "The tenant did not answer usefully after retries.",
    "write_outcome_unknown": "A change was sent but no answer came: reload and check.",
    "session_not_found": "No live session of this user has that id.",
    "current_session": "That is this browser's own session: sign out instead.",
    "my_account_unavailable": "No My Account API token for this sign-in (`reason`:"
    " `off`, `not_granted`, `unavailable`; `detail` says why).",
    "wrong_code": "The code does not confirm the enrollment; try again (`field`).",
    "passkey_rejected": "The tenant did not accept the new passkey (`detail` says why);"
    " create it again.",
    "password_rejected": "The password policy refuses the new password (`detail` says"
    " why); choose another.",
    "passkey_exists": "The authenticator already holds a passkey of this account.",
    "method_not_found": "The sign-in method no longer exists (removed elsewhere).",
    "enrollment_not_found": "No enrollment of that id is waiting (expired?): start again.",
    "password_required": "The password is how the identity signs in: it cannot be removed.",
    "insufficient_scope": "The My Account API token lacks the scope this needs"
    " (`missing_scopes`).",
}

PROBLEM_CODES: dict[str, str] = {**WEB_CODES, **AUTH_CODES, **SELFSERVICE_CODES}
