"""The tenant's APIs (resource servers): the Management API and the My Account API.

Contract: `resource_servers()` lists them for the running tenant; `by_audience(aud)`
finds one by identifier (None for an unknown audience). Each has the scopes a user's
token may carry for it and whether an application needs a client grant to get one
(`require_client_grant`, as Auth0 sets it for the My Account API). Applications' client
grants and refresh token policies (`app.tenant.clients`) name these APIs by `name`.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.tenant.context import current_tenant
from app.tenant.oauth.scopes import CURRENT_USER_SCOPES, MY_ACCOUNT_SCOPES

MANAGEMENT = "management"
MY_ACCOUNT = "my_account"


@dataclass(frozen=True)
class ResourceServer:
    name: str
    identifier: str
    scopes: tuple[str, ...]
    require_client_grant: bool


def resource_servers() -> tuple[ResourceServer, ...]:
    tenant = current_tenant()
    return (
        ResourceServer(MANAGEMENT, tenant.audience, CURRENT_USER_SCOPES, False),
        ResourceServer(MY_ACCOUNT, my_account_audience(), MY_ACCOUNT_SCOPES, True),
    )


def my_account_audience() -> str:
    """`https://{domain}/me/` on Auth0: the issuer followed by `me/`."""
    return current_tenant().issuer + "me/"


def by_audience(audience: str | None) -> ResourceServer | None:
    return next((api for api in resource_servers() if api.identifier == audience), None)


def by_name(name: str) -> ResourceServer | None:
    return next((api for api in resource_servers() if api.name == name), None)
