"""Device keys: registering and revoking them, and the registry of the ones this app
registered (the tenant has no self-service listing).

Contract: `list_keys(account)`; `register(account, registration, client_id)` creates the
credential at the tenant and records it, under the user's registry lock (409
`device_exists` when the registry or the tenant already has a key for the device);
`revoke(account, credential_id)` only for keys this app registered for the user (404
`device_not_found`), forgetting one the tenant no longer has.
"""

from __future__ import annotations

from app.web.problems import Problem

from ..client import ManagementHTTPError
from ..device_keys import DeviceRegistry
from ..models import DeviceCredential, DeviceCredentials, DeviceRegistration
from .account import Account


def _registry(account: Account) -> DeviceRegistry:
    return DeviceRegistry(account.store, account.user_id)


def list_keys(account: Account) -> DeviceCredentials:
    return DeviceCredentials(device_credentials=[
        DeviceCredential.model_validate(record) for record in _registry(account).list()])


def register(account: Account, registration: DeviceRegistration,
             client_id: str) -> DeviceCredential:
    with _registry(account).locked(account.device_lock_ttl) as registry:
        if registry.find_device(registration.device_id):
            raise Problem(409, "device_exists", "A key for this device is already registered."
                          " Revoke it first to register a new one.")
        try:
            created = account.client.create_device_credential(account.caller, {
                "device_name": registration.device_name,
                "device_id": registration.device_id,
                "value": registration.public_key,  # base64 DER SPKI, once validated
                "type": "public_key",
                "client_id": client_id,
            })
        except ManagementHTTPError as error:
            if error.status == 409:
                # Not in our registry: most likely an earlier attempt whose answer was lost.
                raise Problem(409, "device_exists", "The account service already has a key"
                              " for this device, perhaps from an earlier attempt whose answer"
                              " was lost. Register it under another device id.") from error
            raise
        record = registry.add(str(created["id"]), registration.device_name,
                              registration.device_id)
    return DeviceCredential.model_validate(record)


def revoke(account: Account, credential_id: str) -> None:
    with _registry(account).locked(account.device_lock_ttl) as registry:
        if registry.find(credential_id) is None:
            raise Problem(404, "device_not_found", "This app registered no device key with"
                          " that id for you.")
        try:
            account.client.delete_device_credential(account.caller, credential_id)
        except ManagementHTTPError as error:
            if error.status != 404:
                raise
            # Already gone at the tenant: forget it here too.
        registry.remove(credential_id)
