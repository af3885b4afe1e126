"""Multi-resource refresh tokens: what a refresh for another API's audience may get.

Contract: `requested_exchange(client, audience, scope)` is None for a plain refresh (no
`audience`); otherwise an `Exchange` for an API in the client's refresh token policy, or
`AudienceRefused` (the Management API can never be a policy audience, and an unknown or
unlisted one is refused, not silently swapped for another, as is an API that requires a
client grant the client does not have). `Exchange.scope_with(original)`
is the access token's scope: the policy's scopes for that API (narrowed to those asked
for, when `scope` is given; unknown ones are ignored, as Auth0 does) plus the OIDC
scopes the sign-in granted (docs-v2 `configure-and-implement-multi-resource-refresh-token`).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.tenant import apis
from app.tenant.oauth.scopes import OIDC_SCOPES


class AudienceRefused(ValueError):
    pass


@dataclass(frozen=True)
class Exchange:
    audience: str
    allowed: tuple[str, ...]
    requested: tuple[str, ...] | None
    #: False for the Management API: good only as the sign-in's own audience.
    in_policy: bool = True

    def scope_with(self, original: str) -> str:
        granted = original.split()
        oidc = [s for s in granted if s in OIDC_SCOPES]
        if self.requested is None:
            api = list(self.allowed)
        else:
            oidc = [s for s in oidc if s in self.requested]
            api = [s for s in self.allowed if s in self.requested]
        return " ".join(dict.fromkeys([*oidc, *api]))


def requested_exchange(client, audience: str | None, scope: str | None) -> Exchange | None:
    if audience is None:
        return None
    api = apis.by_audience(audience)
    if api is None:
        raise AudienceRefused(f"Service not found: {audience}")
    if api.name == apis.MANAGEMENT:
        return Exchange(audience, (), None, in_policy=False)
    policy = client.refresh_policy_scopes(api.name)
    if policy is None:
        raise AudienceRefused(
            f"The audience {audience} is not in the refresh token policy of client"
            f" {client.client_id}."
        )
    grant = client.granted_scopes(api.name)
    if api.require_client_grant and grant is None:
        # As at /authorize: an API that requires a client grant (the My Account API) gives
        # no token to an application without one, refresh token policy or not.
        raise AudienceRefused(
            f"Client {client.client_id} has no client grant for the audience {audience}."
        )
    allowed = tuple(s for s in api.scopes if s in policy and (grant is None or s in grant))
    return Exchange(audience, allowed, tuple(scope.split()) if scope else None)
