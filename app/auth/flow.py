"""The sign-in and link flows: start a transaction, and finish it from the callback.

Contract:
- `begin(auth, kind, ...) -> Started`: a new transaction (`transactions.py`) and the
  tenant `/authorize` URL; the view sets the browser binding cookie `Started` names.
- `finish(auth, kind, params, from_post=, binding_for=) -> Finished`: checks the
  transaction, turns a code into tokens (code flow) or takes them from the form_post
  (implicit), and validates the ID and access tokens. Raises `CallbackFailed` (code,
  detail, retry URL) for everything that must not sign anyone in; nothing is stored then.
- `check_secondary(finished, primary_sub)`: a link callback's identity is another
  account than the primary (`link_same_account`) and belongs to the connection the
  user chose (`link_wrong_connection`), or `CallbackFailed` is raised.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import url_for

from ..config import Settings
from . import transactions
from .oauth_client import BASE_SCOPES, SignInServiceError
from .services import AuthServices
from .session_store import cookie_name
from .tokens import InvalidToken
from .transactions import Transaction, TransactionError

log = logging.getLogger(__name__)

#: Scope the link flow asks for: enough to read the secondary user's metadata.
LINK_SCOPES = ("read:current_user",)
#: The tenant's error codes that a `prompt=none` attempt answers when the user must
#: sign in interactively.
INTERACTION_ERRORS = frozenset({"login_required", "consent_required", "interaction_required"})


#: Database connections: their users' ids start with `auth0|` whatever the connection's
#: name. Every other connection is a social one (`<strategy>|<id>`, and Auth0 names a
#: social connection after its strategy) or an enterprise one (`<strategy>|<name>|<id>`).
DATABASE_CONNECTIONS = frozenset({"Username-Password-Authentication"})
DATABASE_PROVIDER = "auth0"


class CallbackFailed(Exception):
    """A callback that signs nobody in. `interactive_retry`: a silent (`prompt=none`)
    attempt needs the user to sign in on the tenant's page; go to `retry_url` at once.
    `transaction`: the one it answered, when known (its kind decides what follows)."""

    def __init__(
        self, status: int, code: str, detail: str, retry_url: str, interactive_retry: bool = False,
        transaction: Transaction | None = None,
    ) -> None:
        super().__init__(detail)
        self.transaction = transaction
        self.status = status
        self.code = code
        self.detail = detail
        self.retry_url = retry_url
        self.interactive_retry = interactive_retry


@dataclass
class Started:
    url: str
    cookie_name: str
    cookie_value: str
    cookie_max_age: int


@dataclass
class Finished:
    transaction: Transaction
    tokens: dict[str, Any]
    id_claims: dict[str, Any]
    access_claims: dict[str, Any]


def binding_cookie_name(settings: Settings, state: str) -> str:
    # One cookie per transaction, so that parallel sign-ins in several tabs never
    # overwrite each other's binding.
    return cookie_name(settings, "selfserve-tx-" + hashlib.sha256(state.encode()).hexdigest()[:16])


def requested_scopes(settings: Settings, kind: str) -> tuple[str, ...]:
    if kind == "link":
        return (*BASE_SCOPES, *LINK_SCOPES)
    offline = ("offline_access",) if settings.flow == "code" else ()
    return (*BASE_SCOPES, *offline, *settings.scopes)


def begin(
    auth: AuthServices,
    kind: str,
    *,
    redirect_uri: str,
    return_to: str,
    prompt: str | None = None,
    max_age: int | None = None,
    connection: str | None = None,
    session_id: str | None = None,
    login_hint: str | None = None,
    audience: str | None = None,
    scopes: tuple[str, ...] | None = None,
) -> Started:
    """`audience` and `scopes` replace the Management API's and the kind's (the silent
    `/authorize` for the My Account API, `my_account.py`)."""
    settings = auth.settings
    params: dict[str, Any] = {"audience": audience or settings.audience}
    if prompt:
        params["prompt"] = prompt
    if login_hint:
        params["login_hint"] = login_hint
    if max_age is not None:
        params["max_age"] = str(max_age)
    if connection:
        params["connection"] = connection
    request = auth.client.authorization_url(
        redirect_uri=redirect_uri,
        flow=settings.flow,
        scopes=scopes or requested_scopes(settings, kind),
        **params,
    )
    binding = transactions.new_binding()
    transaction = Transaction(
        kind=kind,
        state=request["state"],
        nonce=request["nonce"],
        flow=settings.flow,
        redirect_uri=redirect_uri,
        return_to=return_to,
        binding_hash=transactions.binding_hash(binding),
        expires_at=time.time() + settings.transaction_ttl,
        code_verifier=request["code_verifier"],
        max_age=max_age,
        prompt=prompt,
        connection=connection,
        session_id=session_id,
        audience=audience,
    )
    transactions.save(auth.store, transaction)
    return Started(
        url=request["url"],
        cookie_name=binding_cookie_name(settings, transaction.state),
        cookie_value=binding,
        cookie_max_age=settings.transaction_ttl,
    )


def started_at(auth: AuthServices, transaction: Transaction) -> float:
    """When the user asked to sign in (`begin` gave the transaction TRANSACTION_TTL)."""
    return transaction.expires_at - auth.settings.transaction_ttl


def retry_url_for(transaction: Transaction | None) -> str:
    if transaction is not None and transaction.kind == "link" and transaction.connection:
        return url_for("auth.link", connection=transaction.connection)
    if transaction is not None and transaction.kind == "reauth":
        return url_for("auth.reauthenticate", returnTo=transaction.return_to)
    if transaction is not None:
        return url_for("auth.login", returnTo=transaction.return_to)
    return url_for("auth.login")


def finish(
    auth: AuthServices,
    kind: str,
    params: dict[str, str],
    *,
    from_post: bool,
    binding_for: Callable[[str], str | None],
) -> Finished:
    state = params.get("state") or ""
    try:
        transaction = transactions.take(
            auth.store,
            state=state,
            binding=binding_for(state) if state else None,
            kind=kind,
        )
    except TransactionError as error:
        raise _failed(400, error.code, error.detail, error.transaction, kind) from None

    if params.get("error"):
        raise _tenant_error(params, transaction, kind)
    # The response must come the way this transaction asked for it.
    if (transaction.flow == "implicit") != from_post:
        raise _failed(
            400, "invalid_response", "The sign-in response came back in an unexpected way.",
            transaction, kind,
        )
    # Code flow: the tokens come from our own request to the token endpoint. Implicit:
    # they were posted to us, and anyone can post (see jwks.py on refetching keys).
    from_token_endpoint = transaction.flow == "code"
    try:
        tokens = _tokens(auth, transaction, params)
        id_claims = auth.validator.id_token(
            tokens.get("id_token", ""),
            nonce=transaction.nonce,
            access_token_for_at_hash=(
                None if from_token_endpoint else tokens.get("access_token", "")
            ),
            max_age=transaction.max_age,
            from_token_endpoint=from_token_endpoint,
        )
        access_claims = auth.validator.access_token(
            tokens.get("access_token", ""), sub=id_claims["sub"],
            from_token_endpoint=from_token_endpoint, audience=transaction.audience,
        )
    except InvalidToken as error:
        raise _failed(
            400, "invalid_token", f"The sign-in service sent a token we cannot trust: {error}.",
            transaction, kind,
        ) from None
    except SignInServiceError as error:
        raise _failed(
            502, "token_exchange_failed",
            f"The sign-in service did not complete the sign-in: {error}.", transaction, kind,
        ) from None
    return Finished(transaction, tokens, id_claims, access_claims)


def sub_belongs_to(sub: str, connection: str) -> bool:
    """Whether a user id (`sub`) is an account of `connection`, read from its prefix.

    The tenant may show other ways to sign in on the way (a social stand-in's "back to
    the login page", a database form): what comes back is whatever account the person
    ended up in, not necessarily one of the connection the link was started for.
    """
    provider, _, rest = sub.partition("|")
    if not rest:
        return False
    if connection in DATABASE_CONNECTIONS:
        return provider == DATABASE_PROVIDER
    if provider == connection:
        return True
    # Enterprise connections put the connection's own name second.
    return provider != DATABASE_PROVIDER and rest.split("|", 1)[0] == connection


def check_secondary(finished: Finished, primary_sub: str) -> None:
    """Refuse a link callback whose identity is not one the user can mean to link."""
    transaction = finished.transaction
    sub = finished.id_claims["sub"]
    connection = transaction.connection or ""
    if sub == primary_sub:
        raise _failed(
            400, "link_same_account",
            "That is this account (or an identity already linked to it): sign in with"
            " the other account you want to link.", transaction, "link",
        )
    if not sub_belongs_to(sub, connection):
        raise _failed(
            400, "link_wrong_connection",
            f"You signed in with another method than {connection}, so nothing was linked."
            f" To link {connection}, sign in with {connection} itself.", transaction, "link",
        )


def _tokens(auth: AuthServices, transaction: Transaction, params: dict[str, str]) -> dict:
    if transaction.flow == "implicit":
        return {k: params[k] for k in ("id_token", "access_token") if k in params}
    code = params.get("code")
    if not code or len(code) > 2048:
        raise InvalidToken("the response carries no authorization code")
    return auth.client.exchange_code(
        code=code,
        code_verifier=transaction.code_verifier or "",
        redirect_uri=transaction.redirect_uri,
    )


def _tenant_error(params: dict[str, str], transaction: Transaction, kind: str) -> CallbackFailed:
    error = "".join(c for c in params["error"][:64] if c.isalnum() or c == "_")
    # Printable characters only: it is shown and logged, and anyone can forge a callback.
    raw_description = (params.get("error_description") or "")[:200]
    description = "".join(c for c in raw_description if c.isprintable())
    if error == "access_denied":
        detail = "The sign-in was cancelled or refused."
    elif error in INTERACTION_ERRORS:
        detail = "You need to sign in again."
    else:
        detail = "The sign-in service reported an error."
    if description:
        detail += f" ({description})"
    code = error if error in ("access_denied", *INTERACTION_ERRORS) else "authorization_failed"
    failed = _failed(400, code, detail, transaction, kind)
    failed.interactive_retry = transaction.prompt == "none" and error in INTERACTION_ERRORS
    return failed


def _failed(
    status: int, code: str, detail: str, transaction: Transaction | None, kind: str
) -> CallbackFailed:
    log.warning("%s callback refused: %s: %s", kind, code, detail)
    return CallbackFailed(status, code, detail, retry_url_for(transaction),
                          transaction=transaction)
