"""The Management API client refuses, before sending, anything but the eight operations
for the caller's own id. A recording server on loopback proves that nothing was sent."""

from __future__ import annotations

import pytest

from app.selfservice.client import Caller, ForbiddenRequest, ManagementClient
from tests.api.conftest import token_for

ALICE = "auth0|65f0a1c2b3d4e5f60718293a"
BOB = "auth0|65f0a1c2b3d4e5f60718293b"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/users"),
        ("GET", "/clients"),
        ("DELETE", "/users/{alice}"),
        ("POST", "/users/{alice}/roles"),
        ("PATCH", "/users/{alice}/identities"),
        ("GET", "/device-credentials"),
        ("GET", "/users/{alice}/enrollments/extra"),
        ("GET", "/users/{alice}/../x"),
        ("PUT", "/users/{alice}"),
        ("GET", "/users/{bob}"),
        ("GET", "/users/{bob}/enrollments"),
        ("DELETE", "/users/{bob}/multifactor/duo"),
    ],
)
def test_foreign_paths_methods_and_users_are_refused_unsent(recorder, method, path):
    server, hits = recorder
    hits.clear()
    client = ManagementClient(server.url, timeout=2)
    alice = Caller(ALICE, token_for(ALICE))
    path = path.format(alice=ALICE.replace("|", "%7C"), bob=BOB.replace("|", "%7C"))
    with pytest.raises(ForbiddenRequest):
        client.send(method, path, alice)
    assert hits == []


def test_a_token_of_another_user_is_refused_unsent(recorder):
    server, hits = recorder
    hits.clear()
    client = ManagementClient(server.url, timeout=2)
    with pytest.raises(ForbiddenRequest, match="another user"):
        client.get_user(Caller(ALICE, token_for(BOB)))
    with pytest.raises(ForbiddenRequest, match="erase all metadata"):
        client.update_user_metadata(Caller(ALICE, token_for(ALICE)), {})
    assert hits == []


def test_the_allowed_operations_are_sent(recorder):
    server, hits = recorder
    hits.clear()
    client = ManagementClient(server.url, timeout=2)
    alice = Caller(ALICE, token_for(ALICE))
    client.get_user(alice)
    client.get_enrollments(alice)
    client.delete_multifactor(alice, "duo")
    client.delete_device_credential(alice, "dcr_1")
    assert hits == [
        f"GET /api/v2/users/{ALICE}",
        f"GET /api/v2/users/{ALICE}/enrollments",
        f"DELETE /api/v2/users/{ALICE}/multifactor/duo",
        "DELETE /api/v2/device-credentials/dcr_1",
    ]
