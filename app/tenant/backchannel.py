"""Back-channel logout: when an SSO session ends, POST a logout token to each client that
had tokens under it and registered a back-channel logout URI.

Contract: `end_session_and_notify(conn, sid)` deletes the session and delivers
synchronously (short timeout, no retry: a receiver that is down misses it, as with
Auth0's best-effort delivery); every attempt is recorded in the tenant's deliveries
(`/__test__/backchannel-deliveries`).
"""

from __future__ import annotations

import logging
import sqlite3

import requests

from app.tenant import clients, sso
from app.tenant.context import BackchannelDelivery, current_tenant
from app.tenant.oauth import tokens

log = logging.getLogger(__name__)

DELIVERY_TIMEOUT = (2, 3)  # (connect, read) seconds


def end_session_and_notify(conn: sqlite3.Connection, sid: str) -> list[BackchannelDelivery]:
    session = sso.get_session(conn, sid)
    if session is None:
        return []
    client_ids = sso.end_session(conn, sid)
    deliveries = []
    for client_id in client_ids:
        client = clients.get_client(conn, client_id)
        if client is None or not client.backchannel_logout_uri:
            continue
        deliveries.append(_deliver(client, session.user_id, sid))
    return deliveries


def _deliver(client: clients.Client, user_id: str, sid: str) -> BackchannelDelivery:
    uri = client.backchannel_logout_uri
    assert uri is not None
    token = tokens.logout_token(client.client_id, user_id, sid)
    delivery = BackchannelDelivery(client_id=client.client_id, uri=uri, status=None, sid=sid,
                                   sub=user_id)
    try:
        answer = requests.post(uri, data={"logout_token": token}, timeout=DELIVERY_TIMEOUT,
                               allow_redirects=False)
        delivery.status = answer.status_code
    except requests.RequestException as error:
        delivery.error = f"{type(error).__name__}: {error}"
        log.warning("back-channel logout to %s failed: %s", uri, delivery.error)
    current_tenant().record_delivery(delivery)
    return delivery
