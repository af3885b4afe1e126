"""The Management API client: the eight self-service operations and nothing else.

Contract:
- One `ManagementClient` per app, one pooled `requests.Session`, a timeout on every call.
- Every request is checked against `OPERATIONS` before a byte is sent; any other method
  or path raises `ForbiddenRequest`. A path's user id must be the subject of the bearer
  token it is sent with, so one user's token never acts on another id.
- 429: waits `Retry-After` or `x-ratelimit-reset` (at most `max_rate_limit_wait`), then
  retries, writes included (a 429 proves nothing was applied). 5xx, timeouts and
  connection errors are retried with backoff and jitter on reads only; a write is
  repeated only when the connection provably never opened.
- Failures raise `ManagementError` subclasses; `app.selfservice.errors` turns them into
  problems for people.
"""

from __future__ import annotations

import email.utils
import math
import random
import re
import time
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
    """One self-service endpoint of the Management API v2 (`template` is under /api/v2)."""

    name: str
    method: str
    template: str
    feature: str  # which self-service feature a 403 insufficient_scope withholds
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


OPERATIONS: dict[str, Operation] = {
    op.name: op
    for op in (
        Operation("get_user", "GET", "/users/{id}", "profile"),
        Operation("update_user", "PATCH", "/users/{id}", "metadata"),
        Operation("get_enrollments", "GET", "/users/{id}/enrollments", "mfa"),
        Operation("link_identity", "POST", "/users/{id}/identities", "identities"),
        Operation(
            "unlink_identity", "DELETE", "/users/{id}/identities/{provider}/{user_id}", "identities"
        ),
        Operation("delete_multifactor", "DELETE", "/users/{id}/multifactor/{provider}", "mfa"),
        Operation("create_device_credential", "POST", "/device-credentials", "devices"),
        Operation("delete_device_credential", "DELETE", "/device-credentials/{id}", "devices"),
    )
}


class ForbiddenRequest(ValueError):
    """A request outside the self-service operations, or for another user; never sent."""


class ManagementError(Exception):
    """The tenant did not do what was asked (or we cannot know whether it did)."""

    def __init__(self, operation: Operation, message: str) -> None:
        super().__init__(message)
        self.operation = operation


class ManagementHTTPError(ManagementError):
    """The tenant answered with an error status (4xx, or 5xx on a write)."""

    def __init__(self, operation: Operation, response: requests.Response) -> None:
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        self.status = response.status_code
        self.error_code = str(body.get("errorCode") or "")
        self.tenant_message = str(body.get("message") or response.reason or "")
        super().__init__(operation, f"{self.status} {self.tenant_message}")


class RateLimited(ManagementError):
    """The tenant's rate limit held for longer than we wait; retry after `retry_after` s."""

    def __init__(self, operation: Operation, retry_after: int) -> None:
        super().__init__(operation, f"rate limited, retry after {retry_after}s")
        self.retry_after = retry_after


class TenantUnavailable(ManagementError):
    """No usable answer after the retries: 5xx (`timed_out` False) or timeouts (True)."""

    def __init__(self, operation: Operation, message: str, *, timed_out: bool) -> None:
        super().__init__(operation, message)
        self.timed_out = timed_out


class WriteOutcomeUnknown(ManagementError):
    """A write was sent but no answer came back: it may or may not have been applied."""


@dataclass(frozen=True)
class Caller:
    """Who a call is made for: the user id from a validated session and that user's token."""

    user_id: str
    access_token: str = field(repr=False)


def _token_subject(token: str) -> str | None:
    # The signature was checked when the token arrived; here we only read `sub` to make
    # sure the path and the token are about the same user.
    try:
        claims = unverified_segment(token, 1)
    except ValueError:
        return None
    sub = claims.get("sub")
    return sub if isinstance(sub, str) else None


def _retry_after_seconds(response: requests.Response, now: float) -> float | None:
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


