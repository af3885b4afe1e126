"""The Management API client's guard against path tricks: a path parameter or a raw path
whose segment is `.` or `..` (plain or percent-encoded) would be resolved away by the
HTTP stack (urllib3 removes dot segments), so the request would reach another endpoint
than the one the guard approved. A recording server on loopback proves nothing is sent."""

from __future__ import annotations

import jwt
import pytest

from app.selfservice.client import Caller, ForbiddenRequest, ManagementClient
from tests.support.servers import LiveServer

ALICE = "auth0|65f0a1c2b3d4e5f60718293a"
ALICE_IN_PATH = ALICE.replace("|", "%7C")


@pytest.fixture(scope="module")
def recorder():
    hits: list[str] = []

    def app(environ, start_response):
        # The path as sent (PATH_INFO would show %2F decoded).
        hits.append(f"{environ['REQUEST_METHOD']} {environ['REQUEST_URI']}")
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b"[]"]

    server = LiveServer().serve(app)
    yield server, hits
    server.stop()


@pytest.fixture
def client_and_hits(recorder):
    server, hits = recorder
    hits.clear()
    return ManagementClient(server.url, timeout=2), hits


def alice() -> Caller:
    # Only `sub` is read by the guard; the tenant would check the signature.
    return Caller(ALICE, jwt.encode({"sub": ALICE}, "x" * 32, algorithm="HS256"))


@pytest.mark.parametrize("value", [".", ".."])
def test_dot_segments_as_path_parameters_are_refused_unsent(client_and_hits, value):
    client, hits = client_and_hits
    with pytest.raises(ForbiddenRequest):
        client.delete_device_credential(alice(), value)
    with pytest.raises(ForbiddenRequest):
        client.unlink_identity(alice(), value, "x")
    with pytest.raises(ForbiddenRequest):
        client.unlink_identity(alice(), "github", value)
    with pytest.raises(ForbiddenRequest):
        client.delete_multifactor(alice(), value)
    assert hits == []


@pytest.mark.parametrize(
    "path",
    [
        "/device-credentials/..",
        "/device-credentials/.",
        "/device-credentials/%2e%2e",
        f"/users/{ALICE_IN_PATH}/multifactor/..",
        f"/users/{ALICE_IN_PATH}/identities/../..",
        f"/users/{ALICE_IN_PATH}/identities/%2E%2E/x",
    ],
)
def test_raw_paths_with_dot_segments_are_refused_unsent(client_and_hits, path):
    client, hits = client_and_hits
    with pytest.raises(ForbiddenRequest):
        client.send("DELETE", path, alice())
    assert hits == []


@pytest.mark.parametrize("value", ["a?b", "a#b", "a/b", "caf\u00e9", "..x", "%2e%2e", "x" * 2000])
def test_other_odd_values_stay_inside_their_segment(client_and_hits, value):
    """`?`, `#`, `/`, `%` and non-ASCII are percent-encoded; a long value is one segment."""
    client, hits = client_and_hits
    client.delete_device_credential(alice(), value)
    assert len(hits) == 1
    method, path = hits[0].split(" ", 1)
    assert method == "DELETE"
    assert path.startswith("/api/v2/device-credentials/")
    assert "/" not in path[len("/api/v2/device-credentials/"):]
