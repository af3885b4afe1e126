"""What the tenant's two self-service APIs share: a table of allowed operations, the guard
before a byte is sent, and one retry policy. `ManagementClient` (client.py, /api/v2) and
`MyAccountClient` (my_account_client.py, /me/v1) are this class with another table and
another error body.

Contract:
- A `GuardedClient` has one pooled `requests.Session` and a timeout on every call.
- Every request is matched against `operations` before a byte is sent; another method or
  path (dot segments included) raises `ForbiddenRequest`. `check_caller(op, path,
  caller)` (the subclass's) refuses a path or a token about another user.
- 429: waits `Retry-After` or `x-ratelimit-reset` (at most `max_rate_limit_wait`, at
  most `rate_limit_retries` times), then retries, writes included (a 429 proves nothing
  was applied); a longer wait raises `RateLimited` with `retry_after`. 5xx, timeouts and
  connection errors are retried with backoff and jitter on reads only; a write is
  repeated only when the connection provably never opened.
- Failures raise `TenantError` subclasses; the error body is read by the subclass's
  `read_error(body)` into `TenantHTTPError`'s `error_code`, `tenant_message` and
  `validation_errors`. `app.selfservice.errors` turns them into problems for people.
"""

from __future__ import annotations

import email.utils
import math
import random
import re
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError

from app.auth import unverified_segment


@dataclass(frozen=True)
class Operation:
    """One allowed endpoint (`template` is under the client's base path).

    `feature` is the self-service feature a 403 insufficient_scope withholds (Management
    API), `scope` the one scope the operation needs (My Account API)."""

    name: str
    method: str
    template: str
    feature: str | None = None
    scope: str | None = None
    pattern: re.Pattern = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Each {param} is exactly one non-empty, percent-encoded path segment.
        regex = re.sub(r"\\\{[a-z_]+\\\}", r"[^/?#]+", re.escape(self.template))
        object.__setattr__(self, "pattern", re.compile(f"^{regex}$"))

    @property
    def is_read(self) -> bool:
        return self.method == "GET"

    @property
    def user_scoped(self) -> bool:
        return self.template.startswith("/users/{id}")


def operation_table(*operations: Operation) -> dict[str, Operation]:
    return {op.name: op for op in operations}


@dataclass(frozen=True)
class ErrorBody:
    """What a client reads from the tenant's error body."""

    error_code: str = ""
    message: str = ""
    validation_errors: tuple[dict[str, str], ...] = ()


class ForbiddenRequest(ValueError):
    """A request outside the allowed operations, or for another user; never sent."""


class TenantError(Exception):
    """The tenant did not do what was asked (or we cannot know whether it did)."""

    def __init__(self, operation: Operation, message: str) -> None:
        super().__init__(message)
        self.operation = operation


class TenantHTTPError(TenantError):
    """The tenant answered with an error status (4xx, or 5xx on a write)."""

    def __init__(self, operation: Operation, response: requests.Response,
                 body: ErrorBody) -> None:
        self.status = response.status_code
        self.error_code = body.error_code
        self.tenant_message = body.message or response.reason or ""
        self.validation_errors = body.validation_errors
        super().__init__(operation, f"{self.status} {self.tenant_message}")

    @property
    def fields(self) -> tuple[str, ...]:
        """The body members the tenant named as wrong (My Account's validation errors)."""
        return tuple(e["field"] for e in self.validation_errors if e.get("field"))


class RateLimited(TenantError):
    """The tenant's rate limit held for longer than we wait; retry after `retry_after` s."""

    def __init__(self, operation: Operation, retry_after: int) -> None:
        super().__init__(operation, f"rate limited, retry after {retry_after}s")
        self.retry_after = retry_after


class TenantUnavailable(TenantError):
    """No usable answer after the retries: 5xx (`timed_out` False) or timeouts (True)."""

    def __init__(self, operation: Operation, message: str, *, timed_out: bool) -> None:
        super().__init__(operation, message)
        self.timed_out = timed_out


class WriteOutcomeUnknown(TenantError):
    """A write was sent but no answer came back: it may or may not have been applied."""


@dataclass(frozen=True)
class Caller:
    """Who a call is made for: the user id from a validated session and that user's token."""

    user_id: str
    access_token: str = field(repr=False)


def token_subject(token: str) -> str | None:
    """The token's `sub`, unverified. The signature was checked when the token arrived;
    here it only makes sure the path, the token and the caller are the same user."""
    try:
        claims = unverified_segment(token, 1)
    except ValueError:
        return None
    sub = claims.get("sub")
    return sub if isinstance(sub, str) else None


def retry_after_seconds(response: requests.Response, now: float) -> float | None:
    """Seconds to wait from `Retry-After` (seconds or HTTP date) or `x-ratelimit-reset`."""
    raw = response.headers.get("Retry-After")
    if raw:
        raw = raw.strip()
        if raw.isdigit():
            return float(raw)
        try:
            return max(0.0, email.utils.parsedate_to_datetime(raw).timestamp() - now)
        except (TypeError, ValueError):
            pass  # an unparsable date: fall back to the rate-limit header below
    reset = response.headers.get("x-ratelimit-reset", "").strip()
    if reset.isdigit():
        return max(0.0, int(reset) - now)
    return None


