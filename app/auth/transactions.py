"""Pending sign-in and link transactions, kept on the server and bound to one browser.

Why this design: the implicit flow's `form_post` callback is a cross-site POST, on
which the browser does not send `SameSite=Lax` cookies, so neither the session nor
a Lax cookie can identify the browser there. Instead:

1. `/login` (or `/link/...`) stores the transaction server-side, keyed by a hash of
   its `state`, holding nonce, PKCE verifier, return path, expiry and the hash of a
   per-browser *binding* value. The binding value itself goes to the browser in an
   HttpOnly `SameSite=Lax` cookie (reused by parallel tabs, so each tab's sign-in
   completes).
2. A `form_post` callback is not processed on the POST: if its `state` names a live
   transaction of ours, its fields are parked server-side for a minute (one parked
   post per transaction, the latest; bounded in count and size) under a one-time
   handle, and the browser is sent (303) to `GET /callback?resume=<handle>`. That GET
   is a top-level navigation, so the Lax binding cookie comes with it. No token is in
   that URL. A POST whose state matches no transaction is refused and stores nothing.
3. The callback (GET with `code`/`error`, or the resumed one) checks the transaction's
   expiry, that the browser's binding cookie hashes to the stored value, and its kind,
   and only then consumes it atomically (`pop`: of two concurrent valid callbacks
   exactly one wins). A callback that fails a check consumes nothing, so whoever
   learns a `state` cannot burn the real browser's sign-in.

Login CSRF (an attacker making the victim's browser finish the attacker's sign-in)
fails at step 3: the victim's browser does not hold the attacker's binding value.

What an anonymous client can make the BFF keep: per `GET /login` one transaction
(under 3 KB: `return_to` is at most 2048 characters), gone `transaction_ttl + GRACE`
seconds later; per transaction at most one parked form_post of `PARKED_MAX_BYTES`,
gone after `PARKED_TTL`; nothing for a POST without a transaction of ours.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import asdict, dataclass

from .store import Store

#: How long a used or expired transaction is remembered, to explain a late callback.
GRACE = 10 * 60
#: How long the fields of a form_post callback wait for the browser's GET.
PARKED_TTL = 60
PARKED_FIELDS = (
    "state", "code", "id_token", "access_token", "token_type", "expires_in", "scope",
    "error", "error_description",
)
#: Characters one parked field, and all of them together, may have: tokens of a few KB.
PARKED_FIELD_MAX = 8 * 1024
PARKED_MAX_BYTES = 16 * 1024
_TX_ID = re.compile(r"[0-9a-f]{64}")
#: The transaction kinds each callback accepts: a re-authentication and the silent
#: `/authorize` for the My Account API come back to the sign-in's `/callback` (the tenant
#: knows only that and `/link/callback`).
CALLBACK_KINDS = {"login": ("login", "reauth", "my_account"), "link": ("link",)}


class TransactionError(Exception):
    """The callback does not match a live transaction of this browser; `code` says why."""

    def __init__(self, code: str, detail: str, transaction: Transaction | None = None) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.transaction = transaction


@dataclass
class Transaction:
    kind: str  # "login", "link", "reauth" (step_up.py) or "my_account" (my_account.py)
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
    session_id: str | None = None  # link, reauth, my_account: the session that started it
    audience: str | None = None  # None: the Management API's (settings.audience)


def new_binding() -> str:
    return secrets.token_urlsafe(32)


def binding_hash(binding: str) -> str:
    return hashlib.sha256(binding.encode()).hexdigest()


def _id(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def _key(state: str) -> str:
    return "tx:" + _id(state)


def save(store: Store, transaction: Transaction) -> None:
    ttl = transaction.expires_at - time.time() + GRACE
    store.set(_key(transaction.state), asdict(transaction), ttl)


def take(store: Store, *, state: str | None, binding: str | None, kind: str) -> Transaction:
    """Consume the transaction for `state` if this browser (`binding`) started it.

    Raises `TransactionError` with code `invalid_state` (unknown, already used, or at
    the wrong callback), `transaction_expired`, or `transaction_not_bound` (another
    browser's); then nothing is consumed.
    """
    if not state or len(state) > 512:
        raise TransactionError("invalid_state", "The sign-in response carries no valid state.")
    key = _key(state)
    record = store.get(key)
    if record is None:
        raise _unknown(store, key)
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
    if transaction.kind not in CALLBACK_KINDS.get(kind, (kind,)):
        raise TransactionError(
            "invalid_state", "This response arrived at the wrong callback.", transaction
        )
    if store.pop(key) is None:  # a concurrent callback of this browser won
        raise _unknown(store, key)
    store.set("tx-used:" + key, True, GRACE)
    store.delete("parked:" + _id(state))
    return transaction


def _unknown(store: Store, key: str) -> TransactionError:
    used = store.get("tx-used:" + key)
    detail = (
        "This sign-in response was already used."
        if used
        else "This sign-in response does not belong to a sign-in started here."
    )
    return TransactionError("invalid_state", detail)


def park(store: Store, form: dict[str, str]) -> str:
    """Keep a form_post callback's fields briefly; returns the one-time handle.

    Raises `TransactionError` (`invalid_state`) unless `state` names a live transaction
    of ours, and (`invalid_request`) for fields beyond `PARKED_FIELD_MAX` or
    `PARKED_MAX_BYTES`; nothing is stored then. A later post for the same transaction
    replaces the earlier one.
    """
    state = form.get("state") or ""
    if not state or len(state) > 512 or store.get(_key(state)) is None:
        raise TransactionError(
            "invalid_state", "This sign-in response does not belong to a sign-in started here."
        )
    fields = {k: form[k] for k in PARKED_FIELDS if k in form}
    sizes = [len(value) for value in fields.values()]
    if max(sizes) > PARKED_FIELD_MAX or sum(sizes) > PARKED_MAX_BYTES:
        raise TransactionError("invalid_request", "This sign-in response is too large.")
    secret = secrets.token_urlsafe(32)
    record = {"secret_hash": hashlib.sha256(secret.encode()).hexdigest(), "fields": fields}
    store.set("parked:" + _id(state), record, PARKED_TTL)
    return f"{_id(state)}.{secret}"


def unpark(store: Store, handle: str) -> dict[str, str] | None:
    """The fields parked under `handle`, or None. Not consumed here: the transaction
    they answer is consumed by `take` (which drops them), once the browser's binding
    matched, so a handle opened in another browser burns nothing."""
    tx_id, _, secret = (handle or "").partition(".")
    if not _TX_ID.fullmatch(tx_id) or not 0 < len(secret) <= 64:
        return None
    record = store.get("parked:" + tx_id)
    if not isinstance(record, dict) or not hmac.compare_digest(
        record.get("secret_hash", ""), hashlib.sha256(secret.encode()).hexdigest()
    ):
        return None
    return record["fields"]
