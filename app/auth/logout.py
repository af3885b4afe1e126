"""Ending sessions: the tenant's logout URL, and back-channel logout from the tenant.

Contract:
- `tenant_logout_url(auth, return_to)`: `{tenant}/v2/logout?client_id=...&returnTo=...`.
- `backchannel_logout(auth, raw_token) -> int`: validates the logout token (`tokens.py`),
  refuses a replayed `jti`, ends every session of that tenant session (`sid`) or,
  without `sid`, of that user (`sub`), whichever worker created them; returns how
  many ended. Raises `InvalidToken` for a bad or replayed token.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from . import grants
from .services import AuthServices
from .tokens import LEEWAY, LOGOUT_TOKEN_MAX_AGE, InvalidToken

log = logging.getLogger(__name__)


def tenant_logout_url(auth: AuthServices, return_to: str) -> str:
    query = urlencode({"client_id": auth.settings.client_id, "returnTo": return_to})
    return f"{auth.settings.tenant_url}/v2/logout?{query}"


def backchannel_logout(auth: AuthServices, raw_token: str) -> int:
    claims = auth.validator.logout_token(raw_token)
    # Remember jti as long as the token could still be accepted.
    if not auth.store.add("jti:" + claims["jti"], True, LOGOUT_TOKEN_MAX_AGE + 2 * LEEWAY):
        raise InvalidToken("logout token: jti was already used")
    ended = grants.sessions_for(auth.store, sid=claims.get("sid"), sub=claims.get("sub"))
    for session_id in ended:
        grants.delete(auth.store, session_id)
    log.info("back-channel logout ended %d session(s)", len(ended))
    return len(ended)