def json_object(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


class GuardedClient(ABC):
    """Calls one of the tenant's APIs, only its allowed operations (see module docstring).
    Subclasses set `base_path` and `operations` and define `check_caller` and
    `read_error`."""

    base_path: str = ""
    operations: Mapping[str, Operation] = {}

    def __init__(
        self,
        tenant_url: str,
        *,
        timeout: float = 10.0,
        read_attempts: int = 3,
        backoff: float = 0.2,
        max_rate_limit_wait: float = 5.0,
        rate_limit_retries: int = 2,
    ) -> None:
        self.base_url = tenant_url.rstrip("/") + self.base_path
        # Connecting should be quick; reading may take up to the configured timeout.
        self.timeout = (min(3.0, timeout), timeout)
        self.read_attempts = read_attempts
        self.backoff = backoff
        self.max_rate_limit_wait = max_rate_limit_wait
        self.rate_limit_retries = rate_limit_retries
        self.session = requests.Session()
        # No hidden retries below us: this class decides what may be repeated.
        adapter = HTTPAdapter(max_retries=0, pool_connections=4, pool_maxsize=32)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update({"Accept": "application/json"})

    @property
    def longest_call(self) -> float:
        """Seconds one call may take at most, retries, backoff and rate-limit waits
        included: what a lock held around a call must outlast."""
        attempts = self.read_attempts + self.rate_limit_retries
        backoffs = sum(self.backoff * 2 ** (n - 1) for n in range(1, self.read_attempts))
        return (attempts * sum(self.timeout) + backoffs
                + self.rate_limit_retries * self.max_rate_limit_wait)

    # --- what a subclass says --------------------------------------------------------

    @abstractmethod
    def check_caller(self, op: Operation, path: str, caller: Caller) -> None:
        """Raise `ForbiddenRequest` when `path` or `caller`'s token is about another user."""

    @abstractmethod
    def read_error(self, body: dict[str, Any]) -> ErrorBody:
        """What the tenant's error body says (each API has its own shape)."""

    # --- the guard -------------------------------------------------------------------

    def _call(
        self,
        name: str,
        caller: Caller,
        path_params: Mapping[str, str],
        *,
        json: Any = None,
        query: Mapping[str, str] | None = None,
    ) -> requests.Response:
        op = self.operations[name]
        path = op.template
        for key, value in path_params.items():
            if not isinstance(value, str) or not value:
                raise ForbiddenRequest(f"{name}: path parameter {key} must be a non-empty string")
            path = path.replace("{" + key + "}", quote(value, safe=""))
        return self.send(op.method, path, caller, json=json, query=query)

    def operation_for(self, method: str, path: str) -> Operation:
        """The operation `method path` (under the base path) is, or `ForbiddenRequest`."""
        # The HTTP stack resolves `.` and `..` segments (urllib3 does; a server may after
        # decoding %2e), so such a path would reach another endpoint than the one matched.
        if any(unquote(segment) in (".", "..") for segment in path.split("/")):
            raise ForbiddenRequest(f"{method} {path}: dot segments are not allowed")
        for op in self.operations.values():
            if op.method == method.upper() and op.pattern.match(path):
                return op
        raise ForbiddenRequest(f"{method} {path} is not an allowed operation")

    def send(
        self, method: str, path: str, caller: Caller, *, json: Any = None,
        query: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """Send `method path` for `caller` with the retry policy; refuse anything else."""
        op = self.operation_for(method, path)
        self.check_caller(op, path, caller)
        url = self.base_url + path
        headers = {"Authorization": f"Bearer {caller.access_token}"}
        return self._with_retries(op, url, headers, json, dict(query or {}))

    # --- the retry policy ------------------------------------------------------------

    def _with_retries(self, op: Operation, url: str, headers: dict[str, str], json: Any,
                      query: dict[str, str]) -> requests.Response:
        attempt = 0
        rate_limit_waits = 0
        while True:
            attempt += 1
            try:
                response = self.session.request(
                    op.method, url, headers=headers, json=json, params=query or None,
                    timeout=self.timeout,
                )
            except requests.ConnectionError as exc:
                never_connected = isinstance(exc, requests.ConnectTimeout) or isinstance(
                    getattr(exc.args[0] if exc.args else None, "reason", None), NewConnectionError
                )
                if (op.is_read or never_connected) and attempt < self.read_attempts:
                    self._backoff(attempt)
                    continue
                if op.is_read or never_connected:
                    raise TenantUnavailable(
                        op, f"cannot reach the tenant: {type(exc).__name__}",
                        timed_out=isinstance(exc, requests.ConnectTimeout),
                    ) from exc
                raise WriteOutcomeUnknown(op, "the connection dropped before an answer") from exc
            except requests.Timeout as exc:
                if op.is_read and attempt < self.read_attempts:
                    self._backoff(attempt)
                    continue
                if op.is_read:
                    raise TenantUnavailable(op, "the tenant did not answer in time",
                                            timed_out=True) from exc
                raise WriteOutcomeUnknown(op, "no answer in time to a write") from exc

            status = response.status_code
            if status == 429:
                wait = retry_after_seconds(response, time.time())
                if (
                    wait is not None
                    and wait <= self.max_rate_limit_wait
                    and rate_limit_waits < self.rate_limit_retries
                ):
                    rate_limit_waits += 1
                    attempt -= 1  # waiting out a rate limit is not a failed attempt
                    time.sleep(wait)
                    continue
                raise RateLimited(op, max(1, math.ceil(wait if wait is not None else 1)))
            if status >= 500:
                if op.is_read and attempt < self.read_attempts:
                    self._backoff(attempt)
                    continue
                if op.is_read:
                    raise TenantUnavailable(op, f"the tenant answered {status}", timed_out=False)
                raise self._http_error(op, response)
            if status >= 400:
                raise self._http_error(op, response)
            return response

    def _http_error(self, op: Operation, response: requests.Response) -> TenantHTTPError:
        return TenantHTTPError(op, response, self.read_error(json_object(response)))

    def _backoff(self, attempt: int) -> None:
        # Exponential backoff with full jitter, so that many workers do not retry in step.
        ceiling = self.backoff * (2 ** (attempt - 1))
        time.sleep(ceiling / 2 + random.uniform(0, ceiling / 2))
