"""Back-channel logout: when an SSO session ends, POST a logout token to each client that
had tokens under it and registered a back-channel logout URI.

Contract: `end_session_and_notify(conn, sid)` deletes the session at once and queues one
logout token per client; the tenant's `BackchannelOutbox` (`outbox()`) posts them from
its own thread a little after the logout request has been answered, as Auth0 does
(never inside that request). A delivery that fails in transport or gets a 5xx is tried
again (`ATTEMPTS` in all, `RETRY_DELAYS` apart); a 2xx-4xx answer ends it. Each logout
token, once its delivery is over, is recorded in `outbox().deliveries()` (read by
`/__test__/backchannel-deliveries`); `outbox().clear()` forgets the record and drops what
is still queued (a tenant reset).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import sqlite3
import threading
import time
from dataclasses import asdict, dataclass
from typing import Any

import jwt
import requests
from flask import Flask, current_app

from app.tenant import clients, sso
from app.tenant.oauth import tokens

log = logging.getLogger(__name__)

DELIVERY_TIMEOUT = (2, 3)  # (connect, read) seconds
#: Seconds between the logout and the first attempt: the logout's answer goes first.
FIRST_DELAY = 0.05
#: Seconds to wait before the second and third attempts.
RETRY_DELAYS = (0.5, 1.5)
ATTEMPTS = 1 + len(RETRY_DELAYS)
#: The record keeps the newest deliveries only: a long-running demo must not grow.
RECORD_SIZE = 200
_EXTENSION = "tenant.backchannel"


@dataclass
class BackchannelDelivery:
    """One logout token's delivery: where, for whom, and how it ended."""

    client_id: str
    uri: str
    sid: str
    sub: str
    jti: str
    status: int | None = None
    error: str | None = None
    attempts: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Job:
    delivery: BackchannelDelivery
    token: str
    generation: int


class BackchannelOutbox:
    """A delay queue of logout tokens and the one daemon thread that posts them."""

    def __init__(self) -> None:
        self._ready = threading.Condition()
        self._queue: list[tuple[float, int, _Job]] = []
        self._order = itertools.count()
        self._generation = 0
        self._record: list[BackchannelDelivery] = []
        self._thread: threading.Thread | None = None

    def enqueue(self, delivery: BackchannelDelivery, token: str) -> None:
        with self._ready:
            job = _Job(delivery, token, self._generation)
            self._push(time.monotonic() + FIRST_DELAY, job)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="backchannel-logout",
                                                daemon=True)
                self._thread.start()

    def deliveries(self) -> list[BackchannelDelivery]:
        with self._ready:
            return list(self._record)

    def clear(self) -> None:
        """Forget the record, and drop every delivery still queued or under way."""
        with self._ready:
            self._generation += 1
            self._queue.clear()
            self._record.clear()

    # -- the worker ------------------------------------------------------------------

    def _push(self, due: float, job: _Job) -> None:
        heapq.heappush(self._queue, (due, next(self._order), job))
        self._ready.notify()

    def _next_job(self) -> _Job:
        with self._ready:
            while True:
                if self._queue:
                    wait = self._queue[0][0] - time.monotonic()
                    if wait <= 0:
                        return heapq.heappop(self._queue)[2]
                    self._ready.wait(wait)
                else:
                    self._ready.wait()

    def _run(self) -> None:
        while True:
            job = self._next_job()
            retry = _attempt(job.delivery, job.token)
            with self._ready:
                if job.generation != self._generation:
                    continue  # a reset happened meanwhile: this delivery is forgotten
                if retry and job.delivery.attempts < ATTEMPTS:
                    delay = RETRY_DELAYS[job.delivery.attempts - 1]
                    self._push(time.monotonic() + delay, job)
                    continue
                self._record.append(job.delivery)
                del self._record[:-RECORD_SIZE]


def _attempt(delivery: BackchannelDelivery, token: str) -> bool:
    """POST the logout token once; True when the failure is worth another try."""
    delivery.attempts += 1
    try:
        answer = requests.post(delivery.uri, data={"logout_token": token},
                               timeout=DELIVERY_TIMEOUT, allow_redirects=False)
    except requests.RequestException as error:
        delivery.status, delivery.error = None, f"{type(error).__name__}: {error}"
        log.warning("back-channel logout to %s failed (attempt %d): %s", delivery.uri,
                    delivery.attempts, delivery.error)
        return True
    delivery.status, delivery.error = answer.status_code, None
    if answer.status_code >= 500:
        log.warning("back-channel logout to %s answered %d (attempt %d)", delivery.uri,
                    answer.status_code, delivery.attempts)
        return True
    return False


def install(app: Flask) -> BackchannelOutbox:
    app.extensions[_EXTENSION] = BackchannelOutbox()
    return app.extensions[_EXTENSION]


def outbox(app: Flask | None = None) -> BackchannelOutbox:
    return (app or current_app).extensions[_EXTENSION]


def end_session_and_notify(conn: sqlite3.Connection, sid: str) -> list[BackchannelDelivery]:
    """End the SSO session `sid` and queue a logout token for each client told of it."""
    session = sso.get_session(conn, sid)
    if session is None:
        return []
    queued = []
    for client_id in sso.end_session(conn, sid):
        client = clients.get_client(conn, client_id)
        if client is None or not client.backchannel_logout_uri:
            continue
        token = tokens.logout_token(client.client_id, session.user_id, sid)
        # The jti as sent (a tweaked token may lack one): the record names the token.
        jti = jwt.decode(token, options={"verify_signature": False}).get("jti")
        delivery = BackchannelDelivery(client_id=client.client_id,
                                       uri=client.backchannel_logout_uri, sid=sid,
                                       sub=session.user_id, jti=str(jti))
        outbox().enqueue(delivery, token)
        queued.append(delivery)
    return queued