class ManagementClient:
    """Calls the tenant's Management API v2 self-service endpoints (see module docstring)."""

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
        self.base_url = tenant_url.rstrip("/") + "/api/v2"
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

    # --- the eight operations -------------------------------------------------------

    def get_user(self, caller: Caller) -> dict[str, Any]:
        return self._call("get_user", caller, {"id": caller.user_id}).json()

    def update_user_metadata(self, caller: Caller, changes: Mapping[str, Any]) -> dict[str, Any]:
        """PATCH `user_metadata` (first-level merge, None deletes). `changes` must not be
        empty: Auth0 reads `{}` as "remove all metadata"."""
        if not changes:
            raise ForbiddenRequest("an empty user_metadata patch would erase all metadata")
        body = {"user_metadata": dict(changes)}
        return self._call("update_user", caller, {"id": caller.user_id}, json=body).json()

    def get_enrollments(self, caller: Caller) -> list[dict[str, Any]]:
        return self._call("get_enrollments", caller, {"id": caller.user_id}).json()

    def link_identity(self, caller: Caller, link_with: str) -> list[dict[str, Any]]:
        body = {"link_with": link_with}
        return self._call("link_identity", caller, {"id": caller.user_id}, json=body).json()

    def unlink_identity(self, caller: Caller, provider: str, user_id: str) -> list[dict[str, Any]]:
        params = {"id": caller.user_id, "provider": provider, "user_id": user_id}
        return self._call("unlink_identity", caller, params).json()

    def delete_multifactor(self, caller: Caller, provider: str) -> None:
        self._call("delete_multifactor", caller, {"id": caller.user_id, "provider": provider})

    def create_device_credential(self, caller: Caller, body: Mapping[str, Any]) -> dict[str, Any]:
        return self._call("create_device_credential", caller, {}, json=dict(body)).json()

    def delete_device_credential(self, caller: Caller, credential_id: str) -> None:
        self._call("delete_device_credential", caller, {"id": credential_id})

    # --- the guard and the retry policy ---------------------------------------------

    def _call(
        self,
        name: str,
        caller: Caller,
        path_params: Mapping[str, str],
        *,
        json: Any = None,
    ) -> requests.Response:
        op = OPERATIONS[name]
        path = op.template
        for key, value in path_params.items():
            if not isinstance(value, str) or not value:
                raise ForbiddenRequest(f"{name}: path parameter {key} must be a non-empty string")
            path = path.replace("{" + key + "}", quote(value, safe=""))
        return self.send(op.method, path, caller, json=json)

    def operation_for(self, method: str, path: str) -> Operation:
        """The operation `method path` (under /api/v2) is, or `ForbiddenRequest`."""
        # The HTTP stack resolves `.` and `..` segments (urllib3 does; a server may after
        # decoding %2e), so such a path would reach another endpoint than the one matched.
        if any(unquote(segment) in (".", "..") for segment in path.split("/")):
            raise ForbiddenRequest(f"{method} {path}: dot segments are not allowed")
        for op in OPERATIONS.values():
            if op.method == method.upper() and op.pattern.match(path):
                return op
        raise ForbiddenRequest(f"{method} {path} is not a self-service operation")

    def send(
        self, method: str, path: str, caller: Caller, *, json: Any = None
    ) -> requests.Response:
        """Send `method path` for `caller` with the retry policy; refuse anything else."""
        op = self.operation_for(method, path)
        if op.user_scoped:
            path_user = path.split("/")[2]
            if path_user != quote(caller.user_id, safe=""):
                raise ForbiddenRequest(f"{op.name}: the path's user is not the caller")
            subject = _token_subject(caller.access_token)
            if subject is not None and subject != caller.user_id:
                raise ForbiddenRequest(f"{op.name}: the token belongs to another user")
        url = self.base_url + path
        headers = {"Authorization": f"Bearer {caller.access_token}"}

        attempt = 0
        rate_limit_waits = 0
        while True:
            attempt += 1
            try:
                response = self.session.request(
                    op.method, url, headers=headers, json=json, timeout=self.timeout
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
                wait = _retry_after_seconds(response, time.time())
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
                raise ManagementHTTPError(op, response)
            if status >= 400:
                raise ManagementHTTPError(op, response)
            return response

    def _backoff(self, attempt: int) -> None:
        # Exponential backoff with full jitter, so that many workers do not retry in step.
        ceiling = self.backoff * (2 ** (attempt - 1))
        time.sleep(ceiling / 2 + random.uniform(0, ceiling / 2))
