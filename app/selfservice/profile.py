"""The signed-in user's profile: a short per-session cache and the shapes the SPA reads.

Contract:
- `ProfileCache(store)`: `load(client, caller, session_id)` returns the tenant's user
  JSON, from the cache when it is younger than `TTL` seconds and no write happened
  since; `fresh(...)` always asks the tenant (and refills the cache);
  `invalidate(user_id)` drops every session's copy for that user (a generation
  counter, so that it works across sessions and workers).
  `generation(user_id)` is that counter, for other per-user copies to compare.
  `ProfileCache.keys_for(session_id, user_id)` names the two keys a load reads (the
  session's copy and the user's generation, in the user's hash tag); `init_app`
  registers it with `app.auth.session.read_with_session`, so a cached read costs no
  store round trip beyond the session's own two.
- `profile_body(user)` is `GET /api/me`; `profile_etag(body)` its ETag (`p-...`), which
  changes whenever any part of the profile does; `metadata_etag(user_metadata)` is the
  ETag of the metadata alone (`m-...`). `PATCH /api/me/metadata` accepts either in
  `If-Match`.
- `main_identity(user)` and `identity_body(identity)` shape linked identities.
"""

from __future__ import annotations

import time
from typing import Any

from app.auth import discard_prefetched, take_prefetched

from .client import Caller, ManagementClient
from .metadata import etag
from .store import KeyValueStore, session_key, user_key

TTL = 30  # seconds a session may see a profile without asking the tenant again
#: How long a user's write generation is kept: far longer than any cached copy lives.
GENERATION_TTL = 24 * 3600

PROFILE_FIELDS = ("user_id", "name", "nickname", "email", "email_verified", "picture",
                  "last_login", "logins_count", "created_at", "updated_at")


def cache_key(session_id: str) -> str:
    return session_key("profile", session_id)


def _generation_key(user_id: str) -> str:
    return user_key("profile-gen", user_id)


class ProfileCache:
    def __init__(self, store: KeyValueStore) -> None:
        self._store = store

    @staticmethod
    def keys_for(session_id: str, user_id: str) -> list[str]:
        return [KeyValueStore.full_key(cache_key(session_id)),
                KeyValueStore.full_key(_generation_key(user_id))]

    def load(self, client: ManagementClient, caller: Caller, session_id: str) -> dict[str, Any]:
        keys = [cache_key(session_id), _generation_key(caller.user_id)]
        cached, generation = (take_prefetched(self.keys_for(session_id, caller.user_id))
                              or self._store.get_many(keys))
        if (
            isinstance(cached, dict)
            and cached.get("user_id") == caller.user_id
            and cached.get("generation") == int(generation or 0)
            and time.time() - cached.get("at", 0) < TTL
        ):
            return cached["user"]
        return self.fresh(client, caller, session_id)

    def fresh(self, client: ManagementClient, caller: Caller, session_id: str) -> dict[str, Any]:
        generation = int(self._store.get(_generation_key(caller.user_id)) or 0)
        user = client.get_user(caller)
        self._store.set(
            cache_key(session_id),
            {"user_id": caller.user_id, "generation": generation, "at": time.time(),
             "user": user},
            ttl=TTL,
        )
        return user

    def generation(self, user_id: str) -> int:
        """The user's write generation: it changes with every `invalidate`, so any other
        per-user copy (the sign-in methods list) can tell it has gone stale."""
        return int(self._store.get(_generation_key(user_id)) or 0)

    def invalidate(self, user_id: str) -> None:
        # A new generation makes every session's cached copy stale at once.
        self._store.incr(_generation_key(user_id), GENERATION_TTL)
        discard_prefetched()


def identity_body(identity: dict[str, Any]) -> dict[str, Any]:
    """An identity as the SPA sees it: no IdP tokens, ever."""
    body = {
        "provider": identity.get("provider"),
        "user_id": str(identity.get("user_id")),
        "connection": identity.get("connection"),
        "isSocial": bool(identity.get("isSocial", False)),
    }
    if isinstance(identity.get("profileData"), dict):
        body["profileData"] = identity["profileData"]
    return body


def main_identity(user: dict[str, Any]) -> dict[str, Any] | None:
    """The identity the account was created with: `provider|user_id` is the user's id."""
    identities = user.get("identities") or []
    for identity in identities:
        if f"{identity.get('provider')}|{identity.get('user_id')}" == user.get("user_id"):
            return identity
    return identities[0] if identities else None


def profile_body(user: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {key: user.get(key) for key in PROFILE_FIELDS}
    body["identities"] = [identity_body(i) for i in user.get("identities") or []]
    body["user_metadata"] = user.get("user_metadata") or {}
    body["app_metadata"] = user.get("app_metadata") or {}
    return body


def profile_etag(body: dict[str, Any]) -> str:
    return etag(body, prefix="p")


def metadata_etag(user_metadata: dict[str, Any]) -> str:
    return etag(user_metadata, prefix="m")
