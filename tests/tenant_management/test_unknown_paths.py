"""Other /api/v2 paths answer as Auth0 answers a token with current_user scopes only."""

from __future__ import annotations

import pytest

from app.tenant.directory import ALICE_ID
from tests.tenant_management.support import user_path


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("GET", "/users", "read:users"),
        ("POST", "/users", "create:users"),
        ("DELETE", user_path(ALICE_ID), "delete:users"),
        ("GET", user_path(ALICE_ID, "/roles"), "read:users"),
        ("GET", "/clients", "read:clients"),
        ("GET", "/device-credentials", "read:device_credentials"),
        ("PATCH", "/tenants/settings", "update:tenant_settings"),
        ("GET", "/resource-servers", "read:resource_servers"),
    ],
)
def test_known_resources_need_other_scopes(mgmt, alice_token, method, path, scope):
    response = mgmt.call(method, path, alice_token)
    assert response.status_code == 403
    assert response.json() == {
        "statusCode": 403,
        "error": "Forbidden",
        "message": f"Insufficient scope, expected any of: {scope}",
        "errorCode": "insufficient_scope",
    }


def test_known_resource_still_needs_a_token(mgmt):
    assert mgmt.call("GET", "/users").status_code == 401


@pytest.mark.parametrize("path", ["/no-such-thing", "/", "/users-and-more/x"])
def test_unknown_paths_are_not_found(mgmt, alice_token, path):
    response = mgmt.call("GET", path, alice_token)
    assert response.status_code == 404
    assert response.json()["statusCode"] == 404
    assert "x-ratelimit-limit" in response.headers
