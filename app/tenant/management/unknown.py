"""Every other /api/v2 path, answered as Auth0 answers a token with current_user scopes.

Known Management API resources need scopes such a token never has: 403
insufficient_scope naming them (after the token itself is checked). Anything else
is 404, as for a route that does not exist.
"""

from __future__ import annotations

from flask import request

from app.tenant.management import bp
from app.tenant.management.auth import caller
from app.tenant.management.errors import ApiError, insufficient_scope

#: Management API resources (first path segment) and the scope noun of their scopes.
RESOURCE_SCOPES = {
    "actions": "actions",
    "anomaly": "anomaly_blocks",
    "attack-protection": "attack_protection",
    "blacklists": "tokens",
    "branding": "branding",
    "client-grants": "client_grants",
    "clients": "clients",
    "connections": "connections",
    "custom-domains": "custom_domains",
    "device-credentials": "device_credentials",
    "email-templates": "email_templates",
    "emails": "email_provider",
    "grants": "grants",
    "guardian": "guardian_factors",
    "hooks": "hooks",
    "jobs": "users",
    "keys": "signing_keys",
    "log-streams": "log_streams",
    "logs": "logs",
    "organizations": "organizations",
    "prompts": "prompts",
    "refresh-tokens": "refresh_tokens",
    "resource-servers": "resource_servers",
    "roles": "roles",
    "rules": "rules",
    "rules-configs": "rules_configs",
    "sessions": "sessions",
    "stats": "stats",
    "tenants": "tenant_settings",
    "tickets": "user_tickets",
    "user-blocks": "users",
    "users": "users",
    "users-by-email": "users",
}
VERBS = {"GET": "read", "HEAD": "read", "POST": "create", "PUT": "update",
         "PATCH": "update", "DELETE": "delete"}


def expected_scope(method: str, path: str) -> str | None:
    """The scope Auth0 would ask for, or None when the path is not a known resource."""
    resource = path.strip("/").split("/", 1)[0]
    noun = RESOURCE_SCOPES.get(resource)
    verb = VERBS.get(method)
    if noun is None or verb is None:
        return None
    return f"{verb}:{noun}"


@bp.route("/", defaults={"rest": ""}, methods=list(VERBS))
@bp.route("/<path:rest>", methods=list(VERBS))
def unknown_operation(rest: str):
    scope = expected_scope(request.method, rest)
    if scope is None:
        raise ApiError(404, "Not Found")
    caller()
    raise insufficient_scope((scope,))
