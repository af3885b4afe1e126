"""The BFF's own registry of the device keys it registered.

The tenant offers no self-service listing of device credentials (that needs
`read:device_credentials`), so the BFF remembers, per user, the credentials it
created: `{"id", "device_name", "device_id", "created_at"}`, kept in the shared
`KeyValueStore` under `registry:devices:{u:<hash>}`, a key space of its own that never
expires (it survives sign-out and works across workers).

Contract: `DeviceRegistry` reads and changes one user's list under a lock. What a
registration may hold is `app.selfservice.models.DeviceRegistration`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from .store import KeyValueStore, user_key


class DeviceRegistry:
    """The device credentials this BFF registered for one user."""

    def __init__(self, store: KeyValueStore, user_id: str) -> None:
        self._store = store
        self._key = user_key("registry:devices", user_id)

    def list(self) -> list[dict[str, str]]:
        return list(self._store.get(self._key) or [])

    def find(self, credential_id: str) -> dict[str, str] | None:
        return next((d for d in self.list() if d["id"] == credential_id), None)

    def find_device(self, device_id: str) -> dict[str, str] | None:
        return next((d for d in self.list() if d["device_id"].lower() == device_id.lower()),
                    None)

    @contextmanager
    def locked(self, ttl: float) -> Iterator[DeviceRegistry]:
        """Hold the user's registry while a tenant call (lasting at most `ttl` seconds)
        and the record change happen."""
        with self._store.lock(self._key, ttl=ttl, wait=10):
            yield self

    def add(self, credential_id: str, device_name: str, device_id: str) -> dict[str, str]:
        record = {
            "id": credential_id,
            "device_name": device_name,
            "device_id": device_id,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        }
        self._store.set(self._key, [*self.list(), record])
        return record

    def remove(self, credential_id: str) -> None:
        self._store.set(self._key, [d for d in self.list() if d["id"] != credential_id])
