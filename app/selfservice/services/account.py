"""The signed-in user as the services act for them, with the parts they act through.

Contract: `Account(caller, session_id, client, store, metadata_schema)` is built per
request by the view layer (from the session and the app's extensions); services read
nothing else. `profiles` is the per-session profile cache; `metadata_lock()` is held
through a metadata read and its write, so that one change at a time per user happens;
`device_lock_ttl` is how long a device registry lock may be held around one call.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from ..client import Caller, ManagementClient
from ..profile import ProfileCache
from ..store import KeyValueStore, user_key


@dataclass(frozen=True)
class Account:
    caller: Caller
    session_id: str
    client: ManagementClient
    store: KeyValueStore
    metadata_schema: Mapping[str, Any] | None = None  # METADATA_SCHEMA, loaded

    @property
    def user_id(self) -> str:
        return self.caller.user_id

    @property
    def profiles(self) -> ProfileCache:
        return ProfileCache(self.store)

    def metadata_lock(self) -> AbstractContextManager[None]:
        # A read and a write, each up to the client's longest call, happen under it.
        return self.store.lock(user_key("metadata", self.user_id),
                               ttl=2 * self.client.longest_call + 5)

    @property
    def device_lock_ttl(self) -> float:
        return self.client.longest_call + 5
