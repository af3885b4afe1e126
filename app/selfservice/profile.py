"""The signed-in user's profile: a short per-session cache and the shapes the SPA reads.

Contract:
- `ProfileCache(store)`: `load(client, caller, session_id)` returns the tenant's user
  JSON, from the cache when it is younger than `TTL` seconds and no write happened
  since; `fresh(...)` always asks the tenant (and refills the cache);
  `invalidate(user_id)` drops every session's copy for that user (a generation
  counter, so that it works across sessions and workers).
- `profile_body(user)` is `GET /api/me`; `profile_etag(body)` its ETag (`p-...`), which
  changes whenever any part of the profile does; `metadata_etag(user_metadata)` is the
  ETag of the metadata alone (`m-...`). `PATCH /api/me/metadata` accepts either in
  `If-Match`.
- `main_identity(user)` and `identity_body(identity)` shape linked identities.
"""

from __future__ import annotations

import time
from typing import Any

from .client import Caller, ManagementClient
from .metadata import etag
from .store import KeyValueStore

TTL = 30  # seconds a session may see a profile without asking the tenant again

PROFILE_FIELDS = ("user_id", "name", "nickname", "email", "email_verified", "picture",
                  "last_login", "logins_count", "created_at", "updated_at")


class ProfileCache:
    def __init__(self, store: KeyValueStore) -> None:
        self._store = store

    def _generation(self, user_id: str) -> int:
        return int(self._store.get(f"profile-gen:{user_id}") or 0)

    def load(self, client: ManagementClient, caller: Caller, session_id: str) -> dict[str, Any]:
        cached = self._store.get(f"profile:{session_id}")
        if (
            isinstance(cached, dict)
            and cached.get("user_id") == caller.user_id
            and cached.get("generation") == self._generation(caller.user_id)
            and time.time() - cached.get("at", 0) < TTL
        ):
            return cached["user"]
        return self.fresh(client, caller, session_id)

    def fresh(self, client: ManagementClient, caller: Caller, session_id: str) -> dict[str, Any]:
        generation = self._generation(caller.user_id)
        user = client.get_user(caller)
        self._store.set(
            f"profile:{session_id}",
            {"user_id": caller.user_id, "generation": generation, "at": time.time(),
             "user": user},
            ttl=TTL,
        )
        return user

    def invalidate(self, user_id: str) -> None:
        # A new generation makes every session's cached copy stale at once.
        self._store.set(f"profile-gen:{user_id}", self._generation(user_id) + 1)


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
