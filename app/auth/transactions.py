"""Pending sign-in and link transactions, kept on the server and bound to one browser.

Why this design: the implicit flow's `form_post` callback is a cross-site POST, on
which the browser does not send `SameSite=Lax` cookies, so neither the session nor
a Lax cookie can identify the browser there. Instead:

1. `/login` (or `/link/...`) stores the transaction server-side, keyed by a hash of
   its `state`, holding nonce, PKCE verifier, return path, expiry and the hash of a
   per-browser *binding* value. The binding value itself goes to the browser in an
   HttpOnly `SameSite=Lax` cookie (reused by parallel tabs, so each tab's sign-in
   completes).
2. A `form_post` callback is not processed on the POST: its fields are parked
   server-side for a minute under a random one-time handle, and the browser is
   sent (303) to `GET /callback?resume=<handle>`. That GET is a top-level
   navigation, so the Lax binding cookie comes with it. No token is in that URL.
3. The callback (GET with `code`/`error`, or the resumed one) pops the transaction
   atomically (a callback is accepted once), checks its expiry, kind, and that the
   browser's binding cookie hashes to the stored value.

Login CSRF (an attacker making the victim's browser finish the attacker's sign-in)
fails at step 3: the victim's browser does not hold the attacker's binding value.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import asdict, dataclass

from .store import Store

#: How long a used or expired transaction is remembered, to explain a late callback.
GRACE = 60 * 60
#: How long the fields of a form_post callback wait for the browser's GET.
PARKED_TTL = 60
PARKED_FIELDS = (
    "state", "code", "id_token", "access_token", "token_type", "expires_in", "scope",
    "error", "error_description",
)


class TransactionError(Exception):
    """The callback does not match a live transaction of this browser; `code` says why."""

    def __init__(self, code: str, detail: str, transaction: Transaction | None = None) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.transaction = transaction


@dataclass
class Transaction:
    kind: str  # "login" or "link"
    state: str
    nonce: str
    flow: str
    redirect_uri: str
    return_to: str
    binding_hash: str
    expires_at: float
    code_verifier: str | None = None
    max_age: int | None = None
    prompt: str | None = None
    connection: str | None = None
    session_id: str | None = None  # link: the primary session that started it


def new_binding() -> str:
    return secrets.token_urlsafe(32)


def binding_hash(binding: str) -> str:
    return hashlib.sha256(binding.encode()).hexdigest()


def _key(state: str) -> str:
    return "tx:" + hashlib.sha256(state.encode()).hexdigest()


def save(store: Store, transaction: Transaction) -> None:
    ttl = transaction.expires_at - time.time() + GRACE
    store.set(_key(transaction.state), asdict(transaction), ttl)


def take(store: Store, *, state: str | None, binding: str | None, kind: str) -> Transaction:
    """Consume the transaction for `state` if this browser (`binding`) started it.

    Raises `TransactionError` with code `invalid_state` (unknown or already used),
    `transaction_expired`, or `transaction_not_bound` (another browser's).
    """
    if not state or len(state) > 512:
        raise TransactionError("invalid_state", "The sign-in response carries no valid state.")
    record = store.pop(_key(state))
    if record is None:
        used = store.get("tx-used:" + _key(state))
        detail = (
            "This sign-in response was already used."
            if used
            else "This sign-in response does not belong to a sign-in started here."
        )
        raise TransactionError("invalid_state", detail)
    store.set("tx-used:" + _key(state), True, GRACE)
    transaction = Transaction(**record)
    if time.time() > transaction.expires_at:
        raise TransactionError(
            "transaction_expired", "The sign-in took too long and has expired.", transaction
        )
    if not binding or not hmac.compare_digest(binding_hash(binding), transaction.binding_hash):
        raise TransactionError(
            "transaction_not_bound",
            "This sign-in response was started in another browser, so it was not accepted.",
            transaction,
        )
    if transaction.kind != kind:
        raise TransactionError(
            "invalid_state", "This response arrived at the wrong callback.", transaction
        )
    return transaction


def park(store: Store, form: dict[str, str]) -> str:
    """Keep a form_post callback's fields briefly; returns the one-time handle."""
    handle = secrets.token_urlsafe(32)
    fields = {k: form[k] for k in PARKED_FIELDS if k in form and len(form[k]) < 16384}
    store.set("parked:" + handle, fields, PARKED_TTL)
    return handle


def unpark(store: Store, handle: str) -> dict[str, str] | None:
    if not handle or len(handle) > 128:
        return None
    return store.pop("parked:" + handle)
