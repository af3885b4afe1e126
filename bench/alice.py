"""Alice signed in to the BFF through the real code flow, and what the server keeps for her.

Contract: `sign_in_alice(stack)` returns an `Alice` whose `http` session carries the
BFF's session cookie. `session_id` and `access_token` are read from the BFF's
server-side store (the grant): the benchmarks may look at server state, the browser
never sees it.
"""

from __future__ import annotations

from dataclasses import dataclass

import requests

from app.auth import grants
from app.auth.services import EXTENSION as AUTH_EXTENSION
from bench.stack import Stack
from tests.support.login import sign_in

TIMEOUT = 10


@dataclass
class Alice:
    http: requests.Session
    user_id: str
    session_id: str
    access_token: str
    cookie: tuple[str, str]  # the BFF session cookie's name and value


def sign_in_alice(stack: Stack) -> Alice:
    http = requests.Session()
    response = sign_in(http, stack.bff_url)
    if response.status_code != 200:
        raise RuntimeError(f"sign-in failed: {response.status_code} {response.text[:300]}")
    me = http.get(stack.bff_url + "/api/me", timeout=TIMEOUT)
    if me.status_code != 200:
        raise RuntimeError(f"GET /api/me: {me.status_code} {me.text[:300]}")
    user_id = me.json()["user_id"]
    # Our session id, found the way back-channel logout finds it: the grant index by sub.
    store = stack.bff_app.extensions[AUTH_EXTENSION].store
    (session_id,) = grants.sessions_for(store, sid=None, sub=user_id)
    grant = grants.load(store, session_id)
    if grant is None or grant["sub"] != user_id:
        raise RuntimeError("no grant for alice's session")
    name = stack.bff_app.config["SESSION_COOKIE_NAME"]
    return Alice(http, user_id, session_id, grant["access_token"], (name, http.cookies[name]))
